"""Charts: pure builders (data in, Figure out), the dashboard's views and descriptions."""

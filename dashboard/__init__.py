"""The Streamlit dashboard: a router, one file per page, and thin helpers over `indicators`."""

"""Contributing: new records and datasets, and the changelog of a data change."""

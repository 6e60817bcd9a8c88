"""Reading: strict YAML, records compiled with their positions, the cache, dataset folders."""

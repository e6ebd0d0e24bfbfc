"""A synthetic governance graph in govkg's ontology, for benchmarks (bench/generate.py)."""

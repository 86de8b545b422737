"""The benchmark: `make bench` (``python -m generator.bench``) builds synthetic
sites (``synthetic``) of several sizes and reports time and memory."""

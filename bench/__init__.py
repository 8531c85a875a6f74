"""The production-scale benchmark: `python -m bench` (or `make bench`); see bench/results.md."""

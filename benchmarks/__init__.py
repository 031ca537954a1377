"""Benchmarks against the budgets in DESIGN.md. Run them all with `make bench`."""

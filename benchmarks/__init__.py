"""Measurements of the engine's cost per step; run `python benchmarks/engine.py` (see docs/benchmarks.md)."""

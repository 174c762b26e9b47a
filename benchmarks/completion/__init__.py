"""What one step completion costs, four ways: see benchmarks/engine.py."""

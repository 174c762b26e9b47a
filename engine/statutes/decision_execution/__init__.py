"""决策执行: executing, adjusting, suspending and evaluating a major decision (MD-34 … MD-37).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

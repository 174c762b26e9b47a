"""DecisionFlow's own rules (DF-…): order, roles, input, integrity, accounts — the law's order kept in a computer.

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

"""行政规范性文件: drafting, legality review, collective review, registration, publication, filing and validity (ND-…).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

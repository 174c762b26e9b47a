"""重大执法决定法制审核: the legal review of major enforcement decisions (ER-…).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

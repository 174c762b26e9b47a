"""规范性文件清理: periodic and special clean-ups of normative documents (ND-9).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

"""行政复议: administrative reconsideration under the Law of 2023 (RC-…).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

"""重大行政决策: the national Regulation (国务院令第713号) and Sichuan's additions (SC-…).

Its home holds the modules `engine/statutes/__init__.py` describes; see docs/adding-a-rule.md.
"""

"""Plain-Python domain: step kinds, rules, errors. Imports nothing else of ours."""

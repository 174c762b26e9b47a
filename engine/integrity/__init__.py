"""Integrity: every fact is evidence or derived from evidence, and `decisionflow verify` proves it (DF-INTEGRITY).

`check.verify(connection, heads)` recomputes every chain and rebuilds every projection from it
(projection.py), re-hashes every document (documents.py), checks the administration side (admin.py)
and yields a `Finding` (findings.py) for each fact the history does not back. Columns it does not
rebuild are listed, with the reason, in one place: cache.py.
"""

from engine.integrity.findings import Finding

__all__ = ["Finding"]

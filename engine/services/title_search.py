"""Title search: the condition that finds the titles containing what a user typed, in a form an index serves.

A title filter is a substring search, case ignored, the text taken literally (`%` and `_` are characters,
not wildcards). On PostgreSQL two GIN indexes of pg_trgm serve it (migration 0017c_title_trgm):

- three characters or more: `title LIKE '%…%'` reads `ix_procedures_title_trgm`, trigrams of the title;
- two characters, the usual length of a Chinese word (公交, 燃气): a trigram needs three, so the title's
  trigrams select nothing. `df_title_bigrams(title)` spells the title as its pairs of neighbouring
  characters, each a word between spaces (`县城公交线` → `  县城 公交 线 城公 交线  `); a pair searched as a
  whole word (`LIKE '% 公交 %'`) has three trigrams of its own, which `ix_procedures_title_bigrams` selects.
  The two conditions agree when neither character is a space: the inserted spaces only ever separate
  characters, so two neighbouring non-space characters of the spelling are neighbours in the title, and
  every such pair of the title stands in the spelling between spaces. The plain `title LIKE` is kept
  beside it: it is the cheap test a scan of the primary key (newest first, stopping at the page) applies
  first, computing the spelling only for the titles that pass.

Text without letters that have case (Chinese, digits) is matched with LIKE, the rest with ILIKE: ILIKE
folds the case of every character of every title it reads, four to five times LIKE's cost on Chinese.
One character, and a pair with a space, read every title; so does SQLite, which has no pg_trgm.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func

from engine.persistence.tables import Procedure

ESCAPE = "/"


def title_contains(dialect: str, typed: str) -> ColumnElement[bool]:
    """The filter "the title contains `typed`, case ignored", for a database of `dialect`."""
    caseless = typed.lower() == typed.upper()
    pattern = _literal(typed)
    if caseless:
        whole = Procedure.title.like(f"%{pattern}%", escape=ESCAPE)
    else:
        whole = Procedure.title.ilike(f"%{pattern}%", escape=ESCAPE)
    if dialect != "postgresql" or len(typed) != 2 or " " in typed:
        return whole
    pairs = func.df_title_bigrams(Procedure.title)
    pair = pairs.like(f"% {pattern} %", escape=ESCAPE) if caseless else pairs.ilike(f"% {pattern} %", escape=ESCAPE)
    return and_(whole, pair)


def _literal(typed: str) -> str:
    """`typed` as a LIKE pattern that matches only itself (`ESCAPE` before the escape and the wildcards)."""
    return "".join(ESCAPE + c if c in (ESCAPE, "%", "_") else c for c in typed)

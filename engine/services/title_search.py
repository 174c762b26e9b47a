"""Title search: the condition that finds the titles containing what a user typed, in a form an index serves.

A title filter is a substring search, case ignored, the text taken literally (`%` and `_` are characters,
not wildcards). On PostgreSQL three GIN indexes of pg_trgm serve it (migrations 0017c_title_trgm and
0018b_title_chars):

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
- one character, a meaningful search in Chinese (水, 县, 费): `df_title_chars(title)` spells the title as
  its characters, each a word between spaces (`县城公交` → ` 县 城 公 交 `, migration 0018b_title_chars); a
  character searched as a whole word (`LIKE '% 水 %'`) has two trigrams of its own (`  水`, ` 水 `), which
  `ix_procedures_title_chars` selects. Every character of the title stands in the spelling between spaces,
  and a non-space character between spaces there is a character of the title, so the two agree.

pg_trgm makes trigrams of word characters only (letters and digits of the database's locale): one
character that is none (`%`, `_`, `/`, `.`, `（`) has no trigram to look up, and the index would be read
whole, so it is matched by the plain LIKE and reads every title, as a pair with a space does; a single space
too (it stands in most titles, so a page of them fills within its first rows). Python's `str.isalnum` stands
for pg_trgm's test; where the two disagree on a character, only the speed differs, never the titles found,
since the plain LIKE is always part of the condition. SQLite has no pg_trgm: it scans.

Text without letters that have case (Chinese, digits) is matched with LIKE, the rest with ILIKE: ILIKE
folds the case of every character of every title it reads, three to four times LIKE's cost on Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, bindparam, func

from engine.persistence.tables import Procedure

ESCAPE = "/"


@dataclass(frozen=True)
class TitleFilter:
    """"The title contains what was typed, case ignored", in two forms that select the same rows.

    `seek` is the form an index serves: the count, and a page of few matches, read it. `scan` is the test
    a walk of the primary key applies to each row, newest first, until the page is full: the page reads it
    when the count found many matches (the planner has no statistics for the pair spelling until ANALYZE
    has seen the index; chose a bitmap of 100,000 matches and sorted it, 0.9 s at 1,000,000 procedures)."""

    seek: ColumnElement[bool]
    scan: ColumnElement[bool]

    @classmethod
    def of(cls, dialect: str, typed: str) -> TitleFilter:
        """The filter for a database of `dialect`."""
        caseless = typed.lower() == typed.upper()
        pattern = _literal(typed)
        whole = _like(Procedure.title, f"%{pattern}%", caseless)
        if dialect == "postgresql" and len(typed) == 2 and " " not in typed:
            return cls(and_(whole, _like(func.df_title_bigrams(Procedure.title), f"% {pattern} %", caseless)), whole)
        if dialect == "postgresql" and len(typed) == 1 and typed.isalnum():
            return cls(and_(whole, _like(func.df_title_chars(Procedure.title), f"% {pattern} %", caseless)), whole)
        return cls(whole, whole)  # three characters or more: ix_procedures_title_trgm serves `whole` itself


def _like(text: ColumnElement[str], pattern: str, caseless: bool) -> ColumnElement[bool]:
    """The pattern goes into the statement as a quoted literal, not a parameter: psycopg prepares a
    statement run five times, and PostgreSQL's generic plan for `LIKE $1` cannot know which index the
    pattern can use, so it scanned every title (公交: 25 ms planned with the pattern, 202 ms with the
    generic plan, at a million procedures). SQLAlchemy renders and quotes it (`literal_execute`)."""
    bound = bindparam(None, pattern, type_=String(), literal_execute=True)
    return text.like(bound, escape=ESCAPE) if caseless else text.ilike(bound, escape=ESCAPE)


def _literal(typed: str) -> str:
    """`typed` as a LIKE pattern that matches only itself (`ESCAPE` before the escape and the wildcards)."""
    return "".join(ESCAPE + c if c in (ESCAPE, "%", "_") else c for c in typed)

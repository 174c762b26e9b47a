"""Procedure search bounded at any size (issue 21): its count stops one past `COUNT_LIMIT`, and a title
search is an ILIKE that PostgreSQL's trigram index (migration 0017c) serves, with the characters a user
types taken literally (`%` and `_` are not wildcards) and Chinese searches of two characters still exact.
"""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, select

import engine.services.procedures as procedures
from engine.persistence import schema
from engine.persistence.tables import Procedure
from engine.services.title_search import TitleFilter
from tests.conftest import bundle

TITLES = ["县城公交线路调整方案", "城区公交票价调整", "100%达标行动方案", "100个达标项目清单", "a_b 片区规划",
          "axb 片区规划", "PM2.5 治理方案", "老旧小区改造"]


@pytest.fixture
def started(engine, people):  # type: ignore[no-untyped-def]
    """One review_loop procedure per title, in the order of TITLES."""
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "test")
    return {title: engine.procedures.start("review_loop", title, "dev_reform", people.sponsor).id for title in TITLES}


def _found(engine, title):  # type: ignore[no-untyped-def]
    total, page = engine.procedures.search_page(title=title, limit=200)
    assert total == len(page.items)
    return {v.title for v in page.items}


@pytest.mark.parametrize(("typed", "expected"), [
    ("公交", {"县城公交线路调整方案", "城区公交票价调整"}),      # two Chinese characters: fewer than a trigram
    ("公交线路", {"县城公交线路调整方案"}),
    ("调整", {"县城公交线路调整方案", "城区公交票价调整"}),
    ("100%", {"100%达标行动方案"}),                              # % is the character, not "anything"
    ("a_b", {"a_b 片区规划"}),                                    # _ is the character, not "any one"
    ("pm2.5", {"PM2.5 治理方案"}),                                # case does not matter, on either database
    ("/", set()),                                                 # the escape character itself is literal
    ("a_", {"a_b 片区规划"}),                                       # two characters, one a wildcard in LIKE
    ("b ", {"a_b 片区规划", "axb 片区规划"}),                       # a pair with a space
    ("区规", {"a_b 片区规划", "axb 片区规划"}),
    ("划分", set()),
    (".5", {"PM2.5 治理方案"}),                                   # punctuation: no trigram, still exact
    ("改造方案", set()),
])
def test_df_view_title_search_finds_exactly_the_titles_containing_what_was_typed(engine, started, typed, expected):
    assert _found(engine, typed) == expected


def test_df_view_search_counts_one_past_its_limit_and_still_pages_every_match(engine, started, monkeypatch):
    monkeypatch.setattr(procedures, "COUNT_LIMIT", 3)
    total, page = engine.procedures.search_page(limit=200)
    assert total == 4 and len(page.items) == len(TITLES)  # counted to the limit and one more, never all
    total, page = engine.procedures.search_page(title="公交", limit=200)
    assert total == 2 == len(page.items)  # under the limit the count is exact
    monkeypatch.setattr(procedures, "COUNT_LIMIT", 1)  # past it, the page walks the newest first: same matches
    total, page = engine.procedures.search_page(title="公交", limit=200)
    assert total == 2 and [v.id for v in page.items] == [started["城区公交票价调整"], started["县城公交线路调整方案"]]
    monkeypatch.setattr(procedures, "COUNT_LIMIT", 3)
    walked, cursor = [], None
    while True:
        total, page = engine.procedures.search_page(limit=3, after=cursor)
        assert total == 4
        walked += [v.id for v in page.items]
        if (cursor := page.next) is None:
            break
    assert walked == sorted(started.values(), reverse=True)


TITLE_INDEXES = {"ix_procedures_title_trgm", "ix_procedures_title_bigrams"}


def _title_indexes(connection):  # type: ignore[no-untyped-def]
    return {i["name"] for i in inspect(connection).get_indexes("procedures")} & TITLE_INDEXES


def _named(differences):  # type: ignore[no-untyped-def]
    return {(d[0], d[1].name) for d in differences}


def test_df_view_title_trigram_indexes_are_made_by_migration_0017c_and_undone_by_its_downgrade(engine, db_url):
    made = TITLE_INDEXES if engine.db.dialect.name == "postgresql" else set()
    with engine.db.connect() as connection:
        assert _title_indexes(connection) == made
        assert schema.differences(connection) == []
    command.downgrade(schema.alembic_config(db_url), "0017a_keyset_a")  # the revision before 0017c
    with engine.db.connect() as connection:
        assert _title_indexes(connection) == set()
        # 0017c's indexes are gone (later migrations' are too, below the revision asked for)
        assert {("add_index", name) for name in made} <= _named(schema.differences(connection))
    schema.upgrade(db_url)
    with engine.db.connect() as connection:
        assert _title_indexes(connection) == made
        assert schema.differences(connection) == []


@pytest.mark.parametrize(("typed", "index"), [("公交线路", "ix_procedures_title_trgm"),
                                              ("pm2.5", "ix_procedures_title_trgm"),
                                              ("公交", "ix_procedures_title_bigrams"),
                                              ("a_", "ix_procedures_title_bigrams"),
                                              ("价", "ix_procedures_title_chars"),  # one character: 0018b
                                              ("m", "ix_procedures_title_chars"),   # a letter, case ignored
                                              ("5", "ix_procedures_title_chars")])
def test_df_view_a_title_search_is_a_query_a_trigram_index_serves(engine, started, typed, index):
    """search_page's own count, replayed under EXPLAIN with its parameters, reads the index for the length
    typed (with eight rows the planner would rather scan, so scans are off). The page may instead walk the
    primary key newest first and stop at its limit, which is the better plan when many titles match."""
    if engine.db.dialect.name != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL's; SQLite scans the titles")
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "LIKE" in statement:
            seen.append((statement, parameters))

    event.listen(engine.db, "before_cursor_execute", keep)
    try:
        found = engine.procedures.search_page(title=typed)[0]
    finally:
        event.remove(engine.db, "before_cursor_execute", keep)
    assert found == len([t for t in TITLES if typed.lower() in t.lower()]) > 0
    statement, parameters = seen[0]
    assert "count(" in statement
    # the pattern is in the text, never a parameter: a prepared statement's generic plan for `LIKE $1`
    # cannot pick the index (202 ms instead of 25 ms at a million procedures after five searches)
    assert typed.replace("_", "/_") in statement
    assert not any(typed in value for _, values in seen for value in (values or {}).values() if isinstance(value, str))
    with engine.db.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    assert index in plan, plan


# Titles for one-character searches: Chinese, letters of both cases, digits, `%`, `_`, `/`, `.`, spaces.
ONE_CHAR_TITLES = ["县城公交线路调整方案", "自来水价格调整", "PM2.5 治理方案", "pm10 监测/预警", "100%达标行动方案",
                   "a_b 片区规划", "Axb  片区", "水费_收费 标准", "第12号"]
ONE_CHAR_SEARCHES = sorted({c for t in ONE_CHAR_TITLES for c in t} | set("张Zzaxp%_/. 　"))


def test_df_view_a_one_character_title_search_finds_what_the_plain_like_finds(engine, people, monkeypatch):
    """Every character of the titles (and some in none), searched alone, finds exactly the titles the plain
    `title ILIKE '%c%'` finds in the same database: on PostgreSQL through `df_title_chars` and its index
    (migration 0018b) when the count is small, and by walking the primary key past the count limit."""
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "test")
    for title in ONE_CHAR_TITLES:
        engine.procedures.start("review_loop", title, "dev_reform", people.sponsor)
    with engine.db.connect() as connection:
        def plain(typed: str) -> set[str]:
            pattern = "%" + "".join("/" + c if c in "/%_" else c for c in typed) + "%"
            return set(connection.scalars(select(Procedure.title).where(Procedure.title.ilike(pattern, escape="/"))))
        expected = {c: plain(c) for c in ONE_CHAR_SEARCHES}
    assert expected["水"] == {"自来水价格调整", "水费_收费 标准"} and expected["%"] == {"100%达标行动方案"}
    assert expected["m"] == expected["M"] == {"PM2.5 治理方案", "pm10 监测/预警"} and expected["张"] == set()
    assert {c: _found(engine, c) for c in ONE_CHAR_SEARCHES} == expected  # counted exactly, the page sought
    monkeypatch.setattr(procedures, "COUNT_LIMIT", 1)  # past the count limit the page walks the primary key
    walked = {c: {v.title for v in engine.procedures.search_page(title=c, limit=200)[1].items}
              for c in ONE_CHAR_SEARCHES}
    assert walked == expected


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_df_view_one_character_without_a_trigram_is_matched_by_the_plain_like(dialect):
    """`%`, `_`, `/`, `.`, a space: pg_trgm would find no trigram in `% c %` and read the whole index, so the
    count scans with the plain LIKE; a letter or a Chinese character reads the index on PostgreSQL only."""
    for typed in ["%", "_", "/", ".", " ", "（"]:
        title = TitleFilter.of(dialect, typed)
        assert title.seek is title.scan, typed
    chars = TitleFilter.of(dialect, "水").seek
    assert ("df_title_chars" in str(chars)) == (dialect == "postgresql")


def test_df_view_title_chars_index_is_made_by_migration_0018b_and_undone_by_its_downgrade(engine, db_url):
    made = {"ix_procedures_title_chars"} if engine.db.dialect.name == "postgresql" else set()
    config = schema.alembic_config(db_url)
    before = ScriptDirectory.from_config(config).get_revision("0018b_title_chars").down_revision
    assert isinstance(before, str)

    def present(connection):  # type: ignore[no-untyped-def]
        indexes = {i["name"] for i in inspect(connection).get_indexes("procedures")} & {"ix_procedures_title_chars"}
        if connection.dialect.name != "postgresql":
            return indexes, 0
        functions = "SELECT count(*) FROM pg_proc WHERE proname = 'df_title_chars'"
        return indexes, connection.exec_driver_sql(functions).scalar()

    with engine.db.connect() as connection:
        assert present(connection) == (made, len(made))
        assert schema.differences(connection) == []
    command.downgrade(config, before)
    with engine.db.connect() as connection:
        assert present(connection) == (set(), 0)
        assert {("add_index", name) for name in made} <= _named(schema.differences(connection))
    schema.upgrade(db_url)
    with engine.db.connect() as connection:
        assert present(connection) == (made, len(made))
        assert schema.differences(connection) == []

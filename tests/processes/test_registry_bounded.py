"""A registry page reads only its own entries' clean-ups and incidental reviews (issue 21), found on
document_mentions (engine/mentions.py), and shows exactly what the whole registry shows for them (ND-9,
ND-10); verify rebuilds document_mentions from the events (DF-INTEGRITY)."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import text

from engine.clock import CST
from engine.integrity import check
from engine.persistence import schema
from tests.processes.test_nd_cleanup import World, amend, keep, number, repeal, world  # noqa: F401 (fixture)
from tests.processes.test_reconsideration import INCIDENTAL, Case, rc  # noqa: F401 (fixture)


@pytest.fixture
def decided(rc: Case, world: World) -> World:  # noqa: F811
    """Six documents, three published clean-ups a day apart and one reconsideration case reviewing document 3.

    Document 3 is kept by all three clean-ups, 4 amended then repealed, 5 repealed by the first, 6 kept then
    amended then kept, 7 kept twice then repealed, 8 always kept."""
    for n in range(3, 9):
        world.document(n)
    rc.apply(**{**INCIDENTAL, "incidental_document_number": " 示范府规[2026]3号"})  # as the applicant typed it
    rc.accept()
    world.clock.set(datetime(2027, 8, 2, 9, 0, tzinfo=CST))
    for decisions in ((keep(3), amend(4), repeal(5), keep(6), keep(7), keep(8)),
                      (keep(3), repeal(4), amend(6), keep(7), keep(8)),
                      (keep(3), keep(6), repeal(7), keep(8))):
        cleanup = world.special()
        cleanup.scope("special", special_reason="专项清理")
        cleanup.review(*decisions)
        cleanup.approve()
        cleanup.publish()
        world.clock.advance(days=1)
    return world


def _walk(registry: World, size: int) -> list:
    entries, after = [], None
    while True:
        page = registry.engine.registry.entries_page(after=after, limit=size)
        entries += page.items
        if page.next is None:
            return entries
        after = page.next


def test_nd9_every_registry_page_shows_what_the_whole_registry_shows_for_its_entries(decided):
    whole = decided.engine.registry.entries()
    assert {e.number: (e.status, e.cleanup_decision) for e in whole} == {
        number(3): ("in_force", "continue"), number(4): ("repealed", "repeal"), number(5): ("repealed", "repeal"),
        number(6): ("in_force", "continue"), number(7): ("repealed", "repeal"), number(8): ("in_force", "continue")}
    [reviewed] = [e for e in whole if e.incidental_reviews]
    assert reviewed.number == number(3)
    for size in (1, 2, 4, 50):
        assert _walk(decided, size) == whole, size


def test_nd9_a_page_finds_the_last_cleanup_of_a_document_named_in_several(decided):
    """Document 4 was amended by the first clean-up and repealed by the second; 6 amended by the second and
    kept by the third: each page names the last, and its publication date."""
    cleanups = sorted(c.procedure_id for c in decided.engine.registry.cleanups())
    shown = {e.number: (e.cleanup_procedure_id, e.cleanup_published_on) for e in _walk(decided, 1)}
    assert shown[number(4)] == (cleanups[1], "2027-08-03") and shown[number(6)] == (cleanups[2], "2027-08-04")
    assert shown[number(5)] == (cleanups[0], "2027-08-02")


def test_df_integrity_document_mentions_are_rebuilt_from_the_events(decided):
    engine = decided.engine
    with engine.db.connect() as connection:
        rows = connection.execute(text("SELECT kind, count(*) FROM document_mentions GROUP BY kind")).all()
        assert dict(rows) == {"cleanup": 6 + 5 + 4, "incidental": 1}
        assert [f for f in check.verify(connection) if f.table == "document_mentions"] == []
    with engine.db.begin() as connection:  # a projection, not append-only: anyone with write access may do it
        connection.execute(text("DELETE FROM document_mentions WHERE kind = 'incidental'"))
        [missing] = [f for f in check.verify(connection) if f.table == "document_mentions"]
    assert missing.kind == "missing_row" and missing.key.startswith("incidental/示范府规〔2026〕3号/")


def test_df_integrity_migration_0018a_backfills_the_mentions_already_recorded(decided, db_url):
    """A database recorded before document_mentions existed gets the rows verify expects, from its events."""
    def mentioned() -> list:
        with decided.engine.db.connect() as connection:
            return connection.execute(text("SELECT procedure_id, kind, document, seq FROM document_mentions "
                                           "ORDER BY procedure_id, kind, document, seq")).all()

    kept = mentioned()
    decided.engine.dispose()
    command.downgrade(schema.alembic_config(db_url), "0018c_tallies")
    schema.upgrade(db_url)
    assert mentioned() == kept and len(kept) == 16
    assert _walk(decided, 2) == decided.engine.registry.entries()

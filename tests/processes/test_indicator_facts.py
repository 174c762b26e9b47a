"""The indicator facts projection gives the very report the event fold gives (DF-INDICATOR), on SQLite and
PostgreSQL: `report` (rows selected by period in SQL) against `folded_report` (every event folded, the
reference), over every period bounded by the days the scripted procedures moved on, in total and per unit;
and the rows kept by the appends are those a rebuild from the events (the migration's backfill) makes."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import select

from engine import indicator_facts
from engine.persistence import schema
from engine.persistence.tables import Event, IndicatorFact
from engine.services import indicators
from engine.workdays import local_date
from tests.engine import integrity_fixture
from tests.processes.test_indicators import decisions, reviews  # noqa: F401 (fixtures)
from tests.processes.test_indicators_sisters import cases, documents  # noqa: F401 (fixtures)
from tests.processes.test_normative_document import nd  # noqa: F401 (the first document's fixture)
from tests.processes.test_reconsideration import rc  # noqa: F401 (the first case's fixture)


def _days(engine) -> list[date]:  # type: ignore[no-untyped-def]
    """Every local day an event fell on, with the day before and after it (period edges on both sides)."""
    uow = engine.uow()
    with uow.read():
        moments = uow.session.scalars(select(Event.at)).all()
    days = {local_date(at) + timedelta(days=d) for at in moments for d in (-1, 0, 1)}
    return sorted(days)


def _units(engine) -> list[str | None]:  # type: ignore[no-untyped-def]
    uow = engine.uow()
    with uow.read():
        return [None, *sorted(set(uow.session.scalars(select(IndicatorFact.sponsor_org))))]


def assert_same_reports(engine) -> int:  # type: ignore[no-untyped-def]
    """The projection's report equals the event fold's for every period over the days events fell on
    (each pair of them, start ≤ end), in total and for each unit; how many reports were compared."""
    days = _days(engine)
    if len(days) > 14:  # every edge still met: consecutive days, and each day with the first and last
        pairs = {*itertools.pairwise(days), *((days[0], d) for d in days), *((d, days[-1]) for d in days),
                 *((d, d) for d in days)}
    else:
        pairs = set(itertools.combinations_with_replacement(days, 2))
    compared = 0
    for (start, end), unit in itertools.product(sorted(pairs), _units(engine)):
        fast = indicators.report(engine.uow(), start, end, unit).as_dict()
        folded = indicators.folded_report(engine.uow(), start, end, unit).as_dict()
        assert fast == folded, (start, end, unit)
        compared += 1
    return compared


def test_df_indicator_projection_equals_the_event_fold_for_major_decisions(decisions, engine):  # noqa: F811
    assert assert_same_reports(engine) > 10
    assert indicators.report(engine.uow(), "2026-11-01", "2027-12-31").line("md_taken").figure.value == 2


def test_df_indicator_projection_equals_the_event_fold_for_enforcement_reviews_and_lateness(reviews, engine):  # noqa: F811
    assert assert_same_reports(engine) > 10
    assert indicators.report(engine.uow(), "2026-09-01", "2026-12-31").line("steps_overdue").figure.value == 1


def test_df_indicator_projection_equals_the_event_fold_for_reconsideration(cases, engine):  # noqa: F811
    assert assert_same_reports(engine) > 3


def test_df_indicator_projection_equals_the_event_fold_for_normative_documents(documents, engine):  # noqa: F811
    assert assert_same_reports(engine) > 10


def test_df_indicator_projection_equals_the_event_fold_for_opinions_and_reminders(engine, clock):
    integrity_fixture.build(engine, clock)
    assert assert_same_reports(engine) > 10
    whole = indicators.report(engine.uow(), "2020-01-01", "2029-12-31")
    assert whole.line("opinions_received").figure.value == 3  # three opinions, one hidden: all received


def _rows(engine) -> list[tuple]:  # type: ignore[no-untyped-def]
    uow = engine.uow()
    with uow.read():
        return [tuple(r) for r in uow.session.execute(select(IndicatorFact.__table__).order_by(
            IndicatorFact.procedure_id, IndicatorFact.indicator, IndicatorFact.part, IndicatorFact.n))]


def test_df_indicator_rebuild_from_the_events_gives_the_rows_the_appends_kept(engine, clock):
    integrity_fixture.build(engine, clock)
    kept = _rows(engine)
    assert any(row[2] == "among" for row in kept) and any(row[2] == "of" for row in kept)
    with engine.db.begin() as connection:
        written = indicator_facts.rebuild(connection, batch=3)  # small batches: the flushes are exercised
    assert written == len(kept)
    assert _rows(engine) == kept


@pytest.mark.parametrize("part", ["among", "procedure"])
def test_df_integrity_a_changed_indicator_fact_is_found_by_verify(engine, clock, part):
    integrity_fixture.build(engine, clock)
    assert list(engine.history.findings()) == []
    with engine.db.begin() as connection:
        table = IndicatorFact.__table__
        row = connection.execute(select(table).where(table.c.part == part).limit(1)).one()
        connection.execute(table.update().where(table.c.procedure_id == row.procedure_id,
                                                table.c.indicator == row.indicator, table.c.part == part,
                                                table.c.n == row.n).values(sponsor_org="forged_unit"))
    found = list(engine.history.findings())
    assert [(f.table, f.field, f.procedure_id) for f in found] == [("indicator_facts", "sponsor_org",
                                                                      row.procedure_id)]


def test_df_indicator_migration_0015b_backfills_the_procedures_already_recorded(engine, clock, db_url):
    integrity_fixture.build(engine, clock)
    kept = _rows(engine)
    assert len({row[0] for row in kept}) == 5  # major decisions (2), enforcement case, clean-up, reconsideration
    engine.dispose()
    command.downgrade(schema.alembic_config(db_url), "0014f")  # the database as it stood before the table
    schema.upgrade(db_url)
    assert _rows(engine) == kept
    assert list(engine.history.findings()) == []

"""`decisionflow indicator-facts rebuild` after an indicator file changed (DF-INDICATOR): the projection is
folded again in one transaction, the rows that changed are counted, and verify is clean again; on both databases."""

from __future__ import annotations

import json
import shutil
from functools import cache

from click.testing import CliRunner
from sqlalchemy import func, select

from engine import indicators as vocabulary
from engine.cli import cli
from engine.persistence.tables import IndicatorFact
from tests.engine import integrity_fixture


def count(engine, indicator: str) -> int:  # type: ignore[no-untyped-def]
    with engine.db.connect() as connection:
        return connection.execute(select(func.count()).select_from(IndicatorFact)
                                  .where(IndicatorFact.indicator == indicator)).scalar_one()


def test_df_indicator_rebuild_after_an_indicator_file_changed_counts_the_rows_and_verify_is_clean(
        engine, clock, db_url, tmp_path, monkeypatch):
    integrity_fixture.build(engine, clock)
    assert list(engine.history.findings()) == []
    reminders, received = count(engine, "reminders_sent"), count(engine, "opinions_received")
    assert reminders > 0 and received > 0
    # the office changes the indicator files: reminders_sent is dropped, a copy of opinions_received is added
    changed = tmp_path / "indicators"
    shutil.copytree(vocabulary.DIRECTORY, changed)
    (changed / "reminders_sent.json").unlink()
    copy = json.loads((changed / "opinions_received.json").read_text(encoding="utf-8"))
    again = {**copy, "id": "opinions_received_again"}
    (changed / "opinions_received_again.json").write_text(json.dumps(again), encoding="utf-8")
    original = vocabulary.catalogue.__wrapped__
    monkeypatch.setattr(vocabulary, "catalogue", cache(lambda directory=changed: original(directory)))
    stale = list(engine.history.findings())
    assert stale and {f.table for f in stale} == {"indicator_facts"}  # verify sees the projection is stale

    result = CliRunner().invoke(cli, ["indicator-facts", "rebuild", "--database", db_url])
    assert result.exit_code == 0, result.output
    rows = count(engine, "opinions_received_again")
    assert rows == received and count(engine, "reminders_sent") == 0
    assert (f"{received + reminders} row(s) changed ({received} added, {reminders} removed, 0 changed)"
            in result.output)
    assert list(engine.history.findings()) == []
    again = CliRunner().invoke(cli, ["indicator-facts", "rebuild", "--database", db_url])
    assert "0 row(s) changed (0 added, 0 removed, 0 changed)" in again.output

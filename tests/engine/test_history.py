"""History: every change appends a chained event; any altered column is found by verify."""

from __future__ import annotations

from itertools import pairwise

import pytest
from click.testing import CliRunner

from engine.chain import GENESIS, event_hash
from engine.cli import cli
from tests.conftest import DRAFT
from tests.helpers import tamper


@pytest.fixture
def finished(engine, people, review_loop):
    """A procedure with six events: start, draft, review returned, supplement, review, deliberation."""
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "returned"})
    step = engine.tasks.complete(step.task("supplement"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    return procedure.id




@pytest.mark.parametrize("crypto_suite", ["sm", "intl"])
def test_every_event_is_chained_from_genesis(engine, finished, crypto_suite):
    events = engine.history.events(finished)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].prev_hash == {"intl": GENESIS, "sm": "sm3:" + GENESIS}[crypto_suite]
    assert all(e.hash.startswith("sm3:") == (crypto_suite == "sm") for e in events)
    for previous, event in pairwise(events):
        assert event.prev_hash == previous.hash
    for event in events:
        assert event.hash == event_hash(event.procedure_id, event.seq, event.at, event.actor, event.kind,
                                        event.task_id, event.payload, event.prev_hash)
    assert engine.history.verify(finished).ok


def test_md33b_events_carry_actor_data_and_document_hashes(engine, people, review_loop):
    from engine.services.tasks import Upload

    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT,
                          {"draft": Upload("草案.pdf", "application/pdf", b"%PDF-1.7 draft")})
    event = engine.history.events(procedure.id)[-1]
    assert event.actor == "zhang_wei" and event.payload["by"] == {"user": "zhang_wei", "org": "dev_reform"}
    assert event.payload["data"]["summary"] == DRAFT["summary"]
    import hashlib
    assert event.payload["data"]["draft"]["sha256"] == hashlib.sha256(b"%PDF-1.7 draft").hexdigest()


COLUMN_CHANGES = {
    "at": "UPDATE events SET at = :at WHERE procedure_id = :pid AND seq = 3",
    "actor": "UPDATE events SET actor = 'someone_else' WHERE procedure_id = :pid AND seq = 3",
    "kind": "UPDATE events SET kind = 'task_claimed' WHERE procedure_id = :pid AND seq = 3",
    "task_id": "UPDATE events SET task_id = NULL WHERE procedure_id = :pid AND seq = 3",
    "payload": "UPDATE events SET payload = :payload WHERE procedure_id = :pid AND seq = 3",
    "prev_hash": "UPDATE events SET prev_hash = :fake WHERE procedure_id = :pid AND seq = 3",
    "hash": "UPDATE events SET hash = :fake WHERE procedure_id = :pid AND seq = 3",
    "seq": "UPDATE events SET seq = 99 WHERE procedure_id = :pid AND seq = 3",
}


@pytest.mark.parametrize("column", sorted(COLUMN_CHANGES))
def test_md33b_verify_names_the_seq_of_a_changed_column(engine, finished, column):
    from datetime import datetime

    params = {"pid": finished, "fake": "f" * 64, "at": datetime(2020, 1, 1),
              "payload": '{"step": "review", "data": {"outcome": "lawful"}}'}
    if engine.db.dialect.name == "postgresql":
        params["at"] = datetime.fromisoformat("2020-01-01T00:00:00+00:00")
    tamper(engine, COLUMN_CHANGES[column], **params)
    report = engine.history.verify(finished)
    assert not report.ok
    assert report.first_bad_seq == 3, report


def test_md33b_moving_an_event_to_another_procedure_is_found(engine, people, finished, review_loop):
    other = engine.procedures.start(review_loop, "另一项决策", "dev_reform", people.sponsor)
    tamper(engine, "UPDATE events SET procedure_id = :other WHERE procedure_id = :pid AND seq = 3",
           other=other.id, pid=finished)
    assert engine.history.verify(finished).first_bad_seq == 3
    foreign = engine.history.verify(other.id)  # one event, then a foreign seq 3: the gap is at 2
    assert not foreign.ok and foreign.first_bad_seq == 2


def test_md33b_deleting_the_last_event_is_found(engine, finished):
    tamper(engine, "DELETE FROM events WHERE procedure_id = :pid AND seq = 6", pid=finished)
    report = engine.history.verify(finished)
    assert not report.ok and report.first_bad_seq == 6


def test_verify_command_prints_first_bad_seq_and_exits_1(engine, db_url, finished, people, review_loop):
    healthy = engine.procedures.start(review_loop, "未被篡改的决策", "dev_reform", people.sponsor)
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", "--database", db_url])
    assert ok.exit_code == 0, ok.output
    assert "0 broken" in ok.output
    tamper(engine, "UPDATE events SET actor = 'x' WHERE procedure_id = :pid AND seq = 4", pid=finished)
    broken = runner.invoke(cli, ["verify", "--database", db_url])
    assert broken.exit_code == 1
    assert f"procedure {finished}: BROKEN at seq 4" in broken.output
    one = runner.invoke(cli, ["verify", "--procedure", str(healthy.id), "--database", db_url])
    assert one.exit_code == 0, one.output

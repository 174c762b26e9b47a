"""Benchmark `decisionflow verify --full` over many procedures on PostgreSQL (issue 18, DF-INTEGRITY).

One procedure is run through the engine (tests/fixtures/review_loop.bpmn: start, draft, review,
deliberation — four chained events, three work items, two documents-free steps), then cloned N times
with bulk inserts: every clone gets its own id, and its chain is rehashed for that id, so each one is a
valid, distinct chain that verify must recompute and whose projections it must rebuild. Then the
full verify runs and is timed. The database is created for the run and dropped after.

    . scripts/postgres.sh && python benchmarks/verify.py --procedures 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url  # noqa: E402
from engine import chain  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.integrity.check import Tally  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.persistence.tables import Event, Procedure, WorkItem  # noqa: E402
from engine.services.definitions import read_bundle  # noqa: E402

BATCH = 2000


def seed(engine: Engine) -> int:
    """One finished procedure, through the doors."""
    people = engine.people
    people.ensure_organisation("dev_reform", "县发展和改革局")
    people.ensure_organisation("justice", "县司法局", "review_office")
    people.ensure_organisation("gov_office", "县人民政府办公室", "gov_office")
    sponsor = people.ensure_user("zhang_wei", "dev_reform", ["sponsor"])
    reviewer = people.ensure_user("liu_yang", "justice", ["legality_reviewer"])
    secretary = people.ensure_user("zhao_lei", "gov_office", ["meeting_secretary"])
    engine.definitions.deploy(*read_bundle(ROOT / "tests" / "fixtures" / "review_loop.bpmn"), "bench")
    view = engine.procedures.start("review_loop", "县城公交线网优化调整", "dev_reform", sponsor)
    step = engine.tasks.complete(view.task("draft"), sponsor, {"summary": "县城公交线网优化调整方案", "basis_count": 3})
    step = engine.tasks.complete(step.task("review"), reviewer, {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), secretary, {"decision": "adopt"})
    return view.id


def clone(engine: Engine, source: int, count: int, first_id: int | None = None) -> None:
    """`count` copies of the source procedure, each with its own id (from `first_id`, by default the one
    after the source's), work-item ids and rehashed chain."""
    first = source + 1 if first_id is None else first_id
    p, e, w = Procedure.__table__, Event.__table__, WorkItem.__table__
    with engine.db.begin() as connection:
        proc = dict(connection.execute(select(p).where(p.c.id == source)).one()._mapping)
        events = [dict(r._mapping) for r in connection.execute(select(e).where(e.c.procedure_id == source)
                                                                .order_by(e.c.seq))]
        items = [dict(r._mapping) for r in connection.execute(select(w).where(w.c.procedure_id == source))]
    for start in range(0, count, BATCH):
        rows_p, rows_e, rows_w = [], [], []
        for pid in range(first + start, first + min(start + BATCH, count)):
            prev = chain.GENESIS
            for event in events:
                digest = chain.event_hash(pid, event["seq"], event["at"], event["actor"], event["kind"],
                                          _task(event["task_id"], pid), _payload(event["payload"], pid), prev)
                rows_e.append({**event, "procedure_id": pid, "task_id": _task(event["task_id"], pid),
                               "payload": _payload(event["payload"], pid), "prev_hash": prev, "hash": digest})
                prev = digest
            rows_p.append({**proc, "id": pid, "head_hash": prev})
            rows_w.extend({**item, "procedure_id": pid, "task_id": _task(item["task_id"], pid)} for item in items)
        with engine.db.begin() as connection:
            connection.execute(insert(p), rows_p)
            connection.execute(insert(e), rows_e)
            connection.execute(insert(w), rows_w)
        print(f"  {min(start + BATCH, count)} cloned", file=sys.stderr)
    with engine.db.begin() as connection:
        connection.execute(text("SELECT setval(pg_get_serial_sequence('procedures', 'id'), max(id)) FROM procedures"))
        connection.execute(text("ANALYZE"))


def _task(task_id: str | None, pid: int) -> str | None:
    return None if task_id is None else f"{task_id[:24]}{pid:012d}"


def _payload(payload: Any, pid: int) -> Any:
    """Task ids inside the payload (opened, cancelled) follow the clone's, so the projection still matches."""
    if isinstance(payload, dict):
        return {k: (_task(v, pid) if k == "task" and isinstance(v, str) else
                    [_task(x, pid) for x in v] if k in ("cancelled", "timers_ended") else _payload(v, pid))
                for k, v in payload.items()}
    if isinstance(payload, list):
        return [_payload(x, pid) for x in payload]
    return payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    args = parser.parse_args(argv)
    base, why = postgres_base_url()
    if base is None:
        print(f"skipped: {why}", file=sys.stderr)
        return 2
    with fresh_postgres_database(base) as url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(url)
        from tests.conftest import START
        engine = build_engine(Settings(database_url=url, key_dir=str(ROOT / ".bench-keys")), FixedClock(START))
        started = time.perf_counter()
        source = seed(engine)
        clone(engine, source, args.procedures - 1)
        print(f"generated {args.procedures} procedures in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        tally = Tally()
        started = time.perf_counter()
        findings = list(engine.history.findings(None, tally))
        elapsed = time.perf_counter() - started
        engine.dispose()
    print(f"verify --full: {tally.procedures} procedures, {tally.events} events, {tally.documents} documents, "
          f"{len(findings)} findings in {elapsed:.1f} s")
    for finding in findings[:5]:
        print(f"  {finding.where()}: {finding.en}")
    return 0 if not findings else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the 法治指数 report (`decisionflow indicators`) over many procedures on PostgreSQL (issue 25).

Four real procedures are run through the engine (engine/demo_procedures.py: a major decision taken,
published and archived; a normative document published and filed; an enforcement case submitted for
review; a reconsideration case decided), then each is cloned with benchmarks/verify.py's loader (its own
id and task ids, its chain rehashed) until there are N procedures in all, a quarter of each kind. The
same run then times, on the same database:

- raw: the floor any report pays, streaming the events the report reads (the same query, every row
  materialised as a Python tuple with its payload decoded) and doing nothing with them;
- backfill: the clones bypass the event appends, so their indicator facts are folded from the events by
  `engine.indicator_facts.rebuild` (what migration 0015b_indicator_facts does to an existing database);
- report: `engine.indicators.report` over the whole period, all units: every indicator in total and
  per unit, with the procedures behind each figure and the checkpoint note, read from the facts;
- with --fold, the event fold the report replaced (`folded_report`), timed and compared figure by figure.

    . scripts/postgres.sh && python benchmarks/indicators.py --procedures 100000 [--fold]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url  # noqa: E402
from benchmarks.verify import clone  # noqa: E402
from engine import indicator_facts  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.demo import seed as seed_people  # noqa: E402
from engine.demo_procedures import Driver, drive, sister_samples  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.persistence.tables import Event  # noqa: E402
from engine.services import indicators  # noqa: E402
from engine.services.definitions import read_bundle  # noqa: E402
from engine.workdays import local_date  # noqa: E402

BLOCK = 1_000_000


def seed(engine: Engine, clock: FixedClock) -> list[int]:
    """One procedure of each of four definitions, through the doors; their ids in ascending order."""
    for path in sorted((ROOT / "processes").glob("*.bpmn")):
        engine.definitions.deploy(*read_bundle(path), "bench")
    import json
    engine.catalogue.load(json.loads((ROOT / "processes" / "catalogue" / "2026.json").read_text(encoding="utf-8")),
                          "bench")
    seed_people(engine)
    decision = engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                       engine.people.actor("sponsor"))
    drive(Driver(engine, clock, decision.id), "sponsor", "2026-05", "archived")
    return [decision.id, *sister_samples(engine, clock, local_date(clock.now()))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the report (stderr)")
    parser.add_argument("--fold", action="store_true", help="also time the event fold and check it agrees")
    args = parser.parse_args(argv)
    base, why = postgres_base_url()
    if base is None:
        print(f"skipped: {why}", file=sys.stderr)
        return 2
    from datetime import datetime
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    with fresh_postgres_database(base) as url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(url)
        engine = build_engine(Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"),
                                       checkpoint_dir=str(ROOT / ".bench-checkpoints" / str(time.time_ns()))), clock)
        started = time.perf_counter()
        sources = seed(engine, clock)
        each = args.procedures // len(sources)
        for n, source in enumerate(sources):  # each source's copies in a block of ids of their own
            clone(engine, source, each - 1, first_id=BLOCK * (n + 1))
        print(f"generated {each * len(sources)} procedures in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        with engine.db.begin() as connection:
            facts = indicator_facts.rebuild(connection)
        backfill = time.perf_counter() - started
        print(f"backfilled {facts} indicator facts in {backfill:.1f} s", file=sys.stderr)
        start, end = "2025-01-01", local_date(clock.now()).isoformat()
        catalogue = indicators.catalogue(engine.uow())
        kinds = sorted(indicators._kinds(catalogue))
        started = time.perf_counter()
        with engine.db.connect() as connection:
            rows = 0
            for _row in connection.execution_options(yield_per=5000).execute(
                    select(Event.procedure_id, Event.at, Event.kind, Event.task_id, Event.payload)
                    .where(Event.kind.in_(kinds)).order_by(Event.procedure_id, Event.seq)):
                rows += 1
        raw = time.perf_counter() - started
        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = engine.indicators.report(start, end)
        elapsed = time.perf_counter() - started
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        folded = None
        if args.fold:
            started = time.perf_counter()
            reference = indicators.folded_report(engine.uow(), start, end)
            folded = time.perf_counter() - started
            if reference.as_dict() != report.as_dict():
                print("the facts report DIFFERS from the event fold", file=sys.stderr)
                return 1
        engine.dispose()
    taken = report.line("md_taken").figure.value
    print(f"raw read of {rows} events: {raw:.1f} s; report over {report.procedures} procedures "
          f"({len(report.totals)} indicators, {len(report.by_unit)} units): {elapsed:.1f} s; md_taken = {taken}"
          + (f"; event fold {folded:.1f} s, the same figures" if folded is not None else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

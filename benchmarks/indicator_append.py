"""Benchmark what keeping the indicator_facts projection costs each event append (issue 25, DF-INDICATOR).

Every append of an event of a kind the indicator formulas read refolds that procedure's facts in the
append's transaction (engine/services/history.py → engine.indicator_facts.refresh). This run seeds the
four procedures of benchmarks/indicators.py (a major decision archived, a normative document, an
enforcement case, a reconsideration case) and then appends `reminder_sent` events (a kind the formulas
read) to them, each append one committed transaction that locks the procedure, appends and moves the head:
rounds alternate an append WITH the projection refresh and one WITHOUT (the refresh switched off for that
append only), on the same procedures, in the same run, so load and the procedures' growth hit both alike.

    . scripts/postgres.sh && python benchmarks/indicator_append.py --appends 300            # PostgreSQL
    python benchmarks/indicator_append.py --appends 300 --sqlite                             # a SQLite file
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from benchmarks.indicators import seed  # noqa: E402
from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url  # noqa: E402
from engine import indicator_facts  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.persistence.tables import Event  # noqa: E402
from engine.services import history  # noqa: E402


@contextmanager
def sqlite_url() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


def append_one(engine: Engine, procedure_id: int, n: int) -> float:
    """One committed append of a reminder on an overdue step; its wall time in seconds."""
    started = time.perf_counter()
    uow = engine.uow()
    with uow:
        procedure = uow.lock_procedure(procedure_id)
        history.append(uow, procedure, "reminder_sent", "duban", None,
                       {"state": "overdue", "message": f"请尽快办理（第{n}次）"}, engine.clock.now())
        uow.commit()
    return time.perf_counter() - started


@contextmanager
def without_refresh() -> Any:
    """The append path with the projection switched off: no kind is one the formulas read."""
    kinds: Callable[[], frozenset[str]] = indicator_facts.kinds
    indicator_facts.kinds = lambda: frozenset()  # type: ignore[assignment]
    try:
        yield
    finally:
        indicator_facts.kinds = kinds  # type: ignore[assignment]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=300, help="appends of each kind (with, without)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)
    if args.sqlite:
        database: AbstractContextManager[str] = sqlite_url()
    else:
        base, why = postgres_base_url()
        if base is None:
            print(f"skipped: {why}", file=sys.stderr)
            return 2
        database = fresh_postgres_database(base)
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=CST))
    with database as url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(url)
        engine = build_engine(Settings(database_url=url, key_dir=str(ROOT / ".bench-keys"),
                                       checkpoint_dir=str(ROOT / ".bench-checkpoints" / str(time.time_ns()))), clock)
        procedures = seed(engine, clock)
        with engine.db.connect() as connection:
            counted = connection.execute(select(func.count()).select_from(Event)).scalar_one()
        timed: dict[str, list[float]] = {"with": [], "without": []}
        for n in range(args.appends * 2):
            mode = ("with", "without")[(n + n // 2) % 2]  # with, without, without, with, …: neither always first
            with nullcontext() if mode == "with" else without_refresh():
                timed[mode].append(append_one(engine, procedures[(n // 2) % len(procedures)], n))
        engine.dispose()
    load = os.getloadavg()[0]
    median = {mode: statistics.median(times) * 1000 for mode, times in timed.items()}
    mean = {mode: statistics.fmean(times) * 1000 for mode, times in timed.items()}
    print(f"{'SQLite file' if args.sqlite else 'PostgreSQL'}: {len(procedures)} procedures ({counted} events "
          f"seeded), {args.appends} appends each way, load average {load:.1f}")
    for mode in ("with", "without"):
        print(f"  {mode:>7} projection refresh: median {median[mode]:.2f} ms, mean {mean[mode]:.2f} ms per append")
    print(f"  cost of the refresh: median {median['with'] - median['without']:+.2f} ms per append "
          f"({median['with'] / median['without']:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

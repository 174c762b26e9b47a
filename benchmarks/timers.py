"""Timers fired per second: raw SpiffWorkflow in memory, then `decisionflow worker` on PostgreSQL.

Run `python benchmarks/timers.py [--timers N]` with DF_TEST_POSTGRES_URL (or DATABASE_URL_BENCH)
pointing at a server; each engine run gets a fresh database, created and dropped here.

(a) raw SpiffWorkflow: N workflows of `tests/fixtures/timer_first.bpmn`, each waiting on its
    one-day period, woken in memory after the period has run: the floor, no persistence.
(b) one `decisionflow worker --until-idle` process over N due periods on PostgreSQL: each
    fire is one transaction (claim with SKIP LOCKED, lock, wake, project, chain event, commit).
(c) four worker processes over the same N: what SKIP LOCKED sharing buys on this machine.
Wall time runs from the workers' launch to the last commit (process start-up included, so a
small N understates the rate). Everything is counted from the database afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)  # benchmarks/engine.py would shadow the `engine` package

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

from sqlalchemy import text  # noqa: E402

from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url, postgres_version  # noqa: E402
from engine.bpmn import runtime  # noqa: E402
from engine.bpmn.definition import analyse  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import build_engine  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.services.definitions import read_bundle  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "timer_first.bpmn"
START = datetime(2026, 11, 2, 9, 0, tzinfo=CST)


def raw(n: int) -> float:
    """(a): timers fired per second by SpiffWorkflow alone."""
    analysis = analyse(*read_bundle(FIXTURE))
    assert analysis.compiled is not None
    workflows = [runtime.start(analysis.compiled, START, {}) for _ in range(n)]
    later = START + timedelta(days=2)
    began = time.perf_counter()
    for workflow in workflows:
        runtime.wake(workflow, later)
    elapsed = time.perf_counter() - began
    assert all(runtime.snapshot(w).ready for w in workflows)
    return n / elapsed


def workers(base_url: str, n: int, count: int) -> tuple[float, int, int]:
    """(b)/(c): N due periods, `count` worker processes; (per second, fired, fired twice)."""
    with fresh_postgres_database(base_url) as url:
        sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(sa_url)
        engine = build_engine(Settings(database_url=sa_url), FixedClock(START))
        try:
            engine.definitions.deploy(*read_bundle(FIXTURE), "bench")
            engine.people.ensure_organisation("dev_reform", "县发展和改革局")
            sponsor = engine.people.ensure_user("bench", "dev_reform", ["sponsor"])
            for i in range(n):
                engine.procedures.start("timer_first", f"程序 {i}", "dev_reform", sponsor)
            command = [shutil.which("decisionflow") or "decisionflow", "worker", "--until-idle", "--database", sa_url]
            began = time.perf_counter()
            procs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(count)]
            for proc in procs:
                if proc.wait(timeout=3600) != 0:
                    raise SystemExit("a worker failed")
            elapsed = time.perf_counter() - began
            with engine.db.connect() as connection:
                fired = connection.execute(text("SELECT count(*) FROM events WHERE kind = 'timer_fired'")).scalar_one()
                twice = connection.execute(text(
                    "SELECT count(*) FROM (SELECT procedure_id FROM events WHERE kind = 'timer_fired' "
                    "GROUP BY procedure_id HAVING count(*) > 1) AS t")).scalar_one()
        finally:
            engine.dispose()
    return fired / elapsed, int(fired), int(twice)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("spiff").setLevel(logging.WARNING)
    base_url, why = postgres_base_url()
    print(f"python benchmarks/timers.py --timers {args.timers}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    a = raw(args.timers)
    print(f"(a) raw SpiffWorkflow in memory     {a:10.0f} timers/s")
    if base_url is None:
        print(f"(b), (c) skipped: {why}")
        return 0
    print(f"PostgreSQL {postgres_version(base_url)}")
    for label, count in (("(b) 1 worker,  PostgreSQL", 1), ("(c) 4 workers, PostgreSQL", 4)):
        rate, fired, twice = workers(base_url, args.timers, count)
        print(f"{label}          {rate:10.0f} timers/s   fired {fired}/{args.timers}, twice {twice}, "
              f"a/this {a / rate:6.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Timers fired per second: raw SpiffWorkflow in memory, then `decisionflow worker` on PostgreSQL.

Run `python benchmarks/timers.py [--timers N]` with DF_TEST_POSTGRES_URL (or DATABASE_URL_BENCH)
pointing at a server; each engine run gets a fresh database, created and dropped here.

(a) raw SpiffWorkflow: N workflows of `tests/fixtures/timer_first.bpmn`, each waiting on its
    one-day period, woken in memory after the period has run: the floor, no persistence.
(b) one `decisionflow worker --until-idle` process over N due periods on PostgreSQL: timers are
    claimed in batches (one transaction leases their procedures, SKIP LOCKED), and each fire is
    its own transaction (lock, wake, project, chain event, commit).
(c) four worker processes over N more due periods in the same database: what sharing buys here.
The rate is timers fired over the firing window (first to last `fired_at`, as the workers' clocks
wrote it); the wall rate runs from the workers' launch to their exit, process start-up included.
Everything is counted from the database afterwards; "twice" counts procedures with two firings.
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
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402

from sqlalchemy import text  # noqa: E402

from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url, postgres_version  # noqa: E402
from engine.bpmn import runtime  # noqa: E402
from engine.bpmn.definition import analyse  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
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


def load(engine: Engine, n: int, batch: int) -> None:
    """N procedures of the fixture, each waiting on its one-day period (due since START + 1 day)."""
    sponsor = engine.people.ensure_user("bench", "dev_reform", ["sponsor"])
    for i in range(n):
        engine.procedures.start("timer_first", f"程序 {batch}-{i}", "dev_reform", sponsor)


def workers(engine: Engine, sa_url: str, n: int, count: int, run: int) -> Run:
    """(b)/(c): N fresh due periods in the shared database, `count` `decisionflow worker` processes."""
    load(engine, n, run)
    command = [_decisionflow(), "worker", "--until-idle", "--database", sa_url]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    procs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(count)]
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed: {err.decode(errors='replace')[-2000:]}")
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
    with engine.db.connect() as connection:
        fired, first, last = connection.execute(text(
            "SELECT count(*), min(fired_at), max(fired_at) FROM timers WHERE status = 'fired' "
            "AND procedure_id IN (SELECT id FROM procedures WHERE title LIKE :run)"), {"run": f"程序 {run}-%"}).one()
        twice = connection.execute(text(
            "SELECT count(*) FROM (SELECT procedure_id FROM events WHERE kind = 'timer_fired' "
            "GROUP BY procedure_id HAVING count(*) > 1) AS t")).scalar_one()
    window = (last - first).total_seconds() if fired > 1 else wall
    return Run(count, int(fired) / window, int(fired) / wall, int(fired), int(twice), 1000 * cpu_s / max(fired, 1))


@dataclass(frozen=True)
class Run:
    """One run of `count` worker processes: fired/s over the firing window and over the wall time."""

    count: int
    rate: float
    wall_rate: float
    fired: int
    twice: int
    cpu_ms: float  # the worker processes' own CPU per fired timer, start-up included (not PostgreSQL's)


def _decisionflow() -> str:
    """The `decisionflow` script beside this interpreter (a venv), else the one on PATH."""
    return shutil.which("decisionflow", path=str(Path(sys.executable).parent)) or shutil.which("decisionflow") \
        or "decisionflow"


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
    print(f"PostgreSQL {postgres_version(base_url)}; load average {os.getloadavg()[0]:.1f} at the start")
    with fresh_postgres_database(base_url) as url:
        sa_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        schema.upgrade(sa_url)
        engine = build_engine(Settings(database_url=sa_url), FixedClock(START))
        try:
            engine.definitions.deploy(*read_bundle(FIXTURE), "bench")
            engine.people.ensure_organisation("dev_reform", "县发展和改革局")
            runs = [workers(engine, sa_url, args.timers, count, run) for run, count in enumerate((1, 4))]
        finally:
            engine.dispose()
    for label, result in zip(("(b) 1 worker,  PostgreSQL", "(c) 4 workers, PostgreSQL"), runs, strict=True):
        print(f"{label}   {result.rate:8.0f} timers/s   (wall, start-up included: {result.wall_rate:5.0f}/s)   "
              f"fired {result.fired}/{args.timers}, twice {result.twice}, a/this {a / result.rate:6.1f}×, "
              f"worker CPU {result.cpu_ms:.1f} ms/timer")
    print(f"(c)/(b) four workers over one: {runs[1].rate / runs[0].rate:.2f}×; "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

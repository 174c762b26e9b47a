"""Timers fired per second: raw SpiffWorkflow in memory, then `decisionflow worker` on PostgreSQL.

Run `python benchmarks/timers.py [--timers N]` with DF_TEST_POSTGRES_URL (or DATABASE_URL_BENCH)
pointing at a server; each engine run gets a fresh database, created and dropped here.

(a) raw SpiffWorkflow: N workflows of `tests/fixtures/timer_first.bpmn`, each waiting on its
    one-day period, woken in memory after the period has run: the floor, no persistence.
(b) one `decisionflow worker --until-idle` process over N due periods on PostgreSQL: timers are
    claimed in batches (one transaction leases their procedures, SKIP LOCKED), and each fire is
    its own transaction (lock, wake, project, chain event, commit).
(c) four worker processes over N more due periods in the same database: what sharing buys here.
The workers start while their periods' procedures are held, and fire once all of them are up.
The rate is timers fired over the firing window (first to last `fired_at`, as the workers' clocks
wrote it); the wall rate runs from the workers' launch to their exit, process start-up included.
Everything is counted from the database afterwards; "twice" counts procedures with two firings.
A firing's CPU is the workers' (/proc and rusage) plus their PostgreSQL backends' (/proc,
benchmarks/shared/backend_cpu.py) from the release on; the ceiling is what this machine's cores
could fire at (b)'s cost if they did nothing else. One worker fires one timer at a time, its process
and its backend taking turns, so it keeps at most about one core busy: on N cores no number of
workers fires more than about N times what one fires, whatever a firing costs.
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

from benchmarks.shared.backend_cpu import BackendCPU, cpu_seconds  # noqa: E402
from benchmarks.shared.postgres import fresh_postgres_database, postgres_base_url, postgres_version  # noqa: E402
from engine.bpmn import runtime  # noqa: E402
from engine.bpmn.definition import analyse  # noqa: E402
from engine.clock import CST, FixedClock  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.persistence import schema  # noqa: E402
from engine.services.definitions import read_bundle  # noqa: E402

_WORKER = "df_bench_worker"  # the workers' application_name, to find their connections
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
    """(b)/(c): N fresh due periods in the shared database, `count` `decisionflow worker` processes.

    The run's procedures are held (`FOR UPDATE`) until every worker is connected and polling: their
    claims skip held procedures and look again every IDLE_RECHECK_SECONDS, so the firings start
    together, not while other workers are still importing (a worker's start-up costs more CPU than a
    hundred firings, and on two cores it would be taken from the first one's). The CPU of the firings
    is counted from that release: the workers' (/proc, then rusage at their exit) and their backends'."""
    load(engine, n, run)
    command = [_decisionflow(), "worker", "--until-idle", "--database", f"{sa_url}?application_name={_WORKER}"]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = BackendCPU(engine.db, engine.db.url.database or "")
    server.start()
    began = time.perf_counter()
    with engine.db.connect() as holder:
        holder.execute(text("SELECT id FROM procedures WHERE title LIKE :run FOR UPDATE"), {"run": f"程序 {run}-%"})
        procs = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(count)]
        _wait_for_workers(engine, count, procs)
        before_release = sum(cpu_seconds(proc.pid) or 0.0 for proc in procs)
        server_before = server.now()
        holder.rollback()
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed: {err.decode(errors='replace')[-2000:]}")
    wall = time.perf_counter() - began
    server_s = server.stop()
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
    per = max(int(fired), 1)
    firing_s = (cpu_s - before_release) + (server_s - server_before)
    return Run(count, int(fired) / window, int(fired) / wall, int(fired), int(twice), 1000 * cpu_s / per,
               1000 * server_s / per, 1000 * firing_s / per)


def _wait_for_workers(engine: Engine, count: int, procs: list[subprocess.Popen[bytes]]) -> None:
    """Until `count` worker connections are idle (each worker has one between passes), then a second more."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                 "AND application_name = :name AND state = 'idle'").bindparams(name=_WORKER)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            return  # one ended early: its error is reported by the caller
        with engine.db.connect() as connection:
            if connection.execute(query).scalar_one() >= count:
                time.sleep(1.0)
                return
        time.sleep(0.1)
    raise SystemExit(f"{count} workers did not connect within two minutes")


@dataclass(frozen=True)
class Run:
    """One run of `count` worker processes: fired/s over the firing window and over the wall time."""

    count: int
    rate: float
    wall_rate: float
    fired: int
    twice: int
    cpu_ms: float  # the worker processes' own CPU per fired timer, start-up included (not PostgreSQL's)
    server_ms: float  # the CPU of the database's PostgreSQL backends per fired timer (BackendCPU)
    firing_ms: float  # workers' and backends' CPU per timer from the release on: what a firing costs

    @property
    def cores(self) -> float:
        """How many cores the firings kept busy while they ran: one worker cannot keep more than one."""
        return self.firing_ms * self.rate / 1000

    @property
    def ceiling(self) -> float:
        """Timers per second if every core of this machine did nothing but firings at this run's cost."""
        return _cores() * 1000 / self.firing_ms


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
              f"worker CPU {result.cpu_ms:.1f} ms/timer, PostgreSQL CPU {result.server_ms:.1f} ms/timer; "
              f"a firing {result.firing_ms:.2f} ms of CPU, {result.cores:.2f} cores busy")
    one, four = runs
    print(f"(c)/(b) four workers over one: {four.rate / one.rate:.2f}×; "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"ceiling on {_cores()} cores at (b)'s CPU per timer: {one.ceiling:.0f} timers/s, "
          f"{one.ceiling / one.rate:.2f}× of one worker; (c) reached {four.rate / one.ceiling:.0%} of it")
    return 0


if __name__ == "__main__":
    sys.exit(main())

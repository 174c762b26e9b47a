"""(c) and (d): the engine's `tasks.complete` on SQLite and on PostgreSQL, counted and sized."""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks import linear_chain
from benchmarks.completion.scenario import ORG, TABLES, USER, Plan, Scenario
from benchmarks.shared.stats import peak_rss_mb
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain.actors import Actor
from engine.persistence import schema


def sqlite_file_size(path: Path) -> int:
    """The file's size with the WAL folded in: what the data really occupies on disk."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def sqlite_table_bytes(path: Path) -> dict[str, int]:
    """Bytes of each table with its indexes, from SQLite's dbstat (page granularity)."""
    with closing(sqlite3.connect(path)) as connection:
        owner = dict(connection.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
        sizes: dict[str, int] = {}
        for name, size in connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(name, name)
            sizes[table] = sizes.get(table, 0) + int(size)
    return {table: sizes.get(table, 0) for table in TABLES}


def postgres_table_bytes(engine: Engine) -> dict[str, int]:
    """pg_total_relation_size of each table: heap, TOAST and indexes."""
    with engine.db.connect() as connection:
        return {table: int(connection.execute(text("SELECT pg_total_relation_size(CAST(:t AS regclass))"),
                                              {"t": table}).scalar_one())
                for table in TABLES}


class CommitTimer:
    """Times the DBAPI COMMIT (the fsync on SQLite, the WAL flush round trip on PostgreSQL).

    It wraps the dialect's `do_commit` on this engine's dialect instance only, so the
    figure is exactly the driver's commit; the engine code under test is unchanged.
    """

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        dialect = engine.db.dialect
        original = dialect.do_commit

        def do_commit(dbapi_connection: Any) -> None:
            started = time.perf_counter()
            try:
                original(dbapi_connection)
            finally:
                self.seconds += time.perf_counter() - started

        dialect.do_commit = do_commit  # type: ignore[method-assign]


@dataclass
class EngineRun:
    """The engine under test, its commit timer, and how to weigh its database."""

    engine: Engine
    actor: Actor
    key: str
    commit_timer: CommitTimer
    table_bytes: Callable[[], dict[str, int]]
    total_bytes: Callable[[], int]
    compact: Callable[[], None] | None = None


def prepare_engine(url: str, bpmn: bytes) -> EngineRun:
    """Migrate, seed one organisation and one user who may start and do every step, deploy."""
    schema.upgrade(url)
    engine = build_engine(Settings(database_url=url))
    engine.people.ensure_organisation(ORG, "Benchmark organisation")
    actor = engine.people.ensure_user(USER, ORG, ["sponsor", linear_chain.ROLE], "Benchmark user")
    key = engine.definitions.deploy(bpmn, linear_chain.forms(), "bench").key
    timer = CommitTimer(engine)
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        return EngineRun(engine, actor, key, timer, lambda: sqlite_table_bytes(path), lambda: sqlite_file_size(path))

    def total() -> int:
        return sum(postgres_table_bytes(engine).values())

    def compact() -> None:
        """VACUUM FULL: rewrite the tables without the dead row versions every UPDATE leaves."""
        with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in TABLES:
                connection.execute(text(f"VACUUM FULL {table}"))

    return EngineRun(engine, actor, key, timer, lambda: postgres_table_bytes(engine), total, compact)


def run_procedure(run: EngineRun, title: str, steps: int, data: dict[str, Any],
                  on_step: Callable[[int, float], None] | None = None) -> None:
    """Start one procedure (untimed) and complete its steps in order, each through `tasks.complete`."""
    view = run.engine.procedures.start(run.key, title, ORG, run.actor)
    ready = [item.task_id for item in view.open_items]
    status = view.status
    for step in range(steps):
        run.engine.counter.reset()
        run.commit_timer.seconds = 0.0
        started = time.perf_counter()
        result = run.engine.tasks.complete(ready[0], run.actor, data)
        elapsed = time.perf_counter() - started
        if on_step is not None:
            on_step(step, elapsed)
        ready, status = list(result.ready), result.status
    if ready or status != "completed":
        raise RuntimeError(f"procedure {title!r} did not finish: status {status}, ready {ready}")


def run_engine(key: str, title: str, run: EngineRun, plan: Plan, data: dict[str, Any]) -> Scenario:
    """(c) or (d): time every completion of the timed procedures; weigh what they left behind.

    Bytes are the growth of the five procedure tables (SQLite: the file after a WAL
    checkpoint) across the timed procedures, divided by their number. On PostgreSQL
    the growth includes the dead row versions each UPDATE leaves until VACUUM; the
    tables are compacted before the timed run and again after it to show both.
    """
    scenario = Scenario(key, title)
    counter = run.engine.counter
    for number in range(plan.warmup):
        run_procedure(run, f"warm-up {number + 1}", plan.steps, data)

    logged = {plan.steps // 2: "typical step", plan.steps - 1: "last step (finishes the procedure)"}

    def record(step: int, elapsed: float) -> None:
        scenario.durations_ms.append(elapsed * 1000)
        scenario.statements.append(counter.statements)
        scenario.commits.append(counter.commits)
        scenario.commit_ms.append(run.commit_timer.seconds * 1000)
        if step in logged and logged[step] not in scenario.statement_log:
            scenario.statement_log[logged[step]] = list(counter.log)

    if run.compact is not None:
        run.compact()
    gc.collect()
    tables_before, total_before = run.table_bytes(), run.total_bytes()
    counter.keep_log = True
    for number in range(plan.procedures):
        run_procedure(run, f"benchmark {number + 1}", plan.steps, data, record)
    counter.keep_log = False
    tables_after, total_after = run.table_bytes(), run.total_bytes()
    scenario.bytes_per_instance = (total_after - total_before) / plan.procedures
    scenario.bytes_by_table = {t: (tables_after[t] - tables_before[t]) / plan.procedures for t in TABLES}
    if run.compact is not None:
        run.compact()
        scenario.bytes_per_instance_compacted = (run.total_bytes() - total_before) / plan.procedures
    scenario.state_bytes = average_state_bytes(run.engine, plan.procedures)
    scenario.peak_rss_mb = peak_rss_mb()
    return scenario


def average_state_bytes(engine: Engine, last: int) -> float:
    """Compressed workflow state of the last finished procedures: the one row that is rewritten."""
    length = "length" if engine.db.dialect.name == "sqlite" else "octet_length"
    with engine.db.connect() as connection:
        value = connection.execute(text(
            f"SELECT avg({length}(state)) FROM (SELECT state FROM procedures WHERE status = 'completed' "
            f"ORDER BY id DESC LIMIT {int(last)}) AS recent")).scalar_one()
    return float(value or 0)

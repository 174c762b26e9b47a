"""What one step completion costs, from raw SpiffWorkflow up to the engine on PostgreSQL.

Run `python benchmarks/engine.py` (a table) or `python benchmarks/engine.py --json` (one
JSON object on stdout). Everything runs in one process on a generated linear chain of
user tasks (`benchmarks/linear_chain.py`), so the four figures differ only in what a
completion does:

(a) raw SpiffWorkflow in memory: find the READY task, set its data, run it, run the
    engine to the next wait state. The floor: no persistence at all.
(b) the least a durable *stateless* request can do: read the state row, deserialize
    it (state-only JSON, spec cached in process, via the engine's `StateSerializer`),
    complete the task, serialize, UPDATE the row and COMMIT, with the plain `sqlite3`
    module and the engine's durability settings (WAL, `synchronous=FULL`). Any
    engine that keeps no workflow in memory between requests pays at least this.
(c) the engine's `tasks.complete` on a SQLite file: (b) plus locking, role and form
    checks, work-item projection and the chained history event.
(d) the same on PostgreSQL, in a database created for the run and dropped after.

The issue's targets are printed beside the figures: c/b ≤ 2; at most 1 commit and 12
statements per completion; at most 12 KB of database per finished procedure,
history included. `--profile` adds a cProfile of (c) to name where the time goes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `python benchmarks/engine.py` puts benchmarks/ first on sys.path, where this very file
# would shadow the `engine` package; the repository root must come first instead.
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import closing, contextmanager  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from importlib import metadata  # noqa: E402
from typing import Any  # noqa: E402
from uuid import UUID  # noqa: E402

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks import linear_chain  # noqa: E402
from engine.bpmn.serialize import StateSerializer  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.core import Engine, build_engine  # noqa: E402
from engine.domain.actors import Actor  # noqa: E402
from engine.persistence import schema  # noqa: E402

TABLES = ("procedures", "events", "work_items", "timers", "documents")
"""The tables a procedure writes: what "database bytes per finished instance" counts."""

ORG = "bench_org"
USER = "bench_user"
TARGET_RATIO = 2.0
TARGET_COMMITS = 1
TARGET_STATEMENTS = 12
TARGET_BYTES = 12 * 1024
POSTGRES_ENVS = ("DATABASE_URL_BENCH", "DF_TEST_POSTGRES_URL")


# ---------------------------------------------------------------- results


@dataclass
class Scenario:
    """One scenario's figures; per-completion lists hold one entry per timed completion."""

    key: str
    title: str
    durations_ms: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    commits: list[int] = field(default_factory=list)
    commit_ms: list[float] = field(default_factory=list)
    bytes_per_instance: float | None = None
    bytes_per_instance_compacted: float | None = None
    bytes_by_table: dict[str, float] = field(default_factory=dict)
    state_bytes: float | None = None
    peak_rss_mb: float = 0.0
    statement_log: dict[str, list[str]] = field(default_factory=dict)
    note: str = ""

    @property
    def median_ms(self) -> float:
        return statistics.median(self.durations_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.durations_ms, 95)

    @property
    def commit_median_ms(self) -> float | None:
        return statistics.median(self.commit_ms) if self.commit_ms else None

    @property
    def without_commit_median_ms(self) -> float | None:
        """Median of each completion's time minus its COMMIT: the CPU side, fsync jitter removed."""
        if not self.commit_ms:
            return None
        return statistics.median(d - c for d, c in zip(self.durations_ms, self.commit_ms, strict=True))

    def summary(self) -> dict[str, Any]:
        """The JSON form: statistics, not the raw samples."""
        data = asdict(self)
        durations = data.pop("durations_ms")
        statements = data.pop("statements")
        commits = data.pop("commits")
        data.pop("commit_ms")
        data["completions"] = len(durations)
        data["ms"] = {"median": self.median_ms, "p95": self.p95_ms, "mean": statistics.fmean(durations),
                      "min": min(durations), "max": max(durations),
                      "commit_median": self.commit_median_ms, "without_commit_median": self.without_commit_median_ms}
        data["statements_per_completion"] = _count_summary(statements)
        data["commits_per_completion"] = _count_summary(commits)
        return data


def _count_summary(values: list[int]) -> dict[str, float] | None:
    if not values:
        return None
    return {"mean": statistics.fmean(values), "max": max(values), "min": min(values)}


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: an observed sample, no interpolation."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    """The process's peak resident set so far (a high-water mark: it only grows)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@dataclass(frozen=True)
class Plan:
    """How much to run: warm-up procedures are run but not timed."""

    steps: int
    warmup: int
    procedures: int


# ---------------------------------------------------------------- (a) raw SpiffWorkflow


def parse_spec(bpmn: bytes) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Parse once, as any long-running process would; parsing is never part of a completion."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn, filename=f"{linear_chain.KEY}.bpmn")
    return parser.get_spec(linear_chain.KEY), parser.get_subprocess_specs(linear_chain.KEY)


def run_raw(plan: Plan, spec: BpmnProcessSpec, subprocesses: dict[str, BpmnProcessSpec],
            data: dict[str, Any]) -> Scenario:
    """(a): the workflow stays in memory; this is SpiffWorkflow's own cost per step."""
    scenario = Scenario("a", "SpiffWorkflow in memory")
    for number in range(plan.warmup + plan.procedures):
        timed = number >= plan.warmup
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        for _ in range(plan.steps):
            started = time.perf_counter()
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            assert task is not None
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            elapsed = time.perf_counter() - started
            if timed:
                scenario.durations_ms.append(elapsed * 1000)
        assert workflow.is_completed()
    scenario.peak_rss_mb = peak_rss_mb()
    return scenario


# ---------------------------------------------------------------- (b) minimal durable stateless


class CountingConnection:
    """A plain sqlite3 connection that counts statements and commits the way the engine's
    StatementCounter does on SQLite: BEGIN is a statement, COMMIT is a commit."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=FULL"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.statements = 0
        self.commits = 0
        self.commit_seconds = 0.0

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        self.statements += 1
        return self.connection.execute(statement, params)

    def commit(self) -> None:
        self.commits += 1
        started = time.perf_counter()
        self.connection.execute("COMMIT")
        self.commit_seconds += time.perf_counter() - started

    def reset(self) -> None:
        self.statements = self.commits = 0
        self.commit_seconds = 0.0

    def close(self) -> None:
        self.connection.close()


def run_stateless(plan: Plan, serializer: StateSerializer, path: Path, data: dict[str, Any]) -> Scenario:
    """(b): per completion BEGIN IMMEDIATE, SELECT the state, load, complete, dump, UPDATE, COMMIT.

    The SELECT is included because a stateless request has no state until it reads it;
    BEGIN IMMEDIATE takes the write lock before that read, as the engine does.
    """
    scenario = Scenario("b", "stateless minimum, sqlite3")
    db = CountingConnection(path)
    db.connection.execute("CREATE TABLE instances (id INTEGER PRIMARY KEY, state BLOB NOT NULL, "
                          "version INTEGER NOT NULL)")
    size_before = 0
    for number in range(plan.warmup + plan.procedures):
        timed = number >= plan.warmup
        if number == plan.warmup:
            size_before = sqlite_file_size(path)
        workflow = serializer.new_workflow()
        workflow.do_engine_steps()
        cursor = db.connection.execute("INSERT INTO instances (state, version) VALUES (?, 1)",
                                       (serializer.dump(workflow),))
        instance = cursor.lastrowid
        ready = [str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
        for _ in range(plan.steps):
            db.reset()
            started = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            (state,) = db.execute("SELECT state FROM instances WHERE id = ?", (instance,)).fetchone()
            workflow = serializer.load(state)
            task = workflow.get_task_from_id(UUID(ready[0]))
            if task is None or task.state != TaskState.READY:
                raise RuntimeError("the chain's next task is not READY")
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            ready = [str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
            db.execute("UPDATE instances SET state = ?, version = version + 1 WHERE id = ?",
                       (serializer.dump(workflow), instance))
            db.commit()
            elapsed = time.perf_counter() - started
            if timed:
                scenario.durations_ms.append(elapsed * 1000)
                scenario.statements.append(db.statements)
                scenario.commits.append(db.commits)
                scenario.commit_ms.append(db.commit_seconds * 1000)
        assert workflow.is_completed() and not ready
    size_after = sqlite_file_size(path)
    scenario.bytes_per_instance = (size_after - size_before) / plan.procedures
    (scenario.state_bytes,) = db.connection.execute(
        f"SELECT avg(length(state)) FROM (SELECT state FROM instances ORDER BY id DESC LIMIT {plan.procedures})"
    ).fetchone()
    db.close()
    scenario.peak_rss_mb = peak_rss_mb()
    scenario.note = "state only, no history"
    return scenario


# ---------------------------------------------------------------- (c) and (d) the engine


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


# ---------------------------------------------------------------- profile of (c)


@dataclass(frozen=True)
class Hotspot:
    function: str
    calls: int
    ms_per_completion: float
    share: float


def profile_engine(run: EngineRun, procedures: int, steps: int, data: dict[str, Any],
                   top: int = 12) -> dict[str, Any]:
    """cProfile the completions of a few more procedures (starts excluded from the figures).

    Returns the engine functions by cumulative time and everyone's own time grouped by
    library, both per completion, so a reader sees which engine call to change and what
    it spends its time in.
    """
    profiler = cProfile.Profile()
    completions = procedures * steps
    for number in range(procedures):
        view = run.engine.procedures.start(run.key, f"profile {number + 1}", ORG, run.actor)
        ready = [item.task_id for item in view.open_items]
        for _ in range(steps):
            profiler.enable()
            result = run.engine.tasks.complete(ready[0], run.actor, data)
            profiler.disable()
            ready = list(result.ready)
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in entries.values())
    engine_dir = str(ROOT / "engine") + os.sep
    engine_rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in entries.items():
        if filename.startswith(engine_dir):
            where = f"{Path(filename).relative_to(ROOT)}:{line}({name})"
            engine_rows.append(Hotspot(where, calls, cumulative / completions * 1000, cumulative / total))
    engine_rows.sort(key=lambda h: h.ms_per_completion, reverse=True)
    buckets: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, own, _ct, _callers) in entries.items():
        bucket = _bucket(filename, name, engine_dir)
        buckets[bucket] = buckets.get(bucket, 0.0) + own
    return {
        "completions": completions,
        "profiled_ms_per_completion": total / completions * 1000,
        "engine_cumulative": [asdict(h) for h in engine_rows[:top]],
        "own_time_by_library": {k: {"ms_per_completion": v / completions * 1000, "share": v / total}
                                for k, v in sorted(buckets.items(), key=lambda kv: kv[1], reverse=True)},
    }


def _bucket(filename: str, name: str, engine_dir: str) -> str:
    """Which library a profiled function's own time belongs to."""
    if filename.startswith(engine_dir):
        return "engine (own code)"
    if filename == "~":  # a built-in: name it by what it does
        for needle, label in (("sqlite3.Connection' objects>", "sqlite3 connection (commit = fsync)"),
                              ("sqlite3.Cursor' objects>", "sqlite3 statements"),
                              ("zlib", "zlib"), ("_json", "json (C)"), ("json", "json (C)"),
                              ("hashlib", "hashlib"), ("sha256", "hashlib"), ("deepcopy", "copy")):
            if needle in name:
                return label
        return "other built-ins"
    parts = Path(filename).parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    stdlib = Path(os.__file__).parent.parts
    if parts[:len(stdlib)] == stdlib and len(parts) > len(stdlib):
        return f"stdlib {Path(parts[len(stdlib)]).stem}"
    return filename


# ---------------------------------------------------------------- PostgreSQL


def postgres_base_url() -> tuple[str | None, str]:
    """The server to use for (d), or None and why (d) is skipped."""
    for env in POSTGRES_ENVS:
        url = os.environ.get(env)
        if url:
            try:
                with psycopg.connect(_psycopg_url(url), connect_timeout=5):
                    return url, env
            except psycopg.Error as error:
                return None, f"PostgreSQL at {env} does not answer: {str(error).splitlines()[0]}"
    return None, f"neither {' nor '.join(POSTGRES_ENVS)} is set"


def _psycopg_url(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_postgres_database(base_url: str) -> Iterator[str]:
    """A database created for this run and dropped after, so the run never touches real data."""
    name = f"df_bench_{os.getpid()}"
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))

    def admin(statement: sql.Composed) -> None:
        with psycopg.connect(_psycopg_url(base_url), autocommit=True) as connection:
            connection.execute(statement)

    admin(drop)
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _psycopg_url(base_url, name)
    finally:
        admin(drop)


def postgres_version(url: str) -> str:
    with psycopg.connect(_psycopg_url(url), connect_timeout=5) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


# ---------------------------------------------------------------- machine and report


def filesystem_of(path: Path) -> str:
    """The filesystem type under `path`: fsync on tmpfs is free, on a real disk it is not."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                mount = fields[1]
                if str(path).startswith(mount) and len(mount) > len(best):
                    best, kind = mount, fields[2]
    except OSError:
        pass
    return kind


def engine_revision() -> str:
    """The commit measured, and whether engine/ had uncommitted changes: figures belong to code."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "engine"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (engine/ has uncommitted changes)" if dirty else head


def machine(directory: Path) -> dict[str, Any]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "?")
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "sqlalchemy": metadata.version("SQLAlchemy"),
        "psycopg": metadata.version("psycopg"),
        "engine_revision": engine_revision(),
        "sqlite_dir": str(directory),
        "sqlite_filesystem": filesystem_of(directory),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def targets(results: dict[str, Scenario]) -> list[dict[str, Any]]:
    """The issue's targets, judged on every engine scenario that ran."""
    checks: list[dict[str, Any]] = []
    b, c = results.get("b"), results.get("c")
    if b is not None and c is not None:
        ratio = c.median_ms / b.median_ms
        checks.append({"target": "c/b median ≤ 2", "value": round(ratio, 2), "pass": ratio <= TARGET_RATIO})
    for key in ("c", "d"):
        scenario = results.get(key)
        if scenario is None:
            continue
        commits, statements = max(scenario.commits), max(scenario.statements)
        checks.append({"target": f"({key}) commits per completion ≤ {TARGET_COMMITS} (max)",
                       "value": commits, "pass": commits <= TARGET_COMMITS})
        checks.append({"target": f"({key}) statements per completion ≤ {TARGET_STATEMENTS} (max)",
                       "value": statements, "pass": statements <= TARGET_STATEMENTS})
        size = scenario.bytes_per_instance or 0.0
        checks.append({"target": f"({key}) bytes per finished instance ≤ {TARGET_BYTES} (12 KiB)",
                       "value": round(size), "pass": size <= TARGET_BYTES})
    return checks


def print_table(report: dict[str, Any], results: dict[str, Scenario]) -> None:
    plan, env = report["plan"], report["machine"]
    print(f"DecisionFlow engine benchmark: {plan['steps']}-step linear chain, {plan['procedures']} procedures "
          f"× {plan['steps']} steps timed after {plan['warmup']} warm-up procedures, "
          f"{plan['data_bytes']} bytes of form data per step")
    print(f"machine: {env['nproc']} CPUs ({env['cpu']}), Python {env['python']}, SpiffWorkflow "
          f"{env['spiffworkflow']}, SQLAlchemy {env['sqlalchemy']}, SQLite {env['sqlite']}"
          + (f", PostgreSQL {env['postgresql']}" if env.get("postgresql") else ""))
    print(f"engine revision {env['engine_revision']}; SQLite files in {env['sqlite_dir']} "
          f"({env['sqlite_filesystem']})")
    print()
    header = (f"{'scenario':<36} {'median ms':>9} {'p95 ms':>8} {'COMMIT ms':>9} {'stmts/compl':>11} "
              f"{'commits/compl':>13} {'DB bytes/inst':>13} {'state bytes':>11} {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    for scenario in results.values():
        stmts = f"{statistics.fmean(scenario.statements):.1f} ({max(scenario.statements)})" \
            if scenario.statements else "-"
        commits = f"{statistics.fmean(scenario.commits):.1f} ({max(scenario.commits)})" if scenario.commits else "-"
        size = f"{scenario.bytes_per_instance:,.0f}" if scenario.bytes_per_instance is not None else "-"
        state = f"{scenario.state_bytes:,.0f}" if scenario.state_bytes is not None else "-"
        commit = f"{scenario.commit_median_ms:.3f}" if scenario.commit_median_ms is not None else "-"
        print(f"{'(' + scenario.key + ') ' + scenario.title:<36} {scenario.median_ms:>9.3f} {scenario.p95_ms:>8.3f} "
              f"{commit:>9} {stmts:>11} {commits:>13} {size:>13} {state:>11} {scenario.peak_rss_mb:>11.1f}")
    print("COMMIT ms: median time inside the driver's commit; stmts and commits: mean (max);")
    print("state bytes: compressed workflow state of a finished procedure; peak RSS: the process's")
    print("high-water mark after each scenario (it only grows)")
    if report.get("skipped"):
        print(f"(d) skipped: {report['skipped']}")
    print()
    for key in ("c", "d"):
        if key in results and results[key].bytes_by_table:
            parts = ", ".join(f"{t} {v:,.0f}" for t, v in results[key].bytes_by_table.items())
            print(f"({key}) bytes per instance by table (with indexes): {parts}")
        if key in results and results[key].bytes_per_instance_compacted is not None:
            print(f"({key}) bytes per instance after VACUUM FULL (dead row versions removed): "
                  f"{results[key].bytes_per_instance_compacted:,.0f}")
    for name, value in report["ratios"].items():
        print(f"{name} = {value:.2f}")
    print()
    print("targets:")
    for check in report["targets"]:
        print(f"  {check['target']:<52} {check['value']!s:>8}  {verdict(check['pass'])}")
    for key in ("c", "d"):
        if key in results:
            for label, log in results[key].statement_log.items():
                print(f"\n({key}) statements of one completion, {label}:")
                for statement in log:
                    print("  " + " ".join(statement.split())[:150])
    profile = report.get("profile")
    if profile:
        print(f"\nprofile of (c): {profile['completions']} completions, "
              f"{profile['profiled_ms_per_completion']:.2f} ms each under cProfile")
        print("  engine functions by cumulative time (ms per completion, share):")
        for row in profile["engine_cumulative"]:
            print(f"    {row['ms_per_completion']:7.3f}  {row['share']:6.1%}  {row['function']}")
        print("  own time by library (ms per completion, share):")
        for name, row in profile["own_time_by_library"].items():
            if row["share"] >= 0.005:
                print(f"    {row['ms_per_completion']:7.3f}  {row['share']:6.1%}  {name}")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--procedures", type=int, default=30, help="timed procedures per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm-up procedures (default 3)")
    parser.add_argument("--steps", type=int, default=10, help="user tasks in the chain (default 10)")
    parser.add_argument("--profile", action="store_true", help="also cProfile (c) and name the hotspots")
    parser.add_argument("--profile-procedures", type=int, default=5, help="procedures profiled (default 5)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the SQLite files go (default: a temporary directory)")
    parser.add_argument("--no-postgres", action="store_true", help="skip (d)")
    args = parser.parse_args(argv)
    if args.procedures < 1 or args.steps < 1 or args.warmup < 0:
        parser.error("--procedures and --steps must be at least 1, --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.getLogger("spiff").setLevel(logging.WARNING)  # as build_engine does, for every scenario
    plan = Plan(args.steps, args.warmup, args.procedures)
    bpmn = linear_chain.chain_bpmn(args.steps)
    data = dict(linear_chain.STEP_DATA)

    def say(line: str) -> None:
        """Progress goes to stderr, so `--json` leaves exactly one JSON object on stdout."""
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="df-bench-", dir=args.dir) as temporary:
        directory = Path(temporary).resolve()
        report: dict[str, Any] = {"command": " ".join(["python", "benchmarks/engine.py", *sys.argv[1:]]),
                                  "machine": machine(directory),
                                  "plan": {**asdict(plan), "data_bytes": linear_chain.data_bytes(data)}}
        results: dict[str, Scenario] = {}
        spec, subprocesses = parse_spec(bpmn)

        say("(a) raw SpiffWorkflow in memory…")
        results["a"] = run_raw(plan, spec, subprocesses, data)
        say("(b) stateless minimum on sqlite3…")
        results["b"] = run_stateless(plan, StateSerializer(spec, subprocesses), directory / "stateless.db", data)

        say("(c) engine on SQLite…")
        sqlite_run = prepare_engine(f"sqlite:///{directory / 'engine.db'}", bpmn)
        try:
            results["c"] = run_engine("c", "engine tasks.complete, SQLite", sqlite_run, plan, data)
            if args.profile:
                say("profiling (c)…")
                report["profile"] = profile_engine(sqlite_run, args.profile_procedures, args.steps, data)
        finally:
            sqlite_run.engine.dispose()

        base_url, why = (None, "--no-postgres given") if args.no_postgres else postgres_base_url()
        if base_url is None:
            report["skipped"] = why
            if args.json:  # the table prints the same line on stdout
                say(f"(d) skipped: {why}")
        else:
            say(f"(d) engine on PostgreSQL ({why})…")
            report["machine"]["postgresql"] = postgres_version(base_url)
            with fresh_postgres_database(base_url) as url:
                postgres_run = prepare_engine(url, bpmn)
                try:
                    results["d"] = run_engine("d", "engine tasks.complete, PostgreSQL", postgres_run, plan, data)
                finally:
                    postgres_run.engine.dispose()

    b, c = results["b"], results["c"]
    ratios: dict[str, float] = {"c/b median": c.median_ms / b.median_ms, "c/b p95": c.p95_ms / b.p95_ms,
                                "b/a median": b.median_ms / results["a"].median_ms}
    if c.without_commit_median_ms is not None and b.without_commit_median_ms is not None:
        ratios["c/b median without COMMIT"] = c.without_commit_median_ms / b.without_commit_median_ms
    if "d" in results:
        ratios["d/b median"] = results["d"].median_ms / b.median_ms
    report["ratios"] = ratios
    report["targets"] = targets(results)
    report["results"] = {key: scenario.summary() for key, scenario in results.items()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print_table(report, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

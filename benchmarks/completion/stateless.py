"""(b) the least a durable stateless request can do, on the plain sqlite3 module."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState

from benchmarks.completion.engine_run import sqlite_file_size
from benchmarks.completion.scenario import Plan, Scenario
from benchmarks.shared.stats import peak_rss_mb
from engine.bpmn.serialize import StateSerializer


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

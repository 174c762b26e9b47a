"""Crashes (DESIGN invariants 1 and 4): a process dies mid-completion, history stays append-only.

A real child process completes a step and is killed with SIGKILL — no handler, no
rollback of its own. After a restart (a fresh engine, every connection of the test
closed first) the procedure is exactly at the old version or exactly at the new one,
never between, its history chain verifies, and the next completion goes through: no
lock and no half-written row is left behind. On SQLite the restart recovers the WAL a dead
process left: uncommitted frames are discarded, committed ones kept.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine.clock import FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.domain.rules import COMPLETED, OPEN
from tests.conftest import DRAFT, People
from tests.engine.proc_crash import DONE_MARKER, PAUSED_MARKER
from tests.helpers import fingerprint

ROOT = Path(__file__).resolve().parents[2]
MARKER_TIMEOUT = 60.0
"""Seconds the child may take to start, import the engine and reach its marker."""


class Child:
    """`python -m tests.engine.proc_crash …` with its stdout read line by line on a thread."""

    def __init__(self, args: list[str]) -> None:
        self._stderr: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen([sys.executable, "-m", "tests.engine.proc_crash", *args], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=self._stderr, text=True, encoding="utf-8")
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def wait_for(self, marker: str) -> str:
        """The first stdout line starting with `marker`; fails if the child ends or is too slow."""
        while True:
            try:
                line = self._lines.get(timeout=MARKER_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"no {marker!r} from the child within {MARKER_TIMEOUT:.0f} s:\n{self.stderr()}")
            if line is None:
                pytest.fail(f"the child exited ({self.process.wait()}) before {marker!r}:\n{self.stderr()}")
            if line.startswith(marker):
                return line

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to roll back, close or flush anything."""
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    """Children started by a test; any still alive at the end is killed by its own pid."""
    started: list[Child] = []
    yield started
    for child in started:
        child.close()


def start_child(children: list[Child], url: str, task_id: str, username: str, data: dict[str, object],
                clock: FixedClock, mode: str) -> Child:
    child = Child([url, task_id, username, json.dumps(data, ensure_ascii=False), clock.now().isoformat(), mode])
    children.append(child)
    return child


def assert_write_transaction_open(url: str, db_kind: str) -> None:
    """While the child is paused its completion is written but uncommitted, its lock held."""
    if db_kind == "sqlite":
        path = make_url(url).database or ""
        assert Path(f"{path}-wal").stat().st_size > 0  # the child's uncommitted frames (proc_crash)
        connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                connection.execute("BEGIN IMMEDIATE")
        finally:
            connection.close()
        return
    probe = build_engine(Settings(database_url=url))
    try:
        with probe.db.connect() as connection:
            idle = connection.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'idle in transaction' AND pid <> pg_backend_pid()")).scalars().all()
            writing = connection.execute(text(
                "SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'events' AND l.mode = 'RowExclusiveLock'")).scalars().all()
    finally:
        probe.dispose()
    assert len(idle) == 1 and writing == idle, (idle, writing)  # the event INSERT was sent, not committed


def restart(url: str, clock: FixedClock) -> Engine:
    return build_engine(Settings(database_url=url, max_document_bytes=1024 * 1024), clock)


@pytest.mark.slow
def test_kill_between_workflow_step_and_commit_leaves_procedure_at_old_version(
        engine: Engine, people: People, review_loop: str, db_url: str, db_kind: str, clock: FixedClock,
        children: list[Child]) -> None:
    started = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    draft = started.task("draft")
    before = fingerprint(engine)
    events_before = engine.history.events(started.id)
    engine.dispose()  # the test holds no connection: after the kill, the database is opened afresh

    child = start_child(children, db_url, draft, people.sponsor.username, DRAFT, clock, "before-commit")
    child.wait_for(PAUSED_MARKER)
    assert_write_transaction_open(db_url, db_kind)
    child.kill()

    fresh = restart(db_url, clock)
    try:
        assert fingerprint(fresh) == before
        procedure = fresh.procedures.get(started.id)
        assert procedure.version == started.version
        assert [(i.spec, i.status) for i in procedure.open_items] == [("draft", OPEN)]
        assert fresh.history.events(started.id) == events_before
        assert fresh.history.verify(started.id).ok

        step = fresh.tasks.complete(draft, people.sponsor, DRAFT)  # no lock, nothing half-written left
        assert step.version == started.version + 1
        assert [e.kind for e in fresh.history.events(started.id)] == ["procedure_started", "task_completed"]
        assert fresh.history.verify(started.id).ok
    finally:
        fresh.dispose()


@pytest.mark.slow
def test_kill_after_commit_keeps_the_completed_step(
        engine: Engine, people: People, review_loop: str, db_url: str, clock: FixedClock,
        children: list[Child]) -> None:
    started = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    draft = started.task("draft")
    before = fingerprint(engine)
    engine.dispose()

    child = start_child(children, db_url, draft, people.sponsor.username, DRAFT, clock, "after-commit")
    committed_version = int(child.wait_for(DONE_MARKER).split()[1])
    child.kill()

    fresh = restart(db_url, clock)
    try:
        after = fingerprint(fresh)
        assert committed_version == started.version + 1
        assert [p[2] for p in after.procedures] == [committed_version]
        assert after.events == before.events + 1
        assert (draft, COMPLETED, None, people.sponsor.username) in after.work_items
        procedure = fresh.procedures.get(started.id)
        assert [(i.spec, i.status) for i in procedure.open_items] == [("review", OPEN)]
        assert [e.kind for e in fresh.history.events(started.id)] == ["procedure_started", "task_completed"]
        assert fresh.history.verify(started.id).ok

        step = fresh.tasks.complete(procedure.task("review"), people.reviewer, {"outcome": "lawful"})
        assert step.version == committed_version + 1
        assert fresh.history.verify(started.id).ok
    finally:
        fresh.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE events SET actor = 'mallory' WHERE procedure_id = :pid",
    "DELETE FROM events WHERE procedure_id = :pid",
], ids=["update", "delete"])
def test_events_table_refuses_plain_update_and_delete(engine: Engine, people: People, review_loop: str,
                                                       statement: str) -> None:
    started = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    before = fingerprint(engine)
    events_before = engine.history.events(started.id)

    with pytest.raises(DBAPIError) as refused, engine.db.begin() as connection:
        connection.execute(text(statement), {"pid": started.id})
    assert "append-only" in str(refused.value)

    assert fingerprint(engine) == before
    assert engine.history.events(started.id) == events_before
    assert engine.history.verify(started.id).ok

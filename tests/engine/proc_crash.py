"""The child process of the crash tests: complete one step, then block until SIGKILLed.

    python -m tests.engine.proc_crash URL TASK_ID USERNAME DATA_JSON NOW_ISO MODE

The engine's clock stands at NOW_ISO, like the parent's FixedClock.

MODE `before-commit`: the engine's `before_commit` hook flushes the unit of work — every
UPDATE and INSERT of the completion reaches the database inside the open transaction —
prints PAUSED_MARKER and blocks forever, so the parent kills the process mid-transaction.
On SQLite the child's page cache is one page, so the flush spills uncommitted frames into
the WAL file: the restart must recognise and discard them.

MODE `after-commit`: no hook; the completion commits, the child prints DONE_MARKER with
the new version and blocks forever, so the parent kills a process whose work is durable.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import event

from engine.clock import FixedClock
from engine.config import Settings
from engine.core import build_engine
from engine.persistence.uow import UnitOfWork
from tests.statute import register as register_fixture_statute

register_fixture_statute()  # the child runs the suite's fixtures (statute="fixture")

PAUSED_MARKER = "PAUSED-BEFORE-COMMIT"
DONE_MARKER = "COMMITTED"
MODES = ("before-commit", "after-commit")


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _block_forever() -> None:
    threading.Event().wait()


def _tiny_page_cache(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: spill uncommitted pages to the WAL early, so the kill leaves uncommitted frames there."""
    dbapi_connection.execute("PRAGMA cache_size = 1")


def main(argv: list[str]) -> int:
    url, task_id, username, data_json, now_iso, mode = argv
    if mode not in MODES:
        raise SystemExit(f"mode must be one of {MODES}, not {mode!r}")
    engine = build_engine(Settings(database_url=url), FixedClock(datetime.fromisoformat(now_iso)))
    if mode == "before-commit" and engine.db.dialect.name == "sqlite":
        event.listen(engine.db, "connect", _tiny_page_cache)
    actor = engine.people.actor(username)
    if mode == "before-commit":
        opened: list[UnitOfWork] = []
        make_uow = engine.uow

        def uow() -> UnitOfWork:  # remember the unit of work so the hook can flush its session
            opened.append(make_uow())
            return opened[-1]

        def pause() -> None:
            opened[-1].session.flush()
            _say(PAUSED_MARKER)
            _block_forever()

        engine.uow = uow  # type: ignore[method-assign]
        engine.before_commit = pause
    step = engine.tasks.complete(task_id, actor, json.loads(data_json))
    _say(f"{DONE_MARKER} {step.version}")
    _block_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

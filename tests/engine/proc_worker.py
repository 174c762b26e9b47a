"""A long-lived worker process for the concurrency tests (started with the 'spawn' context).

Each worker builds its own Engine — its own connection pool, its own definition cache —
inside the child, so the two racers share nothing but the database. For every job it
waits on a barrier shared with the other worker, completes the step, and reports:

    ("ok", None, None, None)                  the completion committed
    ("conflict", class name, rule, message)   a Conflict (StepAlreadyCompleted, VersionConflict)
    ("refused", class name, rule, message)    any other DomainError: a wrong answer to a race
    ("error", class name, None, traceback)    anything else
"""

from __future__ import annotations

import traceback
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from engine.clock import Clock
from engine.config import Settings
from engine.core import build_engine
from engine.domain.errors import Conflict, DomainError
from tests.statute import register as register_fixture_statute

register_fixture_statute()  # the child runs the suite's fixtures (statute="fixture")

BARRIER_TIMEOUT = 60.0
"""Seconds a worker waits for its rival at the barrier before the round is declared broken."""

Report = tuple[str, str | None, str | None, str | None]


def serve(url: str, clock: Clock, barrier: Barrier, jobs: Queue[Any], reports: Queue[Report]) -> None:
    """Run jobs `(task_id, actor, data)` until a None arrives; one report per job."""
    engine = build_engine(Settings(database_url=url), clock)
    try:
        reports.put(("ready", None, None, None))
        while (job := jobs.get()) is not None:
            task_id, actor, data = job
            try:
                barrier.wait(BARRIER_TIMEOUT)
            except Exception as error:  # a broken barrier: the rival died or never came
                reports.put(("error", type(error).__name__, None, traceback.format_exc()))
                continue
            reports.put(_complete(engine, task_id, actor, data))
    finally:
        engine.dispose()


def _complete(engine: Any, task_id: str, actor: Any, data: dict[str, Any]) -> Report:
    try:
        engine.tasks.complete(task_id, actor, data)
    except DomainError as error:
        outcome = "conflict" if isinstance(error, Conflict) else "refused"
        return outcome, type(error).__name__, error.rule, str(error)
    except Exception as error:
        return "error", type(error).__name__, None, traceback.format_exc()
    return "ok", None, None, None

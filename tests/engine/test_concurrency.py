"""Concurrency (DESIGN invariant 5): two processes complete the same step at once.

Two long-lived OS processes, each with its own Engine and its own connections, are
released together by a shared barrier and complete the same step. Every round, exactly
one commits and the other gets a Conflict; the step is recorded once and the history
chain still verifies. Runs on SQLite (BEGIN IMMEDIATE) and PostgreSQL (SELECT … FOR UPDATE).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from engine.clock import FixedClock
from engine.core import Engine
from engine.domain.actors import Actor
from tests.conftest import DRAFT, People
from tests.engine import proc_worker

ROUNDS = 50
STARTUP_TIMEOUT = 120.0
"""Seconds a worker may take to import the engine and connect."""
REPORT_TIMEOUT = 120.0
"""Seconds one raced completion may take: generous, it only bounds a hung worker."""
CONFLICT_RULES = {"MD-33b", "DF-CONFLICT"}  # StepAlreadyCompleted, VersionConflict

pytestmark = pytest.mark.slow


@dataclass
class Racers:
    """Two worker processes behind one barrier; `race` hands each its job and collects both reports."""

    processes: tuple[Any, Any]
    jobs: tuple[Any, Any]
    reports: tuple[Any, Any]

    def race(self, task_id: str, actors: tuple[Actor, Actor], data: dict[str, Any]) -> tuple[Any, Any]:
        for jobs, actor in zip(self.jobs, actors, strict=True):
            jobs.put((task_id, actor, data))
        return tuple(self._report(i) for i in (0, 1))  # type: ignore[return-value]

    def _report(self, i: int) -> Any:
        try:
            return self.reports[i].get(timeout=REPORT_TIMEOUT)
        except Exception as error:
            process = self.processes[i]
            raise AssertionError(f"worker {i} sent no report (alive={process.is_alive()}, "
                                 f"exitcode={process.exitcode})") from error


@pytest.fixture
def racers(db_url: str, clock: FixedClock) -> Iterator[Racers]:
    """Two spawned workers on the test database, each with its own engine, both ready."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    jobs = (ctx.Queue(), ctx.Queue())
    reports = (ctx.Queue(), ctx.Queue())
    processes = tuple(ctx.Process(target=proc_worker.serve, args=(db_url, clock, barrier, jobs[i], reports[i]),
                                  name=f"racer-{i}", daemon=True) for i in (0, 1))
    for process in processes:
        process.start()
    racers = Racers(processes, jobs, reports)  # type: ignore[arg-type]
    try:
        for i in (0, 1):
            assert racers._report(i)[0] == "ready"
        yield racers
    finally:
        for queue in jobs:
            queue.put(None)
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():  # only a hung worker: ours, ended by its own handle
                process.kill()
                process.join(timeout=10)
        for queue in (*jobs, *reports):
            queue.close()
            queue.join_thread()


def assert_one_won(engine: Engine, procedure_id: int, task_id: str, version_before: int,
                   actors: tuple[Actor, Actor], reports: tuple[Any, Any], round_no: int) -> None:
    """One report is "ok", the other a Conflict; the step is in history once, by the winner."""
    where = f"round {round_no}: reports {reports}"
    outcomes = [r[0] for r in reports]
    assert sorted(outcomes) == ["conflict", "ok"], where
    loser = reports[outcomes.index("conflict")]
    assert loser[2] in CONFLICT_RULES, where
    winner = actors[outcomes.index("ok")]

    completions = [e for e in engine.history.events(procedure_id)
                   if e.kind == "task_completed" and e.task_id == task_id]
    assert len(completions) == 1, where
    assert completions[0].actor == winner.username, where
    assert engine.procedures.get(procedure_id).version == version_before + 1, where
    report = engine.history.verify(procedure_id)
    assert report.ok, f"{where}: {report}"


def test_two_processes_completing_one_step_one_wins_other_conflicts(
        engine: Engine, people: People, review_loop: str, racers: Racers) -> None:
    actors = (people.sponsor, people.sponsor)  # the same user submitting twice, from two processes
    for round_no in range(1, ROUNDS + 1):
        started = engine.procedures.start(review_loop, f"县城公交线网优化调整（第{round_no}轮）",
                                          "dev_reform", people.sponsor)
        draft = started.task("draft")
        reports = racers.race(draft, actors, DRAFT)
        assert_one_won(engine, started.id, draft, started.version, actors, reports, round_no)
        assert [i.spec for i in engine.procedures.get(started.id).open_items] == ["review"]


def test_two_reviewers_racing_one_review_step_one_wins_other_conflicts(
        engine: Engine, people: People, review_loop: str, racers: Racers) -> None:
    actors = (people.reviewer, people.reviewer2)  # both legality_reviewer, both of 司法局
    for round_no in range(1, ROUNDS + 1):
        started = engine.procedures.start(review_loop, f"县城公交线网优化调整（第{round_no}轮）",
                                          "dev_reform", people.sponsor)
        drafted = engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
        review = drafted.task("review")
        reports = racers.race(review, actors, {"outcome": "lawful"})
        assert_one_won(engine, started.id, review, drafted.version, actors, reports, round_no)
        assert [i.spec for i in engine.procedures.get(started.id).open_items] == ["deliberation"]

"""Procedures of tests/fixtures/comment_timer.bpmn whose 30-day comment window (MD-15b) has opened: the
timer tests' common start (claims, tallies)."""

from __future__ import annotations

from tests.conftest import bundle

NOTE = {"note": "已在政府网站发布征求意见稿"}


def open_windows(engine, people, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` procedures whose comment window opened now; their ids."""
    engine.definitions.deploy(*bundle("comment_timer.bpmn"), "test")
    ids = []
    for i in range(count):
        procedure = engine.procedures.start("comment_timer", f"征求意见 {i}", "dev_reform", people.sponsor)
        engine.tasks.complete(procedure.task("open_call"), people.sponsor, NOTE)
        ids.append(procedure.id)
    return ids

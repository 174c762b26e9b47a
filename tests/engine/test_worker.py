"""The timer pass: every due timer fires once, in due order; a second pass fires nothing."""

from __future__ import annotations

from engine.worker import fire_due
from tests.processes.md_scenario import MajorDecision


def test_md14_fire_due_closes_the_comment_window_once_when_its_thirty_days_have_run(engine, clock):
    md = MajorDecision.start(engine, clock)
    md.propose()
    md.initiate()
    md.draft()
    if "consultation" in md.open():
        md.consult()
    md.determine_disclosure()
    md.open_comment()
    clock.advance(days=29)
    assert fire_due(engine) == 0
    clock.advance(days=2)
    assert fire_due(engine) == 1
    assert fire_due(engine) == 0
    fired = [e for e in engine.history.events(md.procedure_id) if e.kind == "timer_fired"]
    assert len(fired) == 1
    assert {i.spec for i in engine.procedures.get(md.procedure_id).open_items} == {"summarise_opinions"}

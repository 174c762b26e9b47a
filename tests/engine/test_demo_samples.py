"""The demo's sample procedures (`decisionflow serve --demo`), made through the services on a real database.

Besides the major decisions, one procedure of each sister definition: a normative document
in force (registered, published, filed), an enforcement case at its legal review, and a
reconsideration of a fine whose applicant asks for an incidental review of that document.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from engine.config import Settings
from engine.demo_procedures import DOCUMENT_NUMBER, create
from tests.webapp.site import prepare

TODAY = date(2026, 11, 24)


def test_nd10_the_demo_shows_a_document_in_force_and_the_case_reviewing_it(engine, db_url: str, tmp_path: Path):
    prepare(engine)
    made = create(Settings(database_url=db_url, key_dir=str(tmp_path / "keys")), TODAY)
    assert len(made) == 7
    document, case, appeal = made[3:6]
    [entry] = engine.registry.entries()
    assert (entry.procedure_id, entry.number, entry.status) == (document, DOCUMENT_NUMBER, "in_force")
    assert entry.filed_government and entry.filed_npc
    [review] = entry.incidental_reviews
    assert (review.procedure_id, review.pending) == (appeal, True)
    assert {i.spec for i in engine.procedures.get(case).open_items} == {"legal_review"}
    assert {i.spec for i in engine.procedures.get(appeal).open_items} == {"respondent_copy", "incidental_handling"}
    assert all(engine.history.verify(pid).ok for pid in made)
    assert create(Settings(database_url=db_url, key_dir=str(tmp_path / "keys")), TODAY) == []  # made once


def test_md_19_md_22_the_demo_has_a_decision_at_expert_argumentation_then_risk_assessment(engine, db_url: str,
                                                                                          tmp_path: Path):
    prepare(engine)
    made = create(Settings(database_url=db_url, key_dir=str(tmp_path / "keys")), TODAY)
    expert_case = engine.procedures.get(made[-1])
    assert {i.spec for i in expert_case.open_items} == {"expert_argumentation"}
    inbox = engine.tasks.inbox(engine.people.actor("expert"))
    assert [(i.procedure_id, i.spec) for i in inbox] == [(expert_case.id, "expert_argumentation")]
    assert engine.tasks.inbox(engine.people.actor("assessor")) == []  # its turn comes after the expert's

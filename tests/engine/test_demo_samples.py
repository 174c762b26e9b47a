"""The demo's sample procedures (`decisionflow serve --demo`), made through the services on a real database.

Besides the three major decisions, one procedure of each sister definition: a normative document
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
    assert len(made) == 6
    document, case, appeal = made[3:]
    [entry] = engine.registry.entries()
    assert (entry.procedure_id, entry.number, entry.status) == (document, DOCUMENT_NUMBER, "in_force")
    assert entry.filed_government and entry.filed_npc
    [review] = entry.incidental_reviews
    assert (review.procedure_id, review.pending) == (appeal, True)
    assert {i.spec for i in engine.procedures.get(case).open_items} == {"legal_review"}
    assert {i.spec for i in engine.procedures.get(appeal).open_items} == {"respondent_copy", "incidental_handling"}
    assert all(engine.history.verify(pid).ok for pid in made)
    assert create(Settings(database_url=db_url, key_dir=str(tmp_path / "keys")), TODAY) == []  # made once

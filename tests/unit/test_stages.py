"""The procedure at a glance (engine/domain/stages.py): each statutory stage done, pending, not required."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.clock import CST
from engine.domain.rulebook import RULES
from engine.domain.stages import DONE, NOT_REQUIRED, PENDING, UNDECIDED, board, stages
from engine.statutes import STATUTES


@dataclass(frozen=True)
class Step:
    step_kind: str
    title: str = "step"
    form: str | None = None
    by: str = "sponsor"
    org: str = "dev_reform"
    at: datetime = datetime(2026, 5, 6, 9, tzinfo=CST)
    data: dict[str, Any] = field(default_factory=dict)


def states(steps: list[Step], open_kinds: tuple[str, ...] = ()) -> dict[str, str]:
    return {row.stage.key: row.state for row in board("major_decision", steps, open_kinds)}


def test_md_19a_22a_the_drafting_facts_decide_which_stages_are_required():
    drafting = Step("drafting", "起草决策草案", "md_drafting", data={
        "professional_technical": True, "stability_or_safety_risk": False, "affects_market_entities": False,
        "affected_units": []})
    board_now = states([Step("proposal"), Step("initiation"), drafting], ("non_disclosure",))
    assert board_now["expert_argumentation"] == PENDING  # professional and technical: MD-19a requires it
    assert board_now["risk_assessment"] == NOT_REQUIRED and board_now["fair_competition"] == NOT_REQUIRED
    assert board_now["unit_consultation"] == NOT_REQUIRED  # no unit's duties touched (MD-13)
    assert board_now["public_participation"] == UNDECIDED  # the disclosure step is open, not done
    assert board_now["legality_review"] == PENDING and board_now["deliberation"] == PENDING  # always required
    row = next(r for r in board("major_decision", [drafting]) if r.stage.key == "expert_argumentation")
    assert row.decided is not None and row.decided.field == "professional_technical" and row.decided.value is True


def test_md_25a_a_stage_is_done_when_its_last_step_is_done_and_none_of_it_is_open():
    steps = [Step("review_submission"), Step("legal_opinion"),
             Step("legality_review", data={"opinion_document": {"sha256": "a" * 64, "filename": "意见书.pdf"}})]
    assert states(steps)["legality_review"] == DONE
    assert states(steps, ("legality_review",))["legality_review"] == PENDING  # returned: reviewed again
    row = next(r for r in board("major_decision", steps) if r.stage.key == "legality_review")
    assert [d["filename"] for d in row.documents] == ["意见书.pdf"] and len(row.steps) == 3


def test_md_14a_not_disclosed_means_no_public_participation_and_no_publication():
    disclosure = Step("non_disclosure", data={"disclosed": False, "npc_report_required": True})
    found = states([disclosure])
    assert found["public_participation"] == NOT_REQUIRED and found["publication"] == NOT_REQUIRED
    assert found["npc_report"] == PENDING


def test_df_stages_every_stage_cites_a_rule_of_the_rulebook_and_a_statute_without_stages_has_no_board():
    assert all(stage.rule in RULES for statute in STATUTES for stage in stages(statute))
    assert board("enforcement_review", [Step("enforcement_submission")]) == []

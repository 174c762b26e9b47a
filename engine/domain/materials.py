"""The materials a legality review request carries (MD-26a), and the MD-28a legal opinion.

The review page shows this checklist against the procedure's history, so the reviewer
sees at a glance what is there, what is missing, and what did not apply on this path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Material:
    key: str
    zh: str
    en: str
    step_kind: str
    field: str
    required: bool
    rule: str


REVIEW_MATERIALS: tuple[Material, ...] = (
    Material("draft", "送审的决策草案", "Draft submitted for review", "review_submission", "draft", True, "MD-26a"),
    Material("legal_basis", "法律依据", "Legal bases", "review_submission", "legal_basis", True, "MD-26a"),
    Material("procedures_account", "履行法定程序的说明", "Account of the statutory procedures performed",
             "review_submission", "procedures_account", True, "MD-26a"),
    Material("related_materials", "有关材料", "Related materials", "review_submission", "related_materials",
             False, "MD-26a"),
    Material("explanation", "起草说明", "Drafting explanation", "drafting", "explanation", True, "MD-26a"),
    Material("adoption_statement", "公众意见采纳情况说明", "Statement on the adoption of public opinions",
             "opinion_summary", "adoption_statement", False, "MD-26a"),
    Material("expert_opinion", "专家论证意见", "Expert argumentation opinion", "expert_argumentation", "opinion",
             False, "MD-26a"),
    Material("risk_report", "风险评估报告", "Risk assessment report", "risk_assessment", "report", False, "MD-26a"),
    Material("legal_opinion", "法律顾问、公职律师法律意见", "Legal adviser's or public lawyer's opinion",
             "legal_opinion", "opinion", True, "MD-28a"),
)


ENFORCEMENT_MATERIALS: tuple[Material, ...] = (
    Material("proposed_decision", "拟作出的执法决定", "Proposed enforcement decision", "enforcement_submission",
             "proposed_decision", True, "ER-4"),
    Material("review_report", "送审报告", "Review report (facts, basis, discretion)", "enforcement_submission",
             "review_report", True, "ER-4"),
    Material("evidence_file", "证据材料", "Evidence file", "enforcement_submission", "evidence_file", True, "ER-4"),
    Material("hearing_record", "听证笔录", "Hearing record", "enforcement_submission", "hearing_record", False,
             "ER-4"),
    Material("assessment_report", "鉴定意见、评估报告", "Expert or assessment report", "enforcement_submission",
             "assessment_report", False, "ER-4"),
)
"""ER-4: what a submission for the legal review of a major enforcement decision carries."""

ENFORCEMENT_CONDITIONS: dict[str, str] = {"hearing_record": "hearing_held", "assessment_report": "assessment_done"}
"""The optional materials and the submitted fact that makes each required."""


CHECKLIST_STEP_KINDS = frozenset({"legality_review", "legal_opinion"})
"""The steps whose page shows the MD-26a checklist: the reviewer's and the legal adviser's."""


class _Step(Protocol):
    step_kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class MaterialState:
    """One material against the record: `present`, `missing` (required), `not_given` (optional, its step
    done without it) or `not_applicable` (optional, its step not on this procedure's path)."""

    material: Material
    state: str
    value: Any


def checklist(steps: Iterable[_Step], materials: Iterable[Material] = REVIEW_MATERIALS) -> list[MaterialState]:
    """MD-26a's materials against the completed steps, the latest of each step kind counting."""
    latest: dict[str, Mapping[str, Any]] = {}
    for step in steps:
        latest[step.step_kind] = step.data
    rows = []
    for material in materials:
        data = latest.get(material.step_kind)
        value = data.get(material.field) if data is not None else None
        if value:
            state = "present"
        elif data is None and not material.required:
            state = "not_applicable"
        else:
            state = "missing" if material.required else "not_given"
        rows.append(MaterialState(material, state, value))
    return rows

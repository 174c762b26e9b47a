"""The compliance profile of a major decision: what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, MinimumTimer, PathRule, RequiredKinds
from engine.domain import errors
from engine.domain.separation import Apart, Duty, Independent
from engine.domain.stages import Condition, Stage
from engine.domain.steps import StepKind as K

DRAFT_CHANGES = (K.drafting, K.revision, K.supplement)
"""Steps after which the draft may differ from the one last reviewed (MD-28b)."""


def _draft_changes(graph: Graph) -> list[str]:
    return graph.of_kind(*DRAFT_CHANGES)


CHECKS: tuple[Check, ...] = (
    RequiredKinds("MD-10", (K.initiation,), "the decision organ's launch decision is missing"),
    RequiredKinds("MD-12a", (K.drafting,), "drafting is missing"),
    RequiredKinds("MD-14a", (K.public_comment,), "public participation is missing"),
    RequiredKinds("MD-14a", (K.non_disclosure,), "the non-disclosure determination (the only way around "
                  "public participation) is missing"),
    RequiredKinds("MD-25a", (K.legality_review,), "the legality review is missing"),
    RequiredKinds("MD-28a", (K.legal_opinion,), "the legal adviser's or public lawyer's opinion is missing"),
    RequiredKinds("MD-30a", (K.deliberation,), "collective deliberation is missing"),
    RequiredKinds("MD-31", (K.party_report,), "the report to the party committee is missing"),
    RequiredKinds("MD-32", (K.publication,), "publication is missing"),
    RequiredKinds("MD-33a", (K.archiving,), "archiving is missing"),
    PathRule("MD-25b", Graph.starts, (K.deliberation,), (K.legality_review,),
             "a path reaches deliberation without a legality review"),
    PathRule("MD-28b", _draft_changes, (K.deliberation,), (K.legality_review,),
             "after the draft changes, a path reaches deliberation without a new legality review"),
    PathRule("MD-31", Graph.starts, (K.party_report,), (K.deliberation,),
             "a path reaches the party report before deliberation"),
    PathRule("MD-31", Graph.starts, (K.publication,), (K.party_report,),
             "a path publishes without the report to the party committee"),
    PathRule("MD-32", Graph.starts, (K.publication,), (K.deliberation,),
             "a path publishes a decision that was not deliberated"),
    PathRule("MD-33a", Graph.starts, ("end",), (K.archiving,), "a path ends the procedure without archiving"),
    MinimumTimer("MD-15b", K.public_comment, 30, "urgent_comment"),
    RequiredKinds("SC-5", (K.consistency_assessment,), "the consistency assessments a county may require are missing"),
    RequiredKinds("SC-6", (K.party_group_review,), "the party group's prior review a county may require is missing"),
)

_SPONSOR = frozenset({"sponsor"})
STEP_ROLES: dict[str, frozenset[str]] = {
    K.proposal: _SPONSOR, K.drafting: _SPONSOR, K.consultation: _SPONSOR, K.public_comment: _SPONSOR,
    K.hearing: _SPONSOR, K.opinion_summary: _SPONSOR, K.consistency_assessment: _SPONSOR,
    K.review_submission: _SPONSOR, K.supplement: _SPONSOR, K.revision: _SPONSOR,
    K.initiation: frozenset({"decision_organ"}), K.party_group_review: frozenset({"decision_organ"}),
    K.non_disclosure: frozenset({"gov_office"}), K.npc_report: frozenset({"gov_office"}),
    K.publication: frozenset({"gov_office"}), K.archiving: frozenset({"gov_office"}),
    K.expert_argumentation: frozenset({"expert"}), K.risk_assessment: frozenset({"risk_assessor"}),
    K.fair_competition_review: frozenset({"fair_competition_reviewer"}),
    K.legality_review: frozenset({"legality_reviewer"}),
    K.legal_opinion: frozenset({"legal_adviser", "public_lawyer"}),
    K.deliberation: frozenset({"meeting_secretary"}), K.party_report: frozenset({"party_liaison"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "md_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset({"comment_closes_at"})
"""The dates its guards compute (guards.py) that a timeDate may name."""

TRIGGERS: dict[str, str] = {K.public_comment: "consultation", K.opinion_summary: "consultation"}
"""Step kind → what its completion hands on to, in the same transaction: opening the public call for
comments opens it on the public portal (MD-15a), summarising the opinions closes it (MD-18)."""

DUE_DATES: frozenset[str] = frozenset({"review_due"})
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = (
    Independent((K.legality_review, K.legal_opinion, K.expert_argumentation)),
    Apart((K.drafting, K.revision, K.supplement, K.review_submission), (K.legality_review, K.legal_opinion),
          errors.AuthorMayNotReview),
)

STAGES: tuple[Stage, ...] = (
    Stage("unit_consultation", "征求有关单位意见", "Consulting the units concerned", "MD-13", ("consultation",),
          Condition("drafting", "affected_units")),
    Stage("public_participation", "公众参与", "Public participation", "MD-14a",
          ("public_comment", "opinion_summary", "hearing"), Condition("non_disclosure", "disclosed"),
          completes="opinion_summary"),
    Stage("expert_argumentation", "专家论证", "Expert argumentation", "MD-19a", ("expert_argumentation",),
          Condition("drafting", "professional_technical")),
    Stage("risk_assessment", "风险评估", "Risk assessment", "MD-22a", ("risk_assessment",),
          Condition("drafting", "stability_or_safety_risk")),
    Stage("fair_competition", "公平竞争审查", "Fair competition review", "MD-29", ("fair_competition_review",),
          Condition("drafting", "affects_market_entities")),
    Stage("legality_review", "合法性审查", "Legality review", "MD-25a",
          ("review_submission", "legal_opinion", "legality_review")),
    Stage("deliberation", "集体讨论决定", "Collective deliberation and decision", "MD-30a", ("deliberation",)),
    Stage("npc_report", "向人大常委会报告", "Report to the people's congress standing committee", "MD-8",
          ("npc_report",), Condition("non_disclosure", "npc_report_required")),
    Stage("party_report", "向同级党委请示报告", "Report to the party committee", "MD-31", ("party_report",)),
    Stage("publication", "公布与解读", "Publication and interpretation", "MD-32", ("publication",),
          Condition("non_disclosure", "disclosed")),
    Stage("archiving", "归档", "Archiving", "MD-33a", ("archiving",)),
    )
"""The procedure at a glance (engine/domain/stages.py): its statutory stages, each with its rule, steps and
the fact that decides whether it is required."""

"""The compliance profile of the legal review of major enforcement decisions:
what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, PathRule, RequiredKinds
from engine.domain import errors
from engine.domain.known_facts import Staff
from engine.domain.separation import Apart, Duty
from engine.domain.steps import StepKind as K


def _resubmissions(graph: Graph) -> list[str]:
    return graph.of_kind(K.enforcement_supplement)


CHECKS: tuple[Check, ...] = (
    RequiredKinds("ER-4", (K.enforcement_submission,), "the enforcement unit's submission for legal review is missing"),
    RequiredKinds("ER-2", (K.enforcement_legal_review,), "the legal review is missing"),
    RequiredKinds("ER-2", (K.enforcement_decision,), "the step recording the enforcement decision is missing"),
    RequiredKinds("ER-6", (K.enforcement_supplement,), "the supplement / resubmission after a review is missing"),
    RequiredKinds("ER-8", (K.collective_discussion,), "the heads' collective discussion of heavy penalties is missing"),
    PathRule("ER-4", Graph.starts, (K.enforcement_legal_review,), (K.enforcement_submission,),
             "a path reaches the legal review before the enforcement unit submits"),
    PathRule("ER-2", Graph.starts, (K.enforcement_decision, K.collective_discussion), (K.enforcement_legal_review,),
             "a path decides without the legal review"),
    PathRule("ER-6", _resubmissions, (K.enforcement_decision, K.collective_discussion),
             (K.enforcement_legal_review, K.coordination),
             "after a supplement or resubmission, a path decides without a fresh legal review or the heads' "
             "coordination of an objection"),
    PathRule("ER-2", Graph.starts, ("end",), (K.enforcement_decision, K.judicial_transfer),
             "a path ends without the recorded decision or the transfer to the judicial organs"),
    RequiredKinds("ER-6", (K.coordination,), "the heads' coordination of an objection to the opinion is missing"),
    RequiredKinds("ER-5", (K.judicial_transfer,),
                  "the transfer of a suspected crime to the judicial organs is missing"),
    PathRule("ER-5", Graph.starts, (K.judicial_transfer,), (K.enforcement_legal_review,),
             "a path transfers the case before the legal review"),
)

STEP_ROLES: dict[str, frozenset[str]] = {
    K.enforcement_submission: frozenset({"enforcement_unit"}),
    K.enforcement_supplement: frozenset({"enforcement_unit"}),
    K.enforcement_legal_review: frozenset({"legal_office"}),
    K.collective_discussion: frozenset({"enforcement_head"}), K.coordination: frozenset({"enforcement_head"}),
    K.enforcement_decision: frozenset({"enforcement_head"}), K.judicial_transfer: frozenset({"enforcement_head"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "er_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset()
"""The dates its guards compute (guards.py) that a timeDate may name."""

DUE_DATES: frozenset[str] = frozenset({"review_due"})
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = (
    Apart((K.enforcement_submission, K.enforcement_supplement), (K.enforcement_legal_review,),
          errors.InvestigatorMayNotReview),
)

_HEADS = (Staff("participants", "出席的负责人", errors.HeadNotRegistered, errors.HeadRepeated, "enforcement_head"),)
STAFF: dict[str, tuple[Staff, ...]] = {
    "er_submission": (Staff("investigators", "调查人员", errors.InvestigatorNotRegistered, errors.InvestigatorRepeated,
                            organ=False),),
    "er_coordination": _HEADS,
    "er_collective": _HEADS,
}
"""Form → the people it names who must be the registry's: investigators are accounts (ER-3's separation
keys on them), the heads who discuss are the organ's registered heads (ER-8)."""

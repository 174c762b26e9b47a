"""The compliance profile of clean-ups of normative documents:
what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, PathRule, RequiredKinds
from engine.domain.separation import Duty
from engine.domain.steps import StepKind as K


def _cleanup_reviews(graph: Graph) -> list[str]:
    return graph.of_kind(K.cleanup_review)


CHECKS: tuple[Check, ...] = (
    RequiredKinds("ND-9", (K.cleanup,), "opening the clean-up over the registry (its scope) is missing"),
    RequiredKinds("ND-9", (K.cleanup_review,), "the review giving each document continue, amend or repeal is missing"),
    RequiredKinds("ND-9", (K.cleanup_approval,), "the leadership's approval of the clean-up's result is missing"),
    RequiredKinds("ND-9", (K.cleanup_publication,), "the publication of the lists is missing"),
    PathRule("ND-9", Graph.starts, (K.cleanup_review,), (K.cleanup,),
             "a path reviews documents before the scope is taken"),
    PathRule("ND-9", Graph.starts, (K.cleanup_approval, K.cleanup_publication), (K.cleanup_review,),
             "a path approves or publishes a clean-up whose documents were not reviewed"),
    PathRule("ND-9", _cleanup_reviews, (K.cleanup_publication,), (K.cleanup_approval,),
             "after the review, a path publishes the lists without the leadership's approval"),
    PathRule("ND-9", Graph.starts, ("end",), (K.cleanup_publication,),
             "a path ends the clean-up without publishing the lists"),
)

STEP_ROLES: dict[str, frozenset[str]] = {
    K.cleanup: frozenset({"legality_reviewer"}), K.cleanup_review: frozenset({"legality_reviewer"}),
    K.cleanup_approval: frozenset({"head"}), K.cleanup_publication: frozenset({"gov_office"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "ndc_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset()
"""The dates its guards compute (guards.py) that a timeDate may name."""

DUE_DATES: frozenset[str] = frozenset()
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = ()

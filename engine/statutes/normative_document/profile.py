"""The compliance profile of normative documents: what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, PathRule, RequiredKinds
from engine.domain import errors
from engine.domain.separation import Apart, Duty
from engine.domain.stages import Stage
from engine.domain.steps import StepKind as K


def _nd_draft_changes(graph: Graph) -> list[str]:
    return graph.of_kind(K.nd_drafting, K.nd_review_submission, K.nd_revision)


CHECKS: tuple[Check, ...] = (
    RequiredKinds("ND-1", (K.nd_drafting,), "drafting with the normative-document qualification is missing"),
    RequiredKinds("ND-3", (K.nd_public_comment,), "the public comment on documents of major effect is missing"),
    RequiredKinds("ND-4", (K.nd_legality_review,), "the legality review is missing"),
    RequiredKinds("ND-5", (K.nd_collective_review,), "the collective review is missing"),
    RequiredKinds("ND-5", (K.signing,), "the principal head's signature is missing"),
    RequiredKinds("ND-6", (K.registration,), "the unified registration and numbering is missing"),
    RequiredKinds("ND-6", (K.nd_publication,), "the publication is missing"),
    RequiredKinds("ND-7", (K.filing,), "the filing with the higher government and the standing committee is missing"),
    PathRule("ND-4", Graph.starts, (K.nd_collective_review,), (K.nd_legality_review,),
             "a path reaches the collective review without a legality review"),
    PathRule("ND-4", _nd_draft_changes, (K.nd_collective_review,), (K.nd_legality_review,),
             "after the draft changes, a path reaches the collective review without a new legality review"),
    PathRule("ND-5", Graph.starts, (K.signing, K.registration), (K.nd_collective_review,),
             "a path signs or registers a document that was not collectively reviewed"),
    PathRule("ND-6", Graph.starts, (K.nd_publication,), (K.registration,),
             "a path publishes without the unified registration number"),
    PathRule("ND-7", Graph.starts, (K.filing,), (K.nd_publication,), "a path files a document before it is published"),
    PathRule("ND-7", Graph.starts, ("end",), (K.filing,), "a path ends without filing"),
    RequiredKinds("ND-8", (K.nd_validity_evaluation,), "the evaluation before the validity period expires is missing"),
    PathRule("ND-8", Graph.starts, (K.nd_validity_evaluation,), (K.filing,),
             "a path evaluates the validity of a document that was never filed"),
)

_SPONSOR = frozenset({"sponsor"})
STEP_ROLES: dict[str, frozenset[str]] = {
    K.nd_drafting: _SPONSOR, K.nd_public_comment: _SPONSOR, K.nd_review_submission: _SPONSOR,
    K.nd_revision: _SPONSOR, K.nd_validity_evaluation: _SPONSOR,
    K.nd_legality_review: frozenset({"legality_reviewer"}),
    K.nd_collective_review: frozenset({"head"}), K.signing: frozenset({"head"}),
    K.registration: frozenset({"gov_office"}), K.nd_publication: frozenset({"gov_office"}),
    K.filing: frozenset({"gov_office"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "nd_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset({"comment_closes_at", "evaluation_due_at", "lapses_at"})
"""The dates its guards compute (guards.py) that a timeDate may name."""

DUE_DATES: frozenset[str] = frozenset({"filing_due", "review_due", "valid_until"})
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = (
    Apart((K.nd_drafting, K.nd_public_comment, K.nd_review_submission, K.nd_revision), (K.nd_legality_review,),
          errors.DrafterMayNotReview),
)

STAGES: tuple[Stage, ...] = (
    Stage("public_comment", "公开征求意见", "Public comment", "ND-3", ("nd_public_comment",)),
    Stage("legality_review", "合法性审核", "Legality review", "ND-4",
          ("nd_review_submission", "nd_legality_review")),
    Stage("collective_review", "集体审议", "Collective review", "ND-5", ("nd_collective_review",)),
    Stage("registration", "统一登记、编号、印发", "Registration, numbering and issue", "ND-6",
          ("signing", "registration", "nd_publication")),
    Stage("filing", "备案", "Filing", "ND-7", ("filing",)),
    )
"""The procedure at a glance (engine/domain/stages.py): its statutory stages, each with its rule, steps and
the fact that decides whether it is required."""

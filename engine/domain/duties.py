"""Separation of duties: the steps of one procedure the law keeps apart, declared once per statute.

Each statute's list is named like its compliance profile (engine/bpmn/profiles.py). `Apart` says
one person never does a step of one side and a step of the other in the same procedure, whatever
roles they hold (the check runs both ways, on the person's account, not on the role they act in);
`Independent` says nobody of the procedure's sponsoring organisation does these steps. The checks key
on step kinds, the statutes' own vocabulary, so a definition that declares no statute is bound too.
`engine.domain.rules.require_separation` applies them at every door that gives a person a step.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain import errors as e
from engine.domain.steps import StepKind as K


@dataclass(frozen=True)
class Apart:
    """Nobody who did a step of `one` does a step of `other` in the same procedure, nor the reverse."""

    one: tuple[K, ...]
    other: tuple[K, ...]
    barred: type[e.DutiesApart]

    @property
    def rule(self) -> str:
        return self.barred.rule

    def across(self, kind: str) -> tuple[K, ...]:
        """The step kinds a person who does `kind` may not also have done."""
        return (self.other if kind in self.one else ()) + (self.one if kind in self.other else ())


@dataclass(frozen=True)
class Independent:
    """MD-25a: the sponsoring organisation never does these steps itself."""

    kinds: tuple[K, ...]
    rule: str = e.SponsorMayNotReview.rule


Duty = Apart | Independent

MAJOR_DECISION: tuple[Duty, ...] = (
    Independent((K.legality_review, K.legal_opinion, K.expert_argumentation)),
    Apart((K.drafting, K.revision, K.supplement, K.review_submission), (K.legality_review, K.legal_opinion),
          e.AuthorMayNotReview),
)

DECISION_EXECUTION: tuple[Duty, ...] = (
    # MD-36b bars the unit that argued or assessed (an organisation, checked by the evaluator's appointment);
    # within one procedure the person never evaluates their own argumentation or assessment.
    Apart((K.expert_argumentation, K.risk_assessment), (K.post_evaluation,), e.AssessorMayNotEvaluate),
)

ENFORCEMENT_REVIEW: tuple[Duty, ...] = (
    Apart((K.enforcement_submission, K.enforcement_supplement), (K.enforcement_legal_review,),
          e.InvestigatorMayNotReview),
)

NORMATIVE_DOCUMENT: tuple[Duty, ...] = (
    Apart((K.nd_drafting, K.nd_public_comment, K.nd_review_submission, K.nd_revision), (K.nd_legality_review,),
          e.DrafterMayNotReview),
)

RECONSIDERATION: tuple[Duty, ...] = (
    Apart((K.respondent_reply, K.opinion_letter_reply),
          (K.acceptance_review, K.case_review, K.case_hearing, K.reconsideration_decision, K.extension,
           K.incidental_review, K.incidental_conclusion),
          e.RespondentMayNotHear),
)

DUTIES: dict[str, tuple[Duty, ...]] = {
    "major_decision": MAJOR_DECISION,
    "decision_execution": DECISION_EXECUTION,
    "enforcement_review": ENFORCEMENT_REVIEW,
    "normative_document": NORMATIVE_DOCUMENT,
    "nd_cleanup": (),
    "reconsideration": RECONSIDERATION,
}


NAMED_DOERS: dict[str, str] = {
    "enforcement_submission": "investigators",
}
"""ER-3: the persons a step names in this field count as having done it — every investigator the
submission lists, not only the account that sent it — at every door (page, claim, complete, inbox)."""


def apart_for(kind: str) -> tuple[Apart, ...]:
    """The pairs that constrain whoever does a step of `kind`."""
    return tuple(d for duties in DUTIES.values() for d in duties if isinstance(d, Apart) and d.across(kind))


def independent(kind: str) -> bool:
    return any(isinstance(d, Independent) and kind in d.kinds for duties in DUTIES.values() for d in duties)


def earlier_kinds(kind: str) -> tuple[str, ...]:
    """Every step kind whose doer may not do `kind`: what the history query asks for (none: no query)."""
    return tuple(sorted({str(k) for d in apart_for(kind) for k in d.across(kind)}))

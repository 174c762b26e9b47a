"""The statutes' ordering rules, as compliance checks on a definition's graph.

A process declares its statute with `spiffworkflow:property name="statute"`; deploy
and `decisionflow check` then refuse it unless every rule of that statute holds on
every path. Sister procedures (ND, ER, RC) add their profiles here.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, MinimumTimer, PathRule, RequiredKinds
from engine.domain.steps import StepKind as K

DRAFT_CHANGES = (K.drafting, K.revision, K.supplement)
"""Steps after which the draft may differ from the one last reviewed (MD-28b)."""


def _starts(graph: Graph) -> list[str]:
    return graph.starts()


def _draft_changes(graph: Graph) -> list[str]:
    return graph.of_kind(*DRAFT_CHANGES)


MAJOR_DECISION: tuple[Check, ...] = (
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
    PathRule("MD-25b", _starts, (K.deliberation,), (K.legality_review,),
             "a path reaches deliberation without a legality review"),
    PathRule("MD-28b", _draft_changes, (K.deliberation,), (K.legality_review,),
             "after the draft changes, a path reaches deliberation without a new legality review"),
    PathRule("MD-31", _starts, (K.party_report,), (K.deliberation,),
             "a path reaches the party report before deliberation"),
    PathRule("MD-31", _starts, (K.publication,), (K.party_report,),
             "a path publishes without the report to the party committee"),
    PathRule("MD-32", _starts, (K.publication,), (K.deliberation,),
             "a path publishes a decision that was not deliberated"),
    PathRule("MD-33a", _starts, ("end",), (K.archiving,), "a path ends the procedure without archiving"),
    MinimumTimer("MD-15b", K.public_comment, 30, "urgent_comment"),
    RequiredKinds("SC-5", (K.consistency_assessment,), "the consistency assessments a county may require are missing"),
    RequiredKinds("SC-6", (K.party_group_review,), "the party group's prior review a county may require is missing"),
)

DECISION_EXECUTION: tuple[Check, ...] = (
    RequiredKinds("MD-34", (K.execution,), "naming the execution unit is missing"),
    RequiredKinds("MD-37b", (K.suspension,), "the head's decision on reported problems (suspension) is missing"),
    PathRule("MD-34", _starts, (K.execution_report, K.post_evaluation), (K.execution,),
             "a path reports or evaluates before the execution unit is named"),
)



def _resubmissions(graph: Graph) -> list[str]:
    return graph.of_kind(K.enforcement_supplement)


ENFORCEMENT_REVIEW: tuple[Check, ...] = (
    RequiredKinds("ER-4", (K.enforcement_submission,), "the enforcement unit's submission for legal review is missing"),
    RequiredKinds("ER-2", (K.enforcement_legal_review,), "the legal review is missing"),
    RequiredKinds("ER-2", (K.enforcement_decision,), "the step recording the enforcement decision is missing"),
    RequiredKinds("ER-6", (K.enforcement_supplement,), "the supplement / resubmission after a review is missing"),
    RequiredKinds("ER-8", (K.collective_discussion,), "the heads' collective discussion of heavy penalties is missing"),
    PathRule("ER-4", _starts, (K.enforcement_legal_review,), (K.enforcement_submission,),
             "a path reaches the legal review before the enforcement unit submits"),
    PathRule("ER-2", _starts, (K.enforcement_decision, K.collective_discussion), (K.enforcement_legal_review,),
             "a path decides without the legal review"),
    PathRule("ER-6", _resubmissions, (K.enforcement_decision, K.collective_discussion),
             (K.enforcement_legal_review, K.coordination),
             "after a supplement or resubmission, a path decides without a fresh legal review or the heads' "
             "coordination of an objection"),
    PathRule("ER-2", _starts, ("end",), (K.enforcement_decision, K.judicial_transfer),
             "a path ends without the recorded decision or the transfer to the judicial organs"),
    RequiredKinds("ER-6", (K.coordination,), "the heads' coordination of an objection to the opinion is missing"),
    RequiredKinds("ER-5", (K.judicial_transfer,),
                  "the transfer of a suspected crime to the judicial organs is missing"),
    PathRule("ER-5", _starts, (K.judicial_transfer,), (K.enforcement_legal_review,),
             "a path transfers the case before the legal review"),
)

def _nd_draft_changes(graph: Graph) -> list[str]:
    return graph.of_kind(K.nd_drafting, K.nd_review_submission, K.nd_revision)


NORMATIVE_DOCUMENT: tuple[Check, ...] = (
    RequiredKinds("ND-1", (K.nd_drafting,), "drafting with the normative-document qualification is missing"),
    RequiredKinds("ND-3", (K.nd_public_comment,), "the public comment on documents of major effect is missing"),
    RequiredKinds("ND-4", (K.nd_legality_review,), "the legality review is missing"),
    RequiredKinds("ND-5", (K.nd_collective_review,), "the collective review is missing"),
    RequiredKinds("ND-5", (K.signing,), "the principal head's signature is missing"),
    RequiredKinds("ND-6", (K.registration,), "the unified registration and numbering is missing"),
    RequiredKinds("ND-6", (K.nd_publication,), "the publication is missing"),
    RequiredKinds("ND-7", (K.filing,), "the filing with the higher government and the standing committee is missing"),
    PathRule("ND-4", _starts, (K.nd_collective_review,), (K.nd_legality_review,),
             "a path reaches the collective review without a legality review"),
    PathRule("ND-4", _nd_draft_changes, (K.nd_collective_review,), (K.nd_legality_review,),
             "after the draft changes, a path reaches the collective review without a new legality review"),
    PathRule("ND-5", _starts, (K.signing, K.registration), (K.nd_collective_review,),
             "a path signs or registers a document that was not collectively reviewed"),
    PathRule("ND-6", _starts, (K.nd_publication,), (K.registration,),
             "a path publishes without the unified registration number"),
    PathRule("ND-7", _starts, (K.filing,), (K.nd_publication,), "a path files a document before it is published"),
    PathRule("ND-7", _starts, ("end",), (K.filing,), "a path ends without filing"),
    RequiredKinds("ND-8", (K.nd_validity_evaluation,), "the evaluation before the validity period expires is missing"),
    PathRule("ND-8", _starts, (K.nd_validity_evaluation,), (K.filing,),
             "a path evaluates the validity of a document that was never filed"),
)


def _cleanup_reviews(graph: Graph) -> list[str]:
    return graph.of_kind(K.cleanup_review)


ND_CLEANUP: tuple[Check, ...] = (
    RequiredKinds("ND-9", (K.cleanup,), "opening the clean-up over the registry (its scope) is missing"),
    RequiredKinds("ND-9", (K.cleanup_review,), "the review giving each document continue, amend or repeal is missing"),
    RequiredKinds("ND-9", (K.cleanup_approval,), "the leadership's approval of the clean-up's result is missing"),
    RequiredKinds("ND-9", (K.cleanup_publication,), "the publication of the lists is missing"),
    PathRule("ND-9", _starts, (K.cleanup_review,), (K.cleanup,), "a path reviews documents before the scope is taken"),
    PathRule("ND-9", _starts, (K.cleanup_approval, K.cleanup_publication), (K.cleanup_review,),
             "a path approves or publishes a clean-up whose documents were not reviewed"),
    PathRule("ND-9", _cleanup_reviews, (K.cleanup_publication,), (K.cleanup_approval,),
             "after the review, a path publishes the lists without the leadership's approval"),
    PathRule("ND-9", _starts, ("end",), (K.cleanup_publication,),
             "a path ends the clean-up without publishing the lists"),
)


def _corrections(graph: Graph) -> list[str]:
    return graph.of_kind(K.correction)


def _extensions(graph: Graph) -> list[str]:
    return graph.of_kind(K.extension)


def _suspensions(graph: Graph) -> list[str]:
    return graph.of_kind(K.suspension)


def _incidental_reviews(graph: Graph) -> list[str]:
    return graph.of_kind(K.incidental_review)


RECONSIDERATION: tuple[Check, ...] = (
    RequiredKinds("RC-4", (K.acceptance_review,), "the acceptance review is missing"),
    RequiredKinds("RC-5", (K.correction,), "the applicant's correction after a notice is missing"),
    RequiredKinds("RC-9", (K.respondent_copy,), "the copy of the application to the respondent is missing"),
    RequiredKinds("RC-9", (K.respondent_reply,), "the respondent's reply is missing"),
    RequiredKinds("RC-10", (K.case_hearing,), "the hearing (mandatory in major or complex cases) is missing"),
    RequiredKinds("RC-12", (K.extension,), "the approved extension of the decision period is missing"),
    RequiredKinds("RC-13", (K.reconsideration_decision,), "the reconsideration decision is missing"),
    PathRule("RC-4", _starts, (K.respondent_copy, K.respondent_reply, K.case_review, K.reconsideration_decision),
             (K.acceptance_review,), "a path handles the case without the acceptance review"),
    PathRule("RC-5", _corrections, (K.respondent_copy, K.reconsideration_decision), (K.acceptance_review,),
             "after the applicant's correction, a path goes on without a new acceptance review"),
    PathRule("RC-9", _starts, (K.respondent_reply,), (K.respondent_copy,),
             "a path asks for the reply before the respondent has the copy"),
    PathRule("RC-9", _starts, (K.case_review, K.reconsideration_decision), (K.respondent_reply,),
             "a path reviews or decides without the respondent's reply"),
    PathRule("RC-12", _extensions, ("end",), (K.reconsideration_decision,),
             "after an extension, a path ends without the decision"),
    PathRule("RC-7", _suspensions, (K.reconsideration_decision,), (K.resumption,),
             "after a suspension, a path decides without resuming the case"),
    RequiredKinds("RC-14", (K.incidental_review,), "the incidental review of a normative document is missing"),
    RequiredKinds("RC-14", (K.incidental_conclusion,), "the conclusion of the incidental review is missing"),
    PathRule("RC-14", _incidental_reviews, (K.reconsideration_decision,), (K.incidental_conclusion,),
             "after an incidental review is handled or forwarded, a path decides without its conclusion"),
    RequiredKinds("RC-15", (K.opinion_letter_reply,), "the report on an opinion letter's corrections is missing"),
    PathRule("RC-15", _starts, (K.opinion_letter_reply,), (K.reconsideration_decision,),
             "a path asks for corrections before the decision and its opinion letter"),
)

PROFILES: dict[str, tuple[Check, ...]] = {
    "major_decision": MAJOR_DECISION,
    "decision_execution": DECISION_EXECUTION,
    "enforcement_review": ENFORCEMENT_REVIEW,
    "normative_document": NORMATIVE_DOCUMENT,
    "nd_cleanup": ND_CLEANUP,
    "reconsideration": RECONSIDERATION,
}

NOT_STATUTORY = "none"
"""`statute="none"`: a definition that runs no statutory procedure (generic steps and forms only)."""

_SPONSOR = frozenset({"sponsor"})
STEP_ROLES: dict[str, dict[str, frozenset[str]]] = {
    "major_decision": {
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
    },
    "decision_execution": {
        K.execution: frozenset({"decision_organ"}), K.execution_report: frozenset({"executor"}),
        K.post_evaluation: frozenset({"decision_organ", "evaluator"}),
        K.suspension: frozenset({"head"}), K.adjustment: frozenset({"head"}),
    },
    "enforcement_review": {
        K.enforcement_submission: frozenset({"enforcement_unit"}),
        K.enforcement_supplement: frozenset({"enforcement_unit"}),
        K.enforcement_legal_review: frozenset({"legal_office"}),
        K.collective_discussion: frozenset({"enforcement_head"}), K.coordination: frozenset({"enforcement_head"}),
        K.enforcement_decision: frozenset({"enforcement_head"}), K.judicial_transfer: frozenset({"enforcement_head"}),
    },
    "normative_document": {
        K.nd_drafting: _SPONSOR, K.nd_public_comment: _SPONSOR, K.nd_review_submission: _SPONSOR,
        K.nd_revision: _SPONSOR, K.nd_validity_evaluation: _SPONSOR,
        K.nd_legality_review: frozenset({"legality_reviewer"}),
        K.nd_collective_review: frozenset({"head"}), K.signing: frozenset({"head"}),
        K.registration: frozenset({"gov_office"}), K.nd_publication: frozenset({"gov_office"}),
        K.filing: frozenset({"gov_office"}),
    },
    "nd_cleanup": {
        K.cleanup: frozenset({"legality_reviewer"}), K.cleanup_review: frozenset({"legality_reviewer"}),
        K.cleanup_approval: frozenset({"head"}), K.cleanup_publication: frozenset({"gov_office"}),
    },
    "reconsideration": {
        **{kind: frozenset({"reconsideration_office"}) for kind in (
            K.application, K.acceptance_review, K.correction, K.respondent_copy, K.case_hearing, K.case_review,
            K.suspension, K.resumption, K.incidental_review, K.incidental_conclusion)},
        K.respondent_reply: frozenset({"respondent"}), K.opinion_letter_reply: frozenset({"respondent"}),
        K.extension: frozenset({"reconsideration_head"}),
        K.reconsideration_decision: frozenset({"reconsideration_head"}),
    },
}
"""Statute → the statutory step kinds it has → the roles whose lane may hold each (regulation.md's
glossary: the sponsoring unit drafts, the justice bureau reviews legality, the organ's meeting decides…).
A kind its statute does not list is not a step of that procedure; `generic` steps go in any lane."""

FORM_PREFIXES: dict[str, str] = {
    "major_decision": "md_", "decision_execution": "ex_", "enforcement_review": "er_",
    "normative_document": "nd_", "nd_cleanup": "ndc_", "reconsideration": "rc_",
}
"""Statute → the prefix of its forms (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: dict[str, frozenset[str]] = {
    "major_decision": frozenset({"comment_closes_at"}),
    "normative_document": frozenset({"comment_closes_at", "evaluation_due_at", "lapses_at"}),
    "reconsideration": frozenset({"acceptance_deemed_at", "correction_lapses_at"}),
}
"""Statute → the dates its guards compute (engine/statutes/<statute>/guards.py) that a timeDate may name."""

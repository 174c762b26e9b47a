"""The compliance profile of administrative reconsideration:
what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, PathRule, RequiredKinds
from engine.domain import errors
from engine.domain.known_facts import Staff
from engine.domain.separation import Apart, Duty
from engine.domain.steps import StepKind as K


def _corrections(graph: Graph) -> list[str]:
    return graph.of_kind(K.correction)


def _extensions(graph: Graph) -> list[str]:
    return graph.of_kind(K.extension)


def _suspensions(graph: Graph) -> list[str]:
    return graph.of_kind(K.suspension)


def _incidental_reviews(graph: Graph) -> list[str]:
    return graph.of_kind(K.incidental_review)


CHECKS: tuple[Check, ...] = (
    RequiredKinds("RC-4", (K.acceptance_review,), "the acceptance review is missing"),
    RequiredKinds("RC-5", (K.correction,), "the applicant's correction after a notice is missing"),
    RequiredKinds("RC-9", (K.respondent_copy,), "the copy of the application to the respondent is missing"),
    RequiredKinds("RC-9", (K.respondent_reply,), "the respondent's reply is missing"),
    RequiredKinds("RC-10", (K.case_hearing,), "the hearing (mandatory in major or complex cases) is missing"),
    RequiredKinds("RC-12", (K.extension,), "the approved extension of the decision period is missing"),
    RequiredKinds("RC-13", (K.reconsideration_decision,), "the reconsideration decision is missing"),
    PathRule("RC-4", Graph.starts, (K.respondent_copy, K.respondent_reply, K.case_review, K.reconsideration_decision),
             (K.acceptance_review,), "a path handles the case without the acceptance review"),
    PathRule("RC-5", _corrections, (K.respondent_copy, K.reconsideration_decision), (K.acceptance_review,),
             "after the applicant's correction, a path goes on without a new acceptance review"),
    PathRule("RC-9", Graph.starts, (K.respondent_reply,), (K.respondent_copy,),
             "a path asks for the reply before the respondent has the copy"),
    PathRule("RC-9", Graph.starts, (K.case_review, K.reconsideration_decision), (K.respondent_reply,),
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
    PathRule("RC-15", Graph.starts, (K.opinion_letter_reply,), (K.reconsideration_decision,),
             "a path asks for corrections before the decision and its opinion letter"),
)

STEP_ROLES: dict[str, frozenset[str]] = {
    **{kind: frozenset({"reconsideration_office"}) for kind in (
        K.application, K.acceptance_review, K.correction, K.respondent_copy, K.case_hearing, K.case_review,
        K.suspension, K.resumption, K.incidental_review, K.incidental_conclusion)},
    K.respondent_reply: frozenset({"respondent"}), K.opinion_letter_reply: frozenset({"respondent"}),
    K.extension: frozenset({"reconsideration_head"}),
    K.reconsideration_decision: frozenset({"reconsideration_head"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "rc_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset({"acceptance_deemed_at", "correction_lapses_at"})
"""The dates its guards compute (guards.py) that a timeDate may name."""

DUE_DATES: frozenset[str] = frozenset({"acceptance_due", "case_due", "copy_due", "correction_due", "incidental_due",
                                   "opinion_letter_reply_due", "reply_due"})
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = (
    Apart((K.respondent_reply, K.opinion_letter_reply),
          (K.acceptance_review, K.case_review, K.case_hearing, K.reconsideration_decision, K.extension,
           K.incidental_review, K.incidental_conclusion),
          errors.RespondentMayNotHear),
)

_OFFICE = "reconsideration_office"
STAFF: dict[str, tuple[Staff, ...]] = {
    "rc_case_review": (Staff("investigation_officers", "调查人员", errors.OfficerNotRegistered,
                             errors.PanelMemberRepeated, _OFFICE),),
    "rc_hearing": (
        Staff("presiding_officer", "主持人", errors.OfficerNotRegistered, errors.PanelMemberRepeated, _OFFICE),
        Staff("hearing_officers", "听证员", errors.OfficerNotRegistered, errors.PanelMemberRepeated, _OFFICE),
        Staff("recorder", "记录员", errors.OfficerNotRegistered, errors.PanelMemberRepeated),
    ),
}
"""Form → the people it names who must be the registry's: investigators (RC-8) and the hearing's presiding
officer and hearing officers (RC-10) are the organ's reconsideration staff, its recorder one of its people;
each person takes one seat."""

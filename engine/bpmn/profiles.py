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
    PathRule("ER-6", _resubmissions, (K.enforcement_decision, K.collective_discussion), (K.enforcement_legal_review,),
             "after a supplement or resubmission, a path decides without a fresh legal review"),
    PathRule("ER-2", _starts, ("end",), (K.enforcement_decision,), "a path ends without the recorded decision"),
)

PROFILES: dict[str, tuple[Check, ...]] = {
    "major_decision": MAJOR_DECISION,
    "decision_execution": DECISION_EXECUTION,
    "enforcement_review": ENFORCEMENT_REVIEW,
}

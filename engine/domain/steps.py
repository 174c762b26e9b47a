"""Statutory step kinds: the vocabulary every BPMN task declares (DESIGN invariant 8).

The compliance check, deadlines, separation of duties and the UI key on the kind,
never on a task's display name. Names follow the glossary of regulation.md.
"""

from __future__ import annotations

from enum import StrEnum


class StepKind(StrEnum):
    # major administrative decisions (MD-…)
    proposal = "proposal"
    initiation = "initiation"
    drafting = "drafting"
    consultation = "consultation"
    participation_plan = "participation_plan"
    non_disclosure = "non_disclosure"
    public_comment = "public_comment"
    hearing = "hearing"
    opinion_summary = "opinion_summary"
    expert_argumentation = "expert_argumentation"
    risk_assessment = "risk_assessment"
    fair_competition_review = "fair_competition_review"
    consistency_assessment = "consistency_assessment"
    party_group_review = "party_group_review"
    legality_review = "legality_review"
    legal_opinion = "legal_opinion"
    review_submission = "review_submission"
    supplement = "supplement"
    revision = "revision"
    deliberation = "deliberation"
    npc_report = "npc_report"
    party_report = "party_report"
    publication = "publication"
    archiving = "archiving"
    execution = "execution"
    execution_report = "execution_report"
    post_evaluation = "post_evaluation"
    suspension = "suspension"
    adjustment = "adjustment"
    # normative documents (ND-…)
    registration = "registration"
    signing = "signing"
    filing = "filing"
    cleanup = "cleanup"
    cleanup_review = "cleanup_review"
    cleanup_approval = "cleanup_approval"
    cleanup_publication = "cleanup_publication"
    nd_drafting = "nd_drafting"
    nd_public_comment = "nd_public_comment"
    nd_review_submission = "nd_review_submission"
    nd_legality_review = "nd_legality_review"
    nd_revision = "nd_revision"
    nd_collective_review = "nd_collective_review"
    nd_publication = "nd_publication"
    nd_validity_evaluation = "nd_validity_evaluation"
    # enforcement review (ER-…) and reconsideration (RC-…)
    enforcement_submission = "enforcement_submission"
    enforcement_legal_review = "enforcement_legal_review"
    enforcement_supplement = "enforcement_supplement"
    collective_discussion = "collective_discussion"
    enforcement_decision = "enforcement_decision"
    coordination = "coordination"
    judicial_transfer = "judicial_transfer"
    application = "application"
    acceptance_review = "acceptance_review"
    case_hearing = "case_hearing"
    extension = "extension"
    reconsideration_decision = "reconsideration_decision"
    correction = "correction"
    respondent_copy = "respondent_copy"
    respondent_reply = "respondent_reply"
    case_review = "case_review"
    resumption = "resumption"
    incidental_review = "incidental_review"
    incidental_conclusion = "incidental_conclusion"
    opinion_letter_reply = "opinion_letter_reply"
    # a step of no statutory weight (a note, an internal check)
    generic = "generic"

    @classmethod
    def parse(cls, value: str) -> StepKind | None:
        try:
            return cls(value)
        except ValueError:
            return None

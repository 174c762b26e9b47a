"""Domain errors: every refusal names the rule that refused it (DESIGN invariant 10).

The engine never mentions HTTP. The web layer maps the four families below to
statuses in one table; tests, logs and API clients key on `rule`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import ClassVar

from engine.domain.rulebook import rule as lookup_rule

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = _LOCALE_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


class DomainError(Exception):
    """A refusal under a procedural rule. `rule` is stable; `context` names the field or step."""

    rule: ClassVar[str]
    en: ClassVar[str]

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.en.format_map(_Missing(context)))

    @property
    def article(self) -> str:
        return lookup_rule(self.rule).article

    @property
    def field(self) -> str | None:
        value = self.context.get("field")
        return str(value) if value is not None else None

    def message(self, lang: str = "zh_CN") -> str:
        """The message in `lang` (zh_CN by default: our users are Chinese officials)."""
        template = _catalog(lang).get(type(self).__name__, self.en) if lang != "en" else self.en
        return template.format_map(_Missing(self.context))

    def as_dict(self, lang: str = "zh_CN") -> dict[str, object]:
        return {"rule": self.rule, "article": self.article, "message": self.message(lang),
                **{k: v for k, v in self.context.items() if _is_plain(v)}}


class _Missing(dict):  # type: ignore[type-arg]
    """format_map helper: a template naming absent context prints the name, never raises."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _is_plain(value: object) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, tuple, dict))


class NotFound(DomainError):
    rule = "DF-NOT-FOUND"


class Forbidden(DomainError):
    """The user may not do this (role, separation of duties)."""


class Refused(DomainError):
    """The step may not be done now or with this input (order, form, statutory guard)."""


class Conflict(DomainError):
    """Someone else changed the procedure first; nothing was done twice."""


# --- not found -------------------------------------------------------------------------

class TaskNotFound(NotFound):
    en = "No step with id {task_id} exists."


class ProcedureNotFound(NotFound):
    en = "No procedure with id {procedure_id} exists."


class DefinitionNotFound(NotFound):
    en = "No deployed process definition {key} exists."


class UserNotFound(NotFound):
    en = "No user {username} exists."


class GrantNotFound(NotFound):
    en = "No role grant with id {grant_id} exists."


class DocumentNotFound(NotFound):
    en = "No document with SHA-256 {sha256} exists."


class DocumentAltered(DomainError):
    """The stored bytes no longer hash to the document's key: altered behind the engine's back (DF-INTEGRITY).

    Neither not-found nor a refusal of the user's request: the record itself is damaged, so the web
    layer answers it as a server-side failure, never with the bytes."""

    rule = "DF-INTEGRITY"
    en = ("Document {sha256} of procedure {procedure_id} was altered in the database: its content no longer "
          "matches its SHA-256 and size, so it is not sent. The incident is logged; tell the administrator.")


class CheckpointNotFound(NotFound):
    en = "No checkpoint number {seq} exists."


# --- order ------------------------------------------------------------------------------

class StepNotReady(Refused):
    """Out of order. `missing` names the statutory steps not yet done before this one, each with its
    rule and article; without them `waiting_for` names the steps the procedure waits on now."""

    rule = "MD-39"
    en = "Step {step} ({step_kind}) is {state}: it can be done only when the steps before it are done."
    en_missing = "Step {step} ({step_kind}) cannot be done yet: {clause} not done."
    en_waiting = ("Step {step} ({step_kind}) is {state}: it can be done only when the steps before it are "
                  "done; the procedure now waits on {clause}.")

    def message(self, lang: str = "zh_CN") -> str:
        missing, waiting = self.context.get("missing"), self.context.get("waiting_for")
        zh = lang != "en"
        if isinstance(missing, list) and missing:
            key, template = "StepNotReady.missing", self.en_missing
            parts = [f"{m['title']}（{m['rule']}，{m['article']}）" if zh
                     else f"{m['title']} [{m['step_kind']}] ({m['rule']}, {m['article']})" for m in missing]
        elif isinstance(waiting, list) and waiting:
            key, template = "StepNotReady.waiting", self.en_waiting
            parts = [f"“{w['title']}”" if zh else f"{w['title']} [{w['step_kind']}]" for w in waiting]
        else:
            return super().message(lang)
        clause = ("、" if zh else "; ").join(parts)
        if not zh and key == "StepNotReady.missing":
            clause += " is" if len(parts) == 1 else " are"
        template = _catalog(lang).get(key, template) if zh else template
        return template.format_map(_Missing({**self.context, "clause": clause}))


class StepAlreadyCompleted(Conflict):
    rule = "MD-33b"
    en = "Step {step} ({step_kind}) was already done; a completed step is never done again or edited."


class ProcedureEnded(Refused):
    rule = "MD-33b"
    en = "Procedure {procedure_id} has ended ({status}); nothing more can be done in it."


class GrantDecided(Conflict):
    rule = "DF-FOUR-EYES"
    en = "Grant {grant_id} (role {role} for {username}) was already {status}; a grant is decided once."


class CheckpointExists(Conflict):
    rule = "DF-CHECKPOINT"
    en = "Checkpoint {seq} already exists ({path}); a checkpoint file is written once and never replaced."


class VersionConflict(Conflict):
    rule = "DF-CONFLICT"
    en = "Procedure {procedure_id} is at version {actual}, not {expected}: it changed in the meantime."


# --- who -------------------------------------------------------------------------------

class RoleRequired(Forbidden):
    rule = "DF-ROLE"
    en = "Step {step} ({step_kind}) is done by role {role}{org_clause}; {username} does not hold it."


class NotAssignee(Forbidden):
    rule = "DF-ASSIGNEE"
    en = "Step {step} was claimed by {assignee}; only that user can do it."


class SponsorMayNotReview(Forbidden):
    rule = "MD-25a"
    en = "The sponsoring unit {org} may not do step {step} ({step_kind}): it must be done independently."


class DutiesApart(Forbidden):
    """One person may not do two steps the law separates in one procedure (engine/domain/duties.py).

    Context: `username`, `step` and `step_kind` asked for, `other_step` and `other_kind` done before.
    Each subclass names the rule (and so the article) that keeps the two steps apart, and its message."""


class AuthorMayNotReview(DutiesApart):
    rule = "MD-25a"
    en = ("{username} already did step {other_step} ({other_kind}) of this procedure; the same person may not "
          "also do step {step} ({step_kind}): the legality review is independent of the draft's authors.")


class AssessorMayNotEvaluate(DutiesApart):
    rule = "MD-36b"
    en = ("{username} already did step {other_step} ({other_kind}) of this procedure; the same person may not "
          "also do step {step} ({step_kind}): who argued or assessed before the decision does not evaluate it.")


class WithdrawForbidden(Forbidden):
    rule = "DF-WITHDRAW"
    en = "Only the decision organ (role decision_organ) withdraws a procedure; {username} does not hold it."


class RecordForbidden(Forbidden):
    rule = "DF-VIEW"
    en = ("{username} may not see procedure {procedure_id}: its record is open to the sponsoring unit, "
          "the roles with a step in it, the decision organ, supervisors and auditors.")


class AdministratorBarred(Forbidden):
    rule = "DF-ADMIN-SEPARATION"
    en = "{username} is an administrator (role admin): administrators never see procedures, their steps or contents."


class StartForbidden(Forbidden):
    rule = "DF-START"
    en = "Only a sponsor (role sponsor) starts a procedure; {username} does not hold that role."


class DeployForbidden(Forbidden):
    rule = "DF-DEFINITION"
    en = "Only an administrator (role admin) deploys process definitions; {username} does not hold that role."


class AccountForbidden(Forbidden):
    rule = "DF-ACCOUNT"
    en = "Only an administrator (role admin) manages accounts; {username} does not hold that role."


class GrantSelfApproval(Forbidden):
    rule = "DF-FOUR-EYES"
    en = ("{username} asked for grant {grant_id} (role {role}) and may not approve it: another administrator "
          "must.")


class SupervisionForbidden(Forbidden):
    rule = "DF-SUPERVISION"
    en = "The supervision board is open to supervisors and auditors; {username} holds neither role."


class ReminderForbidden(Forbidden):
    rule = "DF-SUPERVISION"
    en = "Only a supervisor (role supervisor) sends reminders; {username} does not hold that role."


class AdminLogForbidden(Forbidden):
    rule = "DF-AUDIT"
    en = "The administration log is open to auditors (role auditor); {username} does not hold that role."


# --- input -----------------------------------------------------------------------------

class AccountInvalid(Refused):
    rule = "DF-ACCOUNT"
    en = "Account field {field}: {problem}"


class AdminRoleSeparation(Refused):
    rule = "DF-ADMIN-SEPARATION"
    en = ("Account field {field}: the administrator role (admin) is never held together with another role "
          "({roles}); administrators never see a procedure's contents.")


class ReminderInvalid(Refused):
    rule = "DF-SUPERVISION"
    en = "Reminder field {field}: {problem}"


class CursorInvalid(Refused):
    rule = "DF-VIEW"
    en = "Field {field}: not a page cursor this list gave; start again from the first page."


class FormInvalid(Refused):
    rule = "DF-FORM"
    en = "Field {field}: {problem}"


class DocumentNumberTaken(FormInvalid):
    en = "Field {field}: document number {number} is already held by procedure {procedure}; a number is given once."


class BeyondCalendar(Refused):
    """A period from a date the engine accepts that would end where the working-day calendar cannot count."""

    rule = "DF-FORM"
    en = "The period reaches {day}, outside {first} to {last}, the days the working-day calendar can count."


class DateTooEarly(Refused):
    """DF-DATE: a date before what its kind allows (engine/form_dates.py) or before the step that enabled it."""

    rule = "DF-DATE"
    en = "Field {field}: {date} is before {earliest}, the earliest lawful date ({reason})."


class DateTooLate(Refused):
    """DF-DATE: a date after what its kind allows, e.g. something done dated in the future."""

    rule = "DF-DATE"
    en = "Field {field}: {date} is after {latest}, the latest lawful date ({reason})."


class DocumentTooLarge(Refused):
    rule = "DF-DOCUMENT"
    en = "Document {field} is {size} bytes; the limit is {limit} bytes."


class DocumentTypeRefused(Refused):
    rule = "DF-DOCUMENT"
    en = "Document {field} ({filename}) is, by its content, {detected}; this field accepts only {allowed}."


class DocumentNotUploaded(Refused):
    rule = "DF-DOCUMENT"
    en = "Field {field} is a document: upload it with the step, do not reference it in the data."


class StartInvalid(Refused):
    rule = "DF-START"
    en = "Cannot start: {problem}"


class DecisionIsFinal(Refused):
    """A procedure whose decision was taken is not withdrawn: only the statutory routes follow (finality.py)."""

    rule = "DF-WITHDRAW"
    en = ("Procedure {procedure_id} cannot be withdrawn: its decision was taken at \"{step}\" on {on}; a decision "
          "taken is changed only by {routes_en}.")

    def __init__(self, *, rule: str, **context: object) -> None:
        super().__init__(**context)
        self.rule = rule  # type: ignore[misc]  # the statute's own rule, from engine/domain/finality.py


class WithdrawInvalid(Refused):
    rule = "DF-WITHDRAW"
    en = "Cannot withdraw procedure {procedure_id}: {problem}"


class DefinitionInvalid(Refused):
    rule = "DF-DEFINITION"
    en = "The process definition has {count} problem(s); the first: {first}"


class ExpressionFailed(Refused):
    rule = "DF-EXPRESSION"
    en = "The procedure cannot continue at {element}: {problem}. Check the data of this step."


class ExpressionForbidden(Refused):
    rule = "DF-EXPRESSION"
    en = "Expression {expression!r} is not allowed: {problem}"


class ExpressionBudgetExceeded(ExpressionForbidden):
    """An expression or script stopped at a budget of engine/bpmn/budgets.py: never a hang."""

    rule = "DF-EXPRESSION"
    en = ("The expression at {element} exceeds its budget of {budget}: {needed} > {limit}. "
          "Expression: {expression!r}")


# --- statutory guards (engine/domain/guards.py) ---------------------------------------


class ExcludedMatter(Refused):
    rule = "MD-3b"
    en = ("Matter type {matter_type} is excluded from the major-decision procedure (Art. 3(2)); it "
          "follows its own procedure.")


class CatalogueRequired(Refused):
    rule = "MD-3c"
    en = ("A launched matter names its decision-catalogue item, or the decision organ's determination for "
          "a matter outside the catalogue.")


class CatalogueItemNotSelectable(Refused):
    rule = "MD-3c"
    en = ("Catalogue item {item} is {status}: only items of the year's published catalogue, approved by the "
          "party committee, can be chosen; otherwise record the decision organ's determination.")


class OptionsRequired(Refused):
    rule = "MD-12c"
    en = "Views differ sharply: offer two or more options, or state why one suffices."


class ConsultationIncomplete(Refused):
    rule = "MD-13"
    en = "No consultation record for the affected unit(s) {units}."


class DisputeUnstated(Refused):
    rule = "MD-13"
    en = "Consultation with {unit} did not agree: state the disputed points, each side's view and yours."


class CommentPeriodTooShort(Refused):
    rule = "MD-15b"
    en = ("The comment period is {days} days; it is at least {minimum} days unless a reason for "
          "shortening is stated in the call.")


class HearingRequired(Refused):
    rule = "MD-16a"
    en = "A hearing is required by law here ({basis}); include a hearing among the participation methods."


class HearingChoiceUnstated(Refused):
    rule = "MD-16a"
    en = "The matter directly affects interests or views diverge sharply: record whether a hearing is held and why."


class SpecificGroupUnheard(Refused):
    rule = "MD-14b"
    en = "The matter affects a specific group: record the consultation of its organisations and representatives."


class CommentWindowOpen(Refused):
    rule = "MD-15b"
    en = "The public comment period runs until {closes}; it cannot be closed before its end."


class ConsultationNotFound(NotFound):
    en = "Procedure {procedure_id} has no public consultation."


class ReceiptNotFound(NotFound):
    en = "No opinion has the receipt number {receipt}; check the number on your receipt."


class ConsultationClosed(Refused):
    rule = "MD-15b"
    en = "The comment period of procedure {procedure_id} closed at {closes}; opinions are no longer taken."


class OpinionInvalid(Refused):
    rule = "DF-PUBLIC"
    en = "Field {field}: {problem}"


class ChallengeReused(Refused):
    rule = "DF-PUBLIC"
    en = "Field {field}: this question has already been answered once; answer the new question and send again."


class OpinionForbidden(Forbidden):
    rule = "MD-18"
    en = ("{username} may not handle the opinions of procedure {procedure_id}: the sponsoring unit (sponsor or "
          "participation organiser) does.")


class AdoptionReasonMissing(Refused):
    rule = "MD-18"
    en = "Opinion '{topic}' is not (fully) adopted: record the reason."


class HearingNoticeLate(Refused):
    rule = "MD-16b"
    en = "The hearing notice must be published before the hearing."


class ParticipantSelectionOrder(Refused):
    rule = "MD-16c"
    en = "Publish the selection method first, then the participant list, both before the hearing."


class SidesUnrepresented(Refused):
    rule = "MD-16c"
    en = "The participants do not represent every side; state why."


class HearingMaterialsLate(Refused):
    rule = "MD-16d"
    en = ("Materials were last delivered on {delivered}; the hearing on {held} is less than {days} days "
          "later: reschedule it.")


class HearingRecordUnsigned(Refused):
    rule = "MD-17"
    en = "Participant {participant} has not signed the record and no refusal is noted."


class ParticipantRepeated(Refused):
    rule = "MD-16c"
    en = "{field}: {entry} is already listed (row {first}); each participant appears once."


class ParticipantNotListed(Refused):
    rule = "MD-16c"
    en = ("{field}: {participant} is not on the participant list published with the hearing notice ({listed}); "
          "nobody is added to it at the hearing.")


class HearingDeliveriesIncomplete(Refused):
    rule = "MD-16d"
    en = "{field} leaves out {missing}: the materials reach every participant on the published list."


class HearingSignaturesIncomplete(Refused):
    rule = "MD-17"
    en = "{field} leaves out {missing}: every participant signs the record or a refusal is noted."


class ExpertInterested(Refused):
    rule = "MD-20"
    en = "Expert {expert} has a direct interest in the matter and may not argue it."


class ExpertNotIndependent(Refused):
    rule = "MD-20"
    en = ("Expert {expert} belongs to {organisation}, the sponsoring unit by the organisation registry: an expert "
          "or institution with a direct interest may not argue the matter (Art. 20), whatever the declaration says.")


class RiskAssessorNotIndependent(Refused):
    rule = "MD-23"
    en = ("The third-party risk assessor {assessor} belongs to {organisation}, the sponsoring unit by the "
          "organisation registry: a third party is not the sponsor (Art. 23).")


class LegalBasisInvalid(Refused):
    rule = "MD-12a"
    en = "Legal basis ({field}): {problem}; each legal basis names an instrument and its article (Art. 12)."


class ReviewLegalBasisInvalid(LegalBasisInvalid):
    rule = "MD-26a"
    en = ("Legal basis ({field}): {problem}; the review request cites each instrument and its article "
          "(Art. 26).")


class NdLegalBasisInvalid(LegalBasisInvalid):
    rule = "ND-2"
    en = ("Legal basis ({field}): {problem}; a normative document cites the higher-law instrument and article "
          "it rests on.")


class ExpertOpinionUnsigned(Refused):
    rule = "MD-19b"
    en = "The experts' written opinion must be signed (experts) or sealed (institutions)."


class LegalOpinionUnsigned(Refused):
    rule = "MD-28a"
    en = "The legal adviser's or public lawyer's opinion must be signed."


class NotAMeeting(Refused):
    rule = "MD-30a"
    en = "A decision is discussed at a standing or plenary meeting; {meeting_type} is not such a meeting."


class RiskNotControllable(Refused):
    rule = "MD-24"
    en = "The latest risk assessment found the risk not controllable: adjust the draft and reassess before deciding."


class NotReviewedLawful(Refused):
    rule = "MD-25b"
    en = "The draft's legality review outcome is {outcome}: only a draft found lawful goes to deliberation."


class MeetingBeforeReviewDue(Refused):
    """MD-26b: the review is left its working days; once the opinion is issued, not before the opinion."""

    rule = "MD-26b"
    en = "Field {field}: the meeting date {date} is before {earliest}, the earliest lawful date: {reason}."


class DraftChangedAfterReview(Refused):
    rule = "MD-25b"
    en = "The draft changed after its legality review: only the exact draft found lawful goes to deliberation."


class ConsistencyAssessmentMissing(Refused):
    rule = "SC-5"
    en = ("This county requires the macro-policy and grassroots-burden consistency assessments before the "
          "legality review.")


class PartyGroupReviewMissing(Refused):
    rule = "SC-6"
    en = "This county requires the government party group's prior review before deliberation."


class NoQuorum(Refused):
    rule = "MD-30a"
    en = "{present} of {total} members present: the meeting needs more than half."


class PresentCountMismatch(Refused):
    rule = "MD-30a"
    en = ("{present} members present, but the record has {listed} views: every member present is recorded, "
          "silent ones included.")


class MemberViewRepeated(Refused):
    rule = "MD-30d"
    en = "{field}: {entry} already has a view (row {first}); each member's view is recorded once."


class MembersTotalNotOnRecord(Refused):
    rule = "MD-30a"
    en = ("{field}: {total} members stated, but the registry lists {on_record} members of the government's "
          "meeting ({members}); the total is the registry's.")


class MemberNotOnRecord(Refused):
    rule = "MD-30a"
    en = ("{field}: {entry} is not a member of the government's meeting by the registry ({members}); only "
          "members' views decide.")


class HeadNotOnRecord(Refused):
    rule = "MD-30b"
    en = "{field}: {entry} is recorded as the head, but the registry's head of government is {heads}."


class HeadViewMissing(Refused):
    rule = "MD-30b"
    en = "The record must contain exactly one view of the head of government, found {count}."


class HeadNotLast(Refused):
    rule = "MD-30b"
    en = "The head of government ({head}) speaks last, after every member."


class HeadAgainstMajority(Refused):
    rule = "MD-30c"
    en = ("The decision has no majority behind it ({support} support, {oppose} oppose of {members} "
          "members): the head states the reason.")


class EvaluatorNotIndependent(Refused):
    rule = "MD-36b"
    en = "{evaluator} did the main argumentation or assessment before the decision and may not evaluate it."


class PreDecisionUnitsIncomplete(Refused):
    rule = "MD-36b"
    en = ("{field} leaves out {missing}: the decision's record shows they did its main argumentation or "
          "assessment, and such a unit may not evaluate the decision.")


# --- legal review of major enforcement decisions (ER-…) --------------------------------

class OutsideReviewScope(Refused):
    rule = "ER-1"
    en = ("The case states no ground for a legal review of a major enforcement decision and its amount {amount} "
          "is below the catalogue threshold {threshold}: it is not a major enforcement decision.")


class NotReviewedAgree(Refused):
    rule = "ER-2"
    en = ("No major enforcement decision without a legal review that agrees: the review opinion is {opinion}.")


class SubmissionChangedAfterReview(Refused):
    rule = "ER-2"
    en = "The proposed decision changed after the legal review agreed to it; the changed one is reviewed first."


class InvestigatorMayNotReview(DutiesApart):
    rule = "ER-3"
    en = ("{username} already did step {other_step} ({other_kind}) of this case; the same person may not also do "
          "step {step} ({step_kind}): reviewers are separate from investigators.")


class ReviewerUnqualified(Forbidden):
    rule = "ER-3"
    en = ("{username} does not hold the national legal professional qualification (role legal_professional); "
          "a first-time reviewer of a penalty decision must hold it.")


class MaterialsIncomplete(Refused):
    rule = "ER-4"
    en = "The submission lacks {materials}: the legal office requests a supplement instead of giving an opinion."


class ReviewFindingMissing(Refused):
    rule = "ER-5"
    en = "The legal review opinion states no finding on {finding} ({field})."


class OpinionNotWritten(Refused):
    rule = "ER-6"
    en = "The legal review opinion is given in writing: upload the written opinion (opinion_document)."


class ProblemsUnreasoned(Refused):
    rule = "ER-6"
    en = "An opinion that finds problems states them with reasons and what to do (problems)."


class CrimeTransferMismatch(Refused):
    rule = "ER-5"
    en = ("The finding on a suspected crime ({finding}) and the opinion ({opinion}) disagree: a case suspected of a "
          "crime is transferred to the judicial organs, and only such a case.")


class ReviewExtensionUnapproved(Refused):
    rule = "ER-7"
    en = ("The review period ended on {due}; a later opinion states the approved extension "
          "(extension_reason and extension_approved_by).")


class NotCollective(Refused):
    rule = "ER-8"
    en = "A collective discussion has at least {minimum} of the organ's heads; {count} attended."


class HeadRepeated(Refused):
    rule = "ER-8"
    en = "{field}: {entry} is already listed (row {first}); each head attending counts once."


class CollectiveDiscussionMissing(Refused):
    rule = "ER-8"
    en = "A heavy penalty for a complex or major violation is decided by the organ's heads collectively first."


class MaterialsUnattested(Refused):
    rule = "ER-9"
    en = "The enforcement unit answers for the truth and completeness of the materials: confirm truth_declaration."


# --- administrative normative documents (ND-…) ---

class QualificationUnconfirmed(Refused):
    rule = "ND-1"
    en = ("A normative document is issued within the organ's powers, touches rights and obligations, binds generally, "
          "applies repeatedly and is published; unconfirmed: {missing}. Other documents do not use this procedure.")


class ReviewTooShort(Refused):
    rule = "ND-4"
    en = ("The legality review takes generally at least {days} working days (until {earliest}); an opinion given "
          "sooner states why (expedited_reason).")


class ContentBeyondPowers(Refused):
    rule = "ND-2"
    en = ("The review found that the document {findings} without a higher-law basis; it cannot be found lawful.")


class DocumentCommentTooShort(Refused):
    rule = "ND-3"
    en = "The public comment period ends on {end}; it has to run at least until {earliest} ({minimum})."


class DrafterMayNotReview(DutiesApart):
    rule = "ND-4"
    en = ("{username} already did step {other_step} ({other_kind}) of this document; the same person may not "
          "also do step {step} ({step_kind}): the drafter never reviews its legality.")


class DocumentNotReviewedLawful(Refused):
    rule = "ND-4"
    en = ("A normative document goes to collective review only after the legality review found this very draft "
          "lawful (review outcome: {outcome}).")


class NotALeadershipMeeting(Refused):
    rule = "ND-5"
    en = "A normative document is reviewed at a standing or office meeting of the leadership; {meeting_type} is not."


class NotPrincipalHead(Forbidden):
    rule = "ND-5"
    en = "A normative document is signed by the organ's principal head; {username} is not."


class DocumentNotAdopted(Refused):
    rule = "ND-6"
    en = "The registry gives a number only to a document adopted at the collective review."


class RegistrationNumberInvalid(Refused):
    rule = "ND-6"
    en = "The unified number {number} does not have the form <organ>规〔<year>〕<n>号."


class RegistrationNumberTaken(Refused):
    rule = "ND-6"
    en = "The unified number {number} is already held by procedure {procedure}: each number is given once."


class DocumentNotRegistered(Refused):
    rule = "ND-6"
    en = "A normative document is issued and published only under its unified registration number."


class ValidityTooLong(Refused):
    rule = "ND-8"
    en = "The document is valid until {valid_until}; from {effective_from} at most until {latest} ({years} years)."


class MajorDecisionProcedureRequired(Refused):
    rule = "ND-11"
    en = ("A normative document that is also a major decision goes through the major-decision procedure first; "
          "name that procedure.")


# --- clean-ups of normative documents (ND-9) ---

class SpecialCleanupUnreasoned(Refused):
    rule = "ND-9"
    en = "A special clean-up states why it is held (special_reason), e.g. a new higher law."


class CleanupDocumentUnknown(Refused):
    rule = "ND-9"
    en = ("{number} is not a document of this clean-up's scope (the registry's documents in force when it "
          "opened).")


class CleanupDecidedTwice(Refused):
    rule = "ND-9"
    en = "{number} is decided more than once; every document in scope gets one decision."


class CleanupUnreasoned(Refused):
    rule = "ND-9"
    en = ("A decision to {decision} {number} states its reason: it conflicts with higher law, lacks a basis or no "
          "longer fits.")


class CleanupBasisUnconfirmed(Refused):
    rule = "ND-9"
    en = "{number} continues only when its legal basis is confirmed and it still fits (basis_confirmed)."


class CleanupUndecided(Refused):
    rule = "ND-9"
    en = ("Every document in the clean-up's scope is given continue, amend or repeal; {count} undecided: "
          "{numbers}.")


class CleanupNotAtMeeting(Refused):
    rule = "ND-9"
    en = "The clean-up's result is approved at a standing or office meeting of the leadership; {meeting_type} is not."


class CleanupNotApproved(Refused):
    rule = "ND-9"
    en = "The lists of the clean-up are published only after the leadership approved its result."


# --- administrative reconsideration (RC-…) ---------------------------------------------

class ScopeExcluded(Refused):
    rule = "RC-1"
    en = ("An application against {act_type} is outside the scope of reconsideration (Art. 12): it is not "
          "accepted, with that reason.")


class ApplicationLate(Refused):
    rule = "RC-2"
    en = ("The application came on {applied}, after the period that ended on {last} (60 days from knowing of the "
          "act, Art. 20–21): it is not accepted as late.")


class OutsideJurisdiction(Refused):
    rule = "RC-3"
    en = "This organ does not hear cases against {level}: not accepted, naming the competent organ {organ}."


class RespondentMayNotHear(DutiesApart):
    rule = "RC-3"
    en = ("{username} already did step {other_step} ({other_kind}) of this case for the respondent; the same "
          "person may not also do step {step} ({step_kind}): the organ that made the act does not hear its own "
          "reconsideration.")


class AcceptancePeriodOver(Refused):
    rule = "RC-4"
    en = ("The acceptance review ended on {due} without a decision: the application is deemed accepted "
          "(Art. 30); it can no longer be refused or returned for correction.")


class CorrectionGapsUnlisted(Refused):
    rule = "RC-5"
    en = "A correction notice lists every gap of the application at once (gaps)."


class SecondCorrectionNotice(Refused):
    rule = "RC-5"
    en = "The applicant was already notified to correct the application; the law allows one notice listing all gaps."


class CorrectionLate(Refused):
    rule = "RC-5"
    en = ("The correction period ended on {due}: a later supplement needs a good reason (late_reason), "
          "else the application is deemed abandoned.")


class SuspensionUnnotified(Refused):
    rule = "RC-7"
    en = "A suspension or a resumption of the case is notified to the parties in writing (notice)."


class IncidentalRuleExcluded(Refused):
    rule = "RC-1"
    en = ("Incidental review may be asked of normative documents other than rules; a rule (规章) is not reviewed "
          "with a reconsideration (Art. 13).")


class MediationUnsigned(Refused):
    rule = "RC-15"
    en = "A mediation agreement takes effect only once every party signed it and the organ sealed it (Art. 73)."


class SettlementUnlawful(Refused):
    rule = "RC-15"
    en = ("A settlement may not harm the state's, the public's or others' lawful interests nor break mandatory law "
          "(Art. 74): confirm it before the case is ended by withdrawal.")


class TerminationNotDue(Refused):
    rule = "RC-7"
    en = ("A suspended case ends only after {minimum} days of a suspension for the applicant's death, incapacity "
          "or end (Art. 41(5)); this one is for '{ground}', {days} days so far.")


class InvestigatorsTooFew(Refused):
    rule = "RC-8"
    en = "An investigation is done by at least 2 officers showing their ID; {count} recorded."


class HearingNoticeTooShort(Refused):
    rule = "RC-10"
    en = ("The hearing on {hearing} was notified on {notice}: the written notice is served at least "
          "{days} working days before.")


class HearingPanelIncomplete(Refused):
    rule = "RC-10"
    en = "A hearing has 1 presiding officer, at least 2 hearing officers and 1 recorder."


class SimplifiedNotAllowed(Refused):
    rule = "RC-11"
    en = ("The simplified procedure needs an on-the-spot act, a warning or criticism, a fine of at most {limit} "
          "yuan, an information disclosure matter, or the consent of all parties (Art. 53).")


class ExtensionTooLong(Refused):
    rule = "RC-12"
    en = "The decision period may be extended by at most {maximum} days; {days} were asked."


class ExtensionRepeated(Refused):
    rule = "RC-12"
    en = "The decision period may be extended once; it was already extended to {until}."


class ExtensionUnapproved(Refused):
    rule = "RC-12"
    en = "An extension needs the approval of the reconsideration office's head and a written notice to the parties."


class DecisionWorsens(Refused):
    rule = "RC-13"
    en = ("A change may not make the applicant worse off ({new} > {old} yuan) unless a third party asked for it "
          "(Art. 63).")


class ChangedFineAmountMissing(Refused):
    rule = "RC-13"
    en = ("A decision that changes a fine states the new amount, a positive sum in yuan with at most two "
          "decimals (Art. 63); got {amount}.")


class UpheldWithoutEvidence(Refused):
    rule = "RC-13"
    en = ("The respondent did not reply with evidence in time and is treated as having none (Art. 70): "
          "the act cannot be upheld.")


class IndicatorInvalid(Refused):
    """An indicator definition file outside the vocabulary (engine/indicators.py): named by file and field."""

    rule = "DF-INDICATOR"
    en = "Indicator {indicator}: {field} {problem}"


class IndicatorQueryInvalid(Refused):
    """A report asked for with a bad period or an unknown unit: names the field, computes nothing."""

    rule = "DF-INDICATOR"
    en = "Cannot compute the indicators: {field} {problem}"


class IndicatorsForbidden(Forbidden):
    rule = "DF-INDICATOR"
    en = ("{username} may not see the rule-of-law indicators: they are open to auditors, the legality review "
          "office, the head of government and the decision organ.")


# --- migrating running procedures (engine/services/migration.py) -----------------------------------

class MigrationPlanInvalid(Refused):
    rule = "DF-MIGRATE-PLAN"
    en = "The migration plan is not valid ({field}): {problem}"


class MigrationPositionMissing(Refused):
    rule = "DF-MIGRATE-POSITION"
    en = "Procedure {procedure_id} cannot migrate: {problem}"


class MigrationStepOwed(Refused):
    rule = "DF-MIGRATE-STEPS"
    en = "Procedure {procedure_id} cannot migrate: {problem}"


class MigrationTimerLost(Refused):
    rule = "DF-MIGRATE-TIMER"
    en = "Procedure {procedure_id} cannot migrate: {problem}"


class MigrationFormMissing(Refused):
    rule = "DF-MIGRATE-FORM"
    en = "Procedure {procedure_id} cannot migrate: {problem}"


class MigrationForbidden(Forbidden):
    rule = "DF-MIGRATE-APPROVAL"
    en = "{username} may not {action} a migration: {problem}"


class MigrationDecided(Conflict):
    rule = "DF-MIGRATE-APPROVAL"
    en = "Migration proposal {proposal_id} was already {status}; a proposal is decided once."


class MigrationProposalNotFound(NotFound):
    en = "No migration proposal with id {proposal_id} exists."

"""Statutory guards: what a step's form cannot say alone, checked before anything changes.

Each guard gets the step's new data, the procedure's data so far (what earlier steps
recorded) and the time, and either refuses with the rule's error or returns values the
engine derives — never values a client may set. For example the public-comment
guard derives `urgent_comment` and `comment_closes_at` from the opening form, so the
BPMN branches on what the law allows, not on a flag someone typed in (DESIGN 3).

Guards are pure: no database, no SpiffWorkflow; the numbers are configuration values
with the national defaults (regulation.md marks them [M]/[S] where unsure).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine import workdays
from engine.domain import errors as e
from engine.domain.actors import Actor
from engine.domain.materials import ENFORCEMENT_CONDITIONS, ENFORCEMENT_MATERIALS
from engine.domain.steps import StepKind as K


@dataclass(frozen=True)
class Limits:
    """The statutory numbers, configurable (national defaults)."""

    comment_days: int = 30            # MD-15b
    hearing_notice_days: int = 7      # MD-16d
    review_working_days: int = 7      # MD-26b
    quorum_fraction: float = 0.5      # MD-30a [S]: more than half present
    er_review_working_days: int = 7   # ER-7 [S]: local rules give 7 or 10 working days
    er_extension_working_days: int = 3  # ER-7 [S]: extension with approval
    er_amount_threshold: int = 100_000  # ER-1 [S]: the catalogue's amount (yuan) that makes a case major
    er_collective_minimum: int = 2    # ER-8 [P]: heads present at a collective discussion


@dataclass(frozen=True)
class Context:
    data: Mapping[str, Any]           # the new step's data
    before: Mapping[str, Any]         # what the procedure recorded so far
    now: datetime
    limits: Limits = field(default_factory=Limits)
    catalogue_status: str | None = None   # the chosen catalogue item's status, looked up by the service
    actor: Actor | None = None        # who does the step, for guards on the person (ER-3)

    @property
    def today(self) -> date:
        return workdays.local_date(self.now)


Guard = Callable[[Context], dict[str, Any]]
GUARDS: dict[tuple[str, str], Guard] = {}
"""(statute, step kind) → guard: the major-decision guards encode the Regulation's articles
and apply to definitions that declare `statute=major_decision`; sister procedures add theirs."""


def guard(kind: K, statute: str = "major_decision") -> Callable[[Guard], Guard]:
    def register(fn: Guard) -> Guard:
        GUARDS[(statute, kind)] = fn
        return fn
    return register


def run(statute: str | None, step_kind: str, context: Context) -> dict[str, Any]:
    """Check the step's statutory guard; return the values the engine derives for it."""
    fn = GUARDS.get((statute or "", step_kind))
    return fn(context) if fn else {}


def _date(value: object, field_name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise e.FormInvalid(field=field_name, problem="not a date (YYYY-MM-DD)", problem_zh="日期格式不正确") from error


@guard(K.initiation)
def _initiation(c: Context) -> dict[str, Any]:
    if c.data.get("launched") and c.data.get("matter_type") not in (None, "major_decision"):
        raise e.ExcludedMatter(matter_type=c.data["matter_type"])
    if c.data.get("launched") and not (c.data.get("catalogue_item") or c.data.get("outside_catalogue_determination")):
        raise e.CatalogueRequired()
    if c.data.get("catalogue_item") and c.catalogue_status != "published":
        raise e.CatalogueItemNotSelectable(item=c.data["catalogue_item"], status=c.catalogue_status or "unknown")
    return {}


def _drafting(c: Context) -> dict[str, Any]:
    if c.data.get("major_divergence") and c.data.get("options_count", 1) < 2 and not c.data.get("single_option_reason"):
        raise e.OptionsRequired()
    return {"consultation_needed": bool(c.data.get("affected_units"))}


@guard(K.consultation)
def _consultation(c: Context) -> dict[str, Any]:
    recorded = {r.get("unit") for r in c.data.get("records", [])}
    missing = [u for u in c.before.get("affected_units", []) if u not in recorded]
    if missing:
        raise e.ConsultationIncomplete(units="、".join(missing))
    for record in c.data.get("records", []):
        if not record.get("agreed") and not record.get("dispute_statement"):
            raise e.DisputeUnstated(unit=record.get("unit"))
    return {}


@guard(K.public_comment)
def _open_comment(c: Context) -> dict[str, Any]:
    start, end = _date(c.data["start_date"], "start_date"), _date(c.data["end_date"], "end_date")
    if start > c.today:
        raise e.FormInvalid(field="start_date", problem="the call cannot be published in the future",
                            problem_zh="公告发布日期不能晚于今天")
    days = (end - start).days
    urgent = bool(c.data.get("urgency_reason"))
    if (days < c.limits.comment_days and not urgent) or days < 1:
        raise e.CommentPeriodTooShort(days=days, minimum=c.limits.comment_days)
    methods = set(c.data.get("methods", []))
    if c.before.get("hearing_required_by_law") and "hearing" not in methods:
        raise e.HearingRequired(basis=c.before.get("hearing_required_by_law_basis", ""))
    if (c.before.get("directly_affects_interests") or c.before.get("major_divergence")) and \
            not c.data.get("hearing_choice_reason"):
        raise e.HearingChoiceUnstated()
    if c.before.get("specific_group_affected") and not c.data.get("specific_group_consultation"):
        raise e.SpecificGroupUnheard()
    closes = workdays.Deadline(end, False).ends_at
    return {"urgent_comment": urgent and days < c.limits.comment_days, "comment_closes_at": closes.isoformat(),
            "hearing_planned": "hearing" in methods}


@guard(K.opinion_summary)
def _opinion_summary(c: Context) -> dict[str, Any]:
    closes = datetime.fromisoformat(c.before["comment_closes_at"])
    if c.now < closes:
        raise e.CommentWindowOpen(closes=closes.date().isoformat())
    for entry in c.data.get("register", []):
        if entry.get("adoption") != "adopted" and not entry.get("reason"):
            raise e.AdoptionReasonMissing(topic=entry.get("topic"))
    return {}


@guard(K.hearing)
def _hearing(c: Context) -> dict[str, Any]:
    if "hearing_date" in c.data:  # the notice step
        hearing = _date(c.data["hearing_date"], "hearing_date")
        notice = _date(c.data["notice_published_on"], "notice_published_on")
        method = _date(c.data["selection_method_published_on"], "selection_method_published_on")
        listed = _date(c.data["participant_list_published_on"], "participant_list_published_on")
        if not notice < hearing:
            raise e.HearingNoticeLate()
        if not method <= listed < hearing:
            raise e.ParticipantSelectionOrder()
        sides = {p.get("side") for p in c.data.get("participants", [])}
        if not {"supporting", "opposing"} <= sides and not c.data.get("unrepresented_side_reason"):
            raise e.SidesUnrepresented()
        return {"hearing_date": hearing.isoformat()}
    held = _date(c.data["held_on"], "held_on")
    last = max(_date(d["delivered_on"], "deliveries") for d in c.data["deliveries"])
    if (held - last).days < c.limits.hearing_notice_days:
        raise e.HearingMaterialsLate(delivered=last.isoformat(), held=held.isoformat(),
                                     days=c.limits.hearing_notice_days)
    for signature in c.data.get("signatures", []):
        if not signature.get("signed") and not signature.get("refusal_note"):
            raise e.HearingRecordUnsigned(participant=signature.get("participant"))
    return {}


@guard(K.expert_argumentation)
def _expert(c: Context) -> dict[str, Any]:
    for expert in c.data.get("experts", []):
        if expert.get("direct_interest"):
            raise e.ExpertInterested(expert=expert.get("name"))
    if not c.data.get("signed_or_sealed"):
        raise e.ExpertOpinionUnsigned()
    return {}


@guard(K.risk_assessment)
def _risk(c: Context) -> dict[str, Any]:
    return {"risk_controllable": c.data.get("conclusion") == "controllable"}


def _draft_sha(c: Context, field_name: str) -> dict[str, Any]:
    """MD-25b: remember which draft (by SHA-256) is now the one to review and deliberate."""
    document = c.data.get(field_name)
    return {"current_draft_sha256": document["sha256"]} if isinstance(document, dict) else {}


@guard(K.drafting)
def _drafting_sha(c: Context) -> dict[str, Any]:
    return {**_drafting(c), **_draft_sha(c, "draft")}


@guard(K.revision)
def _revision(c: Context) -> dict[str, Any]:
    return _draft_sha(c, "revised_draft")


@guard(K.review_submission)
def _review_submission(c: Context) -> dict[str, Any]:
    if c.before.get("county_sc5") and not c.before.get("consistency_assessed"):
        raise e.ConsistencyAssessmentMissing()
    return {**_review_clock(c), **_draft_sha(c, "draft")}


@guard(K.consistency_assessment)
def _consistency(c: Context) -> dict[str, Any]:
    return {"consistency_assessed": True}


@guard(K.party_group_review)
def _party_group(c: Context) -> dict[str, Any]:
    return {"party_group_reviewed": True}


@guard(K.supplement)
def _supplement(c: Context) -> dict[str, Any]:
    return _review_clock(c)  # MD-26b: a supplement restarts the count on resubmission


def _review_clock(c: Context) -> dict[str, Any]:
    due = workdays.add_working_days(c.today, c.limits.review_working_days)
    return {"review_materials_received": c.today.isoformat(), "review_due": due.last_day.isoformat(),
            "review_due_provisional": due.provisional}


@guard(K.legal_opinion)
def _legal_opinion(c: Context) -> dict[str, Any]:
    if not c.data.get("signed"):
        raise e.LegalOpinionUnsigned()
    return {}


@guard(K.legality_review)
def _legality_review(c: Context) -> dict[str, Any]:
    return {"reviewed_at": c.now.isoformat(), "reviewed_draft_sha256": c.before.get("current_draft_sha256")}


@guard(K.deliberation)
def _deliberation(c: Context) -> dict[str, Any]:
    if c.data.get("meeting_type") not in ("standing", "plenary"):
        raise e.NotAMeeting(meeting_type=c.data.get("meeting_type"))
    if c.before.get("risk_controllable") is False:
        raise e.RiskNotControllable()
    if c.before.get("review_outcome") not in ("lawful",):
        raise e.NotReviewedLawful(outcome=c.before.get("review_outcome"))
    if c.before.get("reviewed_draft_sha256") != c.before.get("current_draft_sha256"):
        raise e.DraftChangedAfterReview()
    if c.before.get("county_sc6") and not c.before.get("party_group_reviewed"):
        raise e.PartyGroupReviewMissing()
    total, present = c.data["members_total"], c.data["members_present"]
    if present > total or present <= total * c.limits.quorum_fraction:
        raise e.NoQuorum(present=present, total=total)
    _require_head_last_and_majority(c.data)
    return {}


def _require_head_last_and_majority(data: Mapping[str, Any]) -> None:
    """MD-30b: the head speaks last. MD-30c: deciding against the majority needs a reason."""
    views = data["views"]
    heads = [i for i, v in enumerate(views) if v.get("is_head")]
    if len(heads) != 1:
        raise e.HeadViewMissing(count=len(heads))
    if heads[0] != len(views) - 1:
        raise e.HeadNotLast(head=views[heads[0]].get("member"))
    members = views[:-1]
    support = sum(1 for v in members if v.get("position") == "support")
    oppose = sum(1 for v in members if v.get("position") == "oppose")
    outcome = data["decision_outcome"]
    backed = support * 2 > len(members) if outcome == "adopt" else oppose * 2 > len(members)
    if outcome in ("adopt", "reject") and not backed and not data.get("head_reason"):
        raise e.HeadAgainstMajority(support=support, oppose=oppose, members=len(members))


@guard(K.post_evaluation, "decision_execution")
def _post_evaluation(c: Context) -> dict[str, Any]:
    """MD-36b: the evaluator is not a unit that did the main argumentation or assessment."""
    evaluator = c.data.get("evaluator_org") or c.before.get("evaluator_org")
    if evaluator and evaluator in c.before.get("pre_decision_units", []):
        raise e.EvaluatorNotIndependent(evaluator=evaluator)
    return {}


# --- legal review of major enforcement decisions (statute enforcement_review, ER-…) ---

ER = "enforcement_review"
QUALIFICATION_FROM = date(2018, 1, 1)
"""ER-3 [M]: the 2017 amendment of the Administrative Penalty Law (in force 2018-01-01) requires the
legal professional qualification of reviewers who start reviewing penalty decisions from then on."""

REVIEW_FINDINGS: dict[str, str] = {
    "finding_authority": "执法主体和权限", "finding_qualification": "执法人员资格", "finding_procedure": "执法程序",
    "finding_facts": "案件事实", "finding_evidence": "证据", "finding_law": "法律适用",
    "finding_discretion": "裁量基准", "finding_documents": "执法文书", "crime_transfer": "是否涉嫌犯罪需要移送",
}
"""ER-5: what every legal review opinion finds on, field → the content it covers."""


@guard(K.enforcement_submission, ER)
def _er_submission(c: Context) -> dict[str, Any]:
    """ER-1 scope, ER-9 attestation; starts the review clock (ER-7) on the proposed decision (ER-2)."""
    _require_attested(c)
    grounds = list(c.data.get("scope_grounds", []))
    amount = c.data.get("fine_amount") or 0
    if amount >= c.limits.er_amount_threshold and "catalogue" not in grounds:
        grounds.append("catalogue")
    if not grounds:
        raise e.OutsideReviewScope(amount=amount, threshold=c.limits.er_amount_threshold)
    heavy = bool(c.data.get("heavy_penalty")) and c.data.get("case_type") == "penalty"
    return {"review_scope": grounds, "heavy_case": heavy, **_er_resubmitted(c, c.data["proposed_decision"])}


@guard(K.enforcement_supplement, ER)
def _er_supplement(c: Context) -> dict[str, Any]:
    """ER-4/ER-6: a supplement or a corrected proposal is a new submission, reviewed afresh."""
    _require_attested(c)
    return _er_resubmitted(c, c.data.get("revised_proposed_decision") or c.before.get("proposed_decision"))


def _require_attested(c: Context) -> None:
    if c.data.get("truth_declaration") is not True:
        raise e.MaterialsUnattested()


def _er_resubmitted(c: Context, proposed: Any) -> dict[str, Any]:
    have = {**c.before, **c.data}
    missing = [m.key for m in ENFORCEMENT_MATERIALS
               if (m.required or have.get(ENFORCEMENT_CONDITIONS.get(m.field, ""))) and not isinstance(
                   have.get(m.field), dict)]
    due = workdays.add_working_days(c.today, c.limits.er_review_working_days)
    return {"current_submission_sha256": proposed["sha256"] if isinstance(proposed, dict) else None,
            "materials_missing": missing, "review_opinion": "pending", "collective_discussed": False,
            "review_materials_received": c.today.isoformat(), "review_due": due.last_day.isoformat(),
            "review_due_provisional": due.provisional}


@guard(K.enforcement_legal_review, ER)
def _er_legal_review(c: Context) -> dict[str, Any]:
    _require_reviewer(c)
    opinion = c.data["opinion"]
    if opinion != "supplement_requested":
        missing = c.before.get("materials_missing") or []
        if missing:
            names = {m.key: m.zh for m in ENFORCEMENT_MATERIALS}
            raise e.MaterialsIncomplete(materials="、".join(names.get(k, k) for k in missing))
        for field_name, content in REVIEW_FINDINGS.items():
            if not c.data.get(field_name):
                raise e.ReviewFindingMissing(finding=content, field=field_name)
        if not isinstance(c.data.get("opinion_document"), dict):
            raise e.OpinionNotWritten()
        if opinion == "problems" and not c.data.get("problems"):
            raise e.ProblemsUnreasoned()
    return {"review_opinion": opinion, "reviewed_submission_sha256": c.before.get("current_submission_sha256"),
            "reviewed_at": c.now.isoformat(), **_er_review_time(c),
            "collective_required": bool(c.before.get("heavy_case") or c.data.get("collective_discussion_required"))}


def _require_reviewer(c: Context) -> None:
    """ER-3: not an investigator of the case; a first-time penalty reviewer holds the qualification."""
    if c.actor is None:
        return
    if c.actor.username in c.before.get("investigators", []):
        raise e.InvestigatorMayNotReview(username=c.actor.username, other_step="investigators", step="legal_review")
    since = c.data.get("reviewing_since")
    veteran = since is not None and _date(since, "reviewing_since") < QUALIFICATION_FROM
    if c.before.get("case_type") == "penalty" and not c.actor.holds("legal_professional") and not veteran:
        raise e.ReviewerUnqualified(username=c.actor.username)


def _er_review_time(c: Context) -> dict[str, Any]:
    """ER-7: past the review period an opinion states the approved extension; past that it is flagged."""
    if not c.before.get("review_due"):
        return {}
    due = _date(c.before["review_due"], "review_due")
    if c.today <= due:
        return {"review_overdue": False}
    if not (c.data.get("extension_reason") and c.data.get("extension_approved_by")):
        raise e.ReviewExtensionUnapproved(due=due.isoformat())
    extended = workdays.add_working_days(due, c.limits.er_extension_working_days)
    return {"review_extended_to": extended.last_day.isoformat(), "review_overdue": c.today > extended.last_day}


@guard(K.collective_discussion, ER)
def _er_collective(c: Context) -> dict[str, Any]:
    """ER-8: the organ's heads decide together, on a case the legal review agreed to (ER-2)."""
    if c.before.get("review_opinion") != "agree":
        raise e.NotReviewedAgree(opinion=c.before.get("review_opinion"))
    heads = {str(p).strip() for p in c.data.get("participants", [])}
    if len(heads) < c.limits.er_collective_minimum:
        raise e.NotCollective(count=len(heads), minimum=c.limits.er_collective_minimum)
    return {"collective_discussed": c.data.get("meeting_outcome") == "decide"}


@guard(K.enforcement_decision, ER)
def _er_decision(c: Context) -> dict[str, Any]:
    """ER-2: only on an agreeing review of the very proposal; ER-8: flagged cases after the heads met."""
    if c.data.get("head_decision") != "decide":
        return {}
    if c.before.get("review_opinion") != "agree":
        raise e.NotReviewedAgree(opinion=c.before.get("review_opinion"))
    if c.before.get("reviewed_submission_sha256") != c.before.get("current_submission_sha256"):
        raise e.SubmissionChangedAfterReview()
    if c.before.get("collective_required") and not c.before.get("collective_discussed"):
        raise e.CollectiveDiscussionMissing()
    return {"decided_submission_sha256": c.before.get("current_submission_sha256")}

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

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from engine import workdays
from engine.domain import citations, inputs
from engine.domain import errors as e
from engine.domain.actors import Actor, canonical_username
from engine.domain.independence import Affiliations
from engine.domain.known_facts import identity
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
    rc_application_days: int = 60     # RC-2: days to apply after knowing of the act
    rc_acceptance_working_days: int = 5  # RC-4: acceptance review, then deemed accepted
    rc_correction_working_days: int = 10  # RC-5: the applicant's time to supplement
    rc_copy_working_days: int = 7     # RC-9: copy to the respondent after acceptance
    rc_reply_working_days: int = 10   # RC-9: the respondent's reply after receipt
    rc_simplified_copy_working_days: int = 3  # RC-11
    rc_simplified_reply_working_days: int = 5  # RC-11
    rc_simplified_fine_limit: int = 3000  # RC-11: fines up to this amount (yuan) may go simplified
    rc_hearing_notice_working_days: int = 5  # RC-10: written notice before the hearing
    rc_investigators_minimum: int = 2  # RC-8
    rc_decision_days: int = 60        # RC-12: calendar days from acceptance
    rc_simplified_decision_days: int = 30  # RC-12
    rc_extension_days: int = 30       # RC-12: one extension at most
    rc_suspension_termination_days: int = 60  # RC-7: Art. 41(5)
    rc_opinion_letter_days: int = 60  # RC-15: Art. 76, corrections reported after an opinion letter
    rc_forwarding_working_days: int = 5  # RC-6: the penalty organ forwards an application lodged with it
    rc_suit_days: int = 15            # RC-6: suit after non-acceptance in review-first cases (Art. 34)
    rc_incidental_days: int = 30      # RC-14: the organ handles an incidental review itself
    rc_incidental_forward_working_days: int = 7  # RC-14: or forwards it to the organ that may
    rc_incidental_notice_working_days: int = 3  # RC-14: notice to the enacting organ
    rc_incidental_answer_working_days: int = 10  # RC-14: the enacting organ's written answer
    rc_incidental_reply_days: int = 60  # RC-14: the receiving organ's answer to a forwarded review
    nd_comment_working_days: int = 7  # ND-3 [S]: public comment, generally
    nd_market_comment_days: int = 30  # ND-3 [S]: documents closely tied to market entities' business
    nd_review_working_days: int = 15  # ND-4 [M]: legality review at most 15 working days
    nd_review_minimum_working_days: int = 5  # ND-4 [M]: and generally at least 5
    nd_filing_days: int = 30          # ND-7 [M]: filing within 30 days after publication (provincial rules)
    nd_validity_years: int = 5        # ND-8 [S]: validity generally at most 5 years
    nd_trial_validity_years: int = 2  # ND-8 [M]: trial / interim documents
    nd_expiry_reminder_months: int = 6  # ND-8 [S]: evaluation before expiry


@dataclass(frozen=True)
class Context:
    data: Mapping[str, Any]           # the new step's data
    before: Mapping[str, Any]         # what the procedure recorded so far
    now: datetime
    limits: Limits = field(default_factory=Limits)
    catalogue_status: str | None = None   # the chosen catalogue item's status, looked up by the service
    actor: Actor | None = None        # who does the step, for guards on the person (ER-3)
    registry: tuple[Mapping[str, Any], ...] | None = None  # the registry, looked up for the clean-up's scope (ND-9)
    completed: Mapping[str, tuple[datetime, ...]] = field(default_factory=dict)
    """When earlier steps were completed, by step kind, oldest first: the work items' record, looked up
    for the steps `COMPLETED_NEEDED` names (MD-26b), never a date the client typed."""
    affiliations: Affiliations | None = None
    """The sponsor's unit and the named users' units from the registry, for the steps `AFFILIATIONS_NEEDED`
    names (MD-20, MD-23): a declaration of no interest never stands in for them."""
    numbers_in_use: Mapping[str, int] | None = None
    """Canonical number → the other procedure holding it, read from history for the steps `NUMBERS_NEEDED`
    names (ND-6 and document numbers)."""

    @property
    def today(self) -> date:
        return workdays.local_date(self.now)


Guard = Callable[[Context], dict[str, Any]]
COMPLETED_NEEDED: dict[tuple[str, str], tuple[str, ...]] = {
    ("major_decision", K.deliberation): (K.review_submission, K.supplement, K.legality_review),
}
"""(statute, step kind) → the earlier step kinds whose completion moments its guard reads (`Context.completed`)."""
AFFILIATIONS_NEEDED: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("major_decision", K.expert_argumentation): (("experts", "username"),),
    ("major_decision", K.risk_assessment): (("third_party_assessors", "username"),),
}
"""(statute, step kind) → the (list field, username sub-field) whose users the service looks up in the
registry, with the sponsor, for `Context.affiliations`."""
NUMBERS_NEEDED: dict[tuple[str, str], str] = {
    ("normative_document", K.registration): "registration_number",
    ("enforcement_review", K.enforcement_decision): "decision_number",
}
"""(statute, step kind) → the number field that is unique across procedures (`Context.numbers_in_use`)."""
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


def _not_before(value: object, field_name: str, earliest: date, reason: str, reason_zh: str) -> date:
    """DF-DATE: a date that follows an earlier step, or an earlier date of the same step, is not before it."""
    day = _date(value, field_name)
    if day < earliest:
        raise e.DateTooEarly(field=field_name, date=day.isoformat(), earliest=earliest.isoformat(), kind="order",
                             reason=reason, reason_zh=reason_zh)
    return day


def _date(value: object, field_name: str) -> date:
    problem = inputs.date_problem(str(value))
    if problem:
        raise e.FormInvalid(field=field_name, problem=problem[0], problem_zh=problem[1])
    return date.fromisoformat(str(value))


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
    if c.before.get("hearing_date"):  # MD-16b: announced in advance, so never held before the announced day
        _not_before(held, "held_on", _date(c.before["hearing_date"], "hearing_date"),
                    "the hearing was announced for that day", "听证会公告的举行日期为该日，不得提前举行")
    if c.before.get("participant_list_published_on"):  # MD-16c: materials go to the participants listed
        listed = _date(c.before["participant_list_published_on"], "participant_list_published_on")
        for i, delivery in enumerate(c.data["deliveries"]):
            _not_before(delivery["delivered_on"], f"deliveries.{i}.delivered_on", listed,
                        "materials go to the participants on the list published that day",
                        "听证材料送达参加人名单所列人员，送达日期不得早于名单公布之日")
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
    for index, expert in enumerate(c.data.get("experts", [])):
        if expert.get("direct_interest"):
            raise e.ExpertInterested(expert=expert.get("name"))
        organisation = _registered_unit(c, "experts", index, expert)
        if organisation:
            raise e.ExpertNotIndependent(expert=expert.get("name"), organisation=organisation,
                                         field=f"experts.{index}.organisation")
    if not c.data.get("signed_or_sealed"):
        raise e.ExpertOpinionUnsigned()
    return {}


@guard(K.risk_assessment)
def _risk(c: Context) -> dict[str, Any]:
    """MD-23: a third party that assesses the risk is not the sponsoring unit (by the registry)."""
    for index, assessor in enumerate(c.data.get("third_party_assessors", [])):
        organisation = _registered_unit(c, "third_party_assessors", index, assessor)
        if organisation:
            raise e.RiskAssessorNotIndependent(assessor=assessor.get("name"), organisation=organisation,
                                               field=f"third_party_assessors.{index}.organisation")
    return {"risk_controllable": c.data.get("conclusion") == "controllable"}


def _registered_unit(c: Context, list_field: str, index: int, person: Mapping[str, Any]) -> str | None:
    """The excluded unit (the sponsor's) a named person belongs to, by the registry for a user and by the
    stated unit otherwise; a username the registry does not know is refused, never trusted."""
    if c.affiliations is None:
        return None
    username = person.get("username")
    if username and c.affiliations.unit_of(username) is None:
        raise e.FormInvalid(field=f"{list_field}.{index}.username", problem=f"no user {username} in the registry",
                            problem_zh=f"用户名 {username} 不在组织机构登记中")
    return c.affiliations.conflict(person.get("organisation"), username)


def _require_legal_basis(c: Context, error: type[e.LegalBasisInvalid]) -> None:
    """MD-12a, MD-26a, ND-2: each legal basis names an instrument and an article (never 无)."""
    problem = citations.legal_basis_problem(c.data.get("legal_basis", []))
    if problem:
        index, sub, text, text_zh = problem
        raise error(field=f"legal_basis.{index}.{sub}", problem=text, problem_zh=text_zh)


def _require_unique_number(c: Context, field_name: str, number: str) -> None:
    """ND-6 and document numbers: a number another procedure already recorded is refused, naming it."""
    held_by = citations.holder(c.numbers_in_use, number)
    if held_by is not None and field_name == "registration_number":
        raise e.RegistrationNumberTaken(number=number, procedure=held_by, field=field_name)
    if held_by is not None:
        raise e.DocumentNumberTaken(number=number, procedure=held_by, field=field_name)


def _draft_sha(c: Context, field_name: str) -> dict[str, Any]:
    """MD-25b: remember which draft (by SHA-256) is now the one to review and deliberate."""
    document = c.data.get(field_name)
    return {"current_draft_sha256": document["sha256"]} if isinstance(document, dict) else {}


@guard(K.drafting)
def _drafting_sha(c: Context) -> dict[str, Any]:
    _require_legal_basis(c, e.LegalBasisInvalid)
    return {**_drafting(c), **_draft_sha(c, "draft")}


@guard(K.revision)
def _revision(c: Context) -> dict[str, Any]:
    return _draft_sha(c, "revised_draft")


@guard(K.review_submission)
def _review_submission(c: Context) -> dict[str, Any]:
    if c.before.get("county_sc5") and not c.before.get("consistency_assessed"):
        raise e.ConsistencyAssessmentMissing()
    _require_legal_basis(c, e.ReviewLegalBasisInvalid)
    clock = _review_clock(c)
    if c.data.get("requested_meeting_date"):
        _require_meeting_after_review(c, "requested_meeting_date", c.data["requested_meeting_date"], c.today, None)
    return {**clock, **_draft_sha(c, "draft")}


@guard(K.consistency_assessment)
def _consistency(c: Context) -> dict[str, Any]:
    return {"consistency_assessed": True}


@guard(K.party_group_review)
def _party_group(c: Context) -> dict[str, Any]:
    return {"party_group_reviewed": True}


@guard(K.supplement)
def _supplement(c: Context) -> dict[str, Any]:
    """MD-26b: a supplement restarts the count on resubmission, so the meeting requested moves with it."""
    requested = c.data.get("requested_meeting_date") or c.before.get("requested_meeting_date")
    if requested:
        _require_meeting_after_review(c, "requested_meeting_date", requested, c.today, None,
                                      restarted="requested_meeting_date" not in c.data)
    return _review_clock(c)


def _require_meeting_after_review(c: Context, field_name: str, value: object, received: date,
                                  opinion: date | None, restarted: bool = False) -> None:
    """MD-26b: no meeting before the review's due day — the 7th working day after the complete materials,
    restarted by a supplement — unless the opinion on them is issued, and then not before the opinion.
    `received` and `opinion` are the engine's own dates (the clock, the work items), never typed."""
    day = _date(value, field_name)
    if opinion is not None:
        earliest, reason, reason_zh = opinion, "the legality review opinion was issued that day", \
            "合法性审查意见于该日出具，会议日期不得早于该日"
    else:
        earliest = workdays.add_working_days(received, c.limits.review_working_days).last_day
        n = c.limits.review_working_days
        reason = (f"the legality review is left {n} working days after the complete materials received on "
                  f"{received.isoformat()}; the opinion is not yet issued")
        reason_zh = f"合法性审查应当保证不少于{n}个工作日（自{received.isoformat()}收到完整材料起算），审查意见尚未出具"
        if restarted:
            reason += "; the supplement restarted the count: give a new requested meeting date"
            reason_zh += "；补充材料后审查期限重新计算，请重新填写拟提请会议审议日期"
    if day < earliest:
        raise e.MeetingBeforeReviewDue(field=field_name, date=day.isoformat(), earliest=earliest.isoformat(),
                                       reason=reason, reason_zh=reason_zh)


def _review_dates(c: Context) -> tuple[date | None, date | None]:
    """MD-26b: the day the latest complete materials were received and the day the opinion on them was
    issued (None while pending), from the work items of the review steps."""
    received = [*c.completed.get(K.review_submission, ()), *c.completed.get(K.supplement, ())]
    if not received:
        return None, None
    last = max(received)
    opinions = [at for at in c.completed.get(K.legality_review, ()) if at >= last]
    return (workdays.local_date(last),
            workdays.local_date(max(opinions)) if opinions else None)


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
    received, opinion = _review_dates(c)
    if received is not None:
        _require_meeting_after_review(c, "meeting_date", c.data["meeting_date"], received, opinion)
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
    """MD-36b: the evaluator is not a unit that did the main argumentation or assessment: neither the
    unit named on the form nor the organisation the registry puts the evaluating user in."""
    excluded = {canonical_username(str(u)) for u in c.before.get("pre_decision_units", [])}
    named = c.data.get("evaluator_org") or c.before.get("evaluator_org")
    evaluating = c.actor.org if c.actor and "trigger" not in c.data else None  # the organ ordering it does not evaluate
    for evaluator in (named, evaluating):
        if evaluator and canonical_username(str(evaluator)) in excluded:
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
    return {"review_scope": grounds, "heavy_case": heavy, **_er_resubmitted(c, _sha256_of(c.data["proposed_decision"]))}


@guard(K.enforcement_supplement, ER)
def _er_supplement(c: Context) -> dict[str, Any]:
    """ER-4/ER-6: a supplement or a corrected proposal is a new submission, reviewed afresh; a written
    objection to the opinion goes to the heads' coordination instead, the submission unchanged."""
    _require_attested(c)
    if c.data.get("objection"):
        changed = sorted(m.field for m in ENFORCEMENT_MATERIALS if m.field in c.data)
        if changed or "revised_proposed_decision" in c.data:
            raise e.FormInvalid(field=(changed or ["revised_proposed_decision"])[0],
                                problem="an objection stands on the submission reviewed: no new materials with it",
                                problem_zh="提出异议的，以已审核的送审材料为准，不得同时补充或者修改材料")
        return {"objection_raised": True}
    revised = _sha256_of(c.data.get("revised_proposed_decision"))
    return {**_er_resubmitted(c, revised or c.before.get("current_submission_sha256")), "objection_raised": False}


def _sha256_of(document: Any) -> str | None:
    return document["sha256"] if isinstance(document, dict) else None


@guard(K.coordination, ER)
def _er_coordination(c: Context) -> dict[str, Any]:
    """ER-6: the heads settle a disagreement together (ER-8's minimum); siding with the unit lets the
    decision proceed on the very submission they discussed, recorded with reasons."""
    heads = {identity(p) for p in c.data.get("participants", [])}
    if len(heads) < c.limits.er_collective_minimum:
        raise e.NotCollective(count=len(heads), minimum=c.limits.er_collective_minimum)
    if c.data["outcome"] != "unit_prevails":
        return {"coordination_outcome": "review_stands"}
    return {"coordination_outcome": "unit_prevails", "collective_discussed": True,
            "coordinated_submission_sha256": c.before.get("current_submission_sha256")}


@guard(K.judicial_transfer, ER)
def _er_transfer(c: Context) -> dict[str, Any]:
    """ER-5/ER-6: a suspected crime is transferred to the judicial organs; no enforcement decision follows."""
    transferred = _date(c.data["transferred_on"], "transferred_on")
    reviewed = workdays.local_date(datetime.fromisoformat(c.before["reviewed_at"]))
    if not reviewed <= transferred <= c.today:
        raise e.FormInvalid(field="transferred_on", problem="between the legal review and today",
                            problem_zh="移送日期应当在法制审核之日与今天之间")
    return {"transferred_on": transferred.isoformat(), "transferred_to": c.data["transferred_to"]}


def _require_attested(c: Context) -> None:
    if c.data.get("truth_declaration") is not True:
        raise e.MaterialsUnattested()


def _er_resubmitted(c: Context, proposed_sha256: str | None) -> dict[str, Any]:
    """A (re)submission: the proposal under review, what is missing, and a fresh review clock."""
    have = {**c.before, **c.data}
    missing = [m.key for m in ENFORCEMENT_MATERIALS
               if (m.required or have.get(ENFORCEMENT_CONDITIONS.get(m.field, ""))) and not isinstance(
                   have.get(m.field), dict)]
    due = workdays.add_working_days(c.today, c.limits.er_review_working_days)
    return {"current_submission_sha256": proposed_sha256,
            "materials_missing": missing, "review_opinion": "pending", "collective_discussed": False,
            "coordination_outcome": None,
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
        if opinion in ("problems", "transfer") and not c.data.get("problems"):
            raise e.ProblemsUnreasoned()
        if (c.data.get("crime_transfer") == "transfer") != (opinion == "transfer"):
            raise e.CrimeTransferMismatch(finding=c.data.get("crime_transfer"), opinion=opinion)
    return {"review_opinion": opinion, "reviewed_submission_sha256": c.before.get("current_submission_sha256"),
            "reviewed_at": c.now.isoformat(), **_er_review_time(c),
            "collective_required": bool(c.before.get("heavy_case") or c.data.get("collective_discussion_required"))}


def _require_reviewer(c: Context) -> None:
    """ER-3: not an investigator of the case; a first-time penalty reviewer holds the qualification."""
    if c.actor is None:
        return
    named = {canonical_username(str(name)) for name in c.before.get("investigators", [])}
    if canonical_username(c.actor.username) in named:  # the accounts as typed: case and white space aside
        raise e.InvestigatorMayNotReview(username=c.actor.username, other_step="investigators",
                                         other_kind="enforcement_submission", step="legal_review",
                                         step_kind="enforcement_legal_review")
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
    heads = {identity(p) for p in c.data.get("participants", [])}
    if len(heads) < c.limits.er_collective_minimum:
        raise e.NotCollective(count=len(heads), minimum=c.limits.er_collective_minimum)
    return {"collective_discussed": c.data.get("meeting_outcome") == "decide"}


@guard(K.enforcement_decision, ER)
def _er_decision(c: Context) -> dict[str, Any]:
    """ER-2: only on an agreeing review of the very proposal; ER-8: flagged cases after the heads met."""
    if c.data.get("head_decision") != "decide":
        return {}
    current = c.before.get("current_submission_sha256")
    coordinated = c.before.get("coordination_outcome") == "unit_prevails" and \
        c.before.get("coordinated_submission_sha256") == current
    if c.before.get("review_opinion") != "agree" and not coordinated:
        raise e.NotReviewedAgree(opinion=c.before.get("review_opinion"))
    if not coordinated and c.before.get("reviewed_submission_sha256") != current:
        raise e.SubmissionChangedAfterReview()
    if c.before.get("collective_required") and not c.before.get("collective_discussed"):
        raise e.CollectiveDiscussionMissing()
    _require_unique_number(c, "decision_number", str(c.data.get("decision_number", "")))
    return {"decided_submission_sha256": c.before.get("current_submission_sha256")}

# --- administrative normative documents (statute normative_document, ND-…) ---

ND = "normative_document"
QUALIFICATION: dict[str, str] = {
    "within_powers": "在法定职权范围内制定", "affects_rights_obligations": "涉及权利义务",
    "generally_binding": "具有普遍约束力", "repeatedly_applicable": "在一定期限内反复适用",
    "to_be_published": "依照法定程序制定并公开发布",
}
"""ND-1: what makes a document a normative document, field → criterion; all are confirmed."""

CONTENT_LIMITS: dict[str, str] = {
    "creates_licence": "设定行政许可", "creates_penalty": "设定行政处罚", "creates_compulsion": "设定行政强制措施",
    "creates_fee": "设定收费", "adds_obligations": "增加义务", "reduces_rights": "减损权利",
}
"""ND-2: what a normative document may not do, field → content; the legality review finds on each."""

REGISTRATION_NUMBER = re.compile(r"^\S+规〔\d{4}〕\d+号$")
"""ND-6: the unified number, e.g. 示范府规〔2026〕3号."""


@guard(K.nd_drafting, ND)
def _nd_drafting(c: Context) -> dict[str, Any]:
    """ND-1 qualification, ND-11 major decisions first; ND-3 decides whether the draft is put out for comment."""
    missing = [zh for field_name, zh in QUALIFICATION.items() if c.data.get(field_name) is not True]
    if missing:
        raise e.QualificationUnconfirmed(missing="、".join(missing))
    _require_legal_basis(c, e.NdLegalBasisInvalid)
    if c.data.get("is_major_decision") and not c.data.get("major_decision_procedure"):
        raise e.MajorDecisionProcedureRequired()
    market = bool(c.data.get("market_entities_affected"))
    return {"market_entities_affected": market, "comment_required": market or bool(c.data.get("major_effect")),
            **_draft_sha(c, "draft")}


@guard(K.nd_public_comment, ND)
def _nd_public_comment(c: Context) -> dict[str, Any]:
    """ND-3: at least 7 working days, 30 days where market entities' business is closely concerned."""
    start, end = _date(c.data["start_date"], "start_date"), _date(c.data["end_date"], "end_date")
    if start > c.today:
        raise e.FormInvalid(field="start_date", problem="the call cannot be published in the future",
                            problem_zh="公告发布日期不能晚于今天")
    if c.before.get("market_entities_affected"):
        earliest = workdays.add_days(start, c.limits.nd_market_comment_days).last_day
        minimum = f"{c.limits.nd_market_comment_days} 日"
    else:
        earliest = workdays.add_working_days(start, c.limits.nd_comment_working_days).last_day
        minimum = f"{c.limits.nd_comment_working_days} 个工作日"
    if end < earliest:
        raise e.DocumentCommentTooShort(end=end.isoformat(), earliest=earliest.isoformat(), minimum=minimum)
    return {"comment_closes_at": workdays.Deadline(end, False).ends_at.isoformat()}


@guard(K.nd_review_submission, ND)
def _nd_review_submission(c: Context) -> dict[str, Any]:
    return {**_nd_review_clock(c), **_draft_sha(c, "draft")}


@guard(K.nd_revision, ND)
def _nd_revision(c: Context) -> dict[str, Any]:
    """ND-4: a revised draft is reviewed afresh before it goes (back) to the collective review."""
    return {**_nd_review_clock(c), **_draft_sha(c, "revised_draft"), "collective_adopted": False}


def _nd_review_clock(c: Context) -> dict[str, Any]:
    due = workdays.add_working_days(c.today, c.limits.nd_review_working_days)
    return {"review_outcome": "pending", "review_materials_received": c.today.isoformat(),
            "review_due": due.last_day.isoformat(), "review_due_provisional": due.provisional}


@guard(K.nd_legality_review, ND)
def _nd_legality_review(c: Context) -> dict[str, Any]:
    """ND-2: a document that creates licences, penalties, compulsion or fees, or adds obligations, is not lawful."""
    found = [zh for field_name, zh in CONTENT_LIMITS.items() if c.data.get(field_name)]
    if c.data["outcome"] == "lawful" and found:
        raise e.ContentBeyondPowers(findings="、".join(found))
    return {"review_outcome": c.data["outcome"], "reviewed_draft_sha256": c.before.get("current_draft_sha256"),
            "reviewed_at": c.now.isoformat(), **_nd_review_time(c)}


def _nd_review_time(c: Context) -> dict[str, Any]:
    """ND-4: review takes generally at least 5 working days; an opinion given sooner says why."""
    received = c.before.get("review_materials_received")
    if not received:
        return {}
    earliest = workdays.add_working_days(_date(received, "review_materials_received"),
                                         c.limits.nd_review_minimum_working_days).last_day
    if c.today >= earliest:
        return {"review_expedited": False}
    if not str(c.data.get("expedited_reason") or "").strip():
        raise e.ReviewTooShort(earliest=earliest.isoformat(), days=c.limits.nd_review_minimum_working_days,
                               field="expedited_reason")
    return {"review_expedited": True}


@guard(K.nd_collective_review, ND)
def _nd_collective_review(c: Context) -> dict[str, Any]:
    """ND-4: only a draft found lawful, unchanged since; ND-5: at a leadership meeting."""
    if c.before.get("review_outcome") != "lawful" or \
            c.before.get("reviewed_draft_sha256") != c.before.get("current_draft_sha256"):
        raise e.DocumentNotReviewedLawful(outcome=c.before.get("review_outcome"))
    if c.data.get("meeting_type") not in ("standing", "office"):
        raise e.NotALeadershipMeeting(meeting_type=c.data.get("meeting_type"))
    return {"collective_adopted": c.data.get("meeting_outcome") == "adopt"}


@guard(K.signing, ND)
def _nd_signing(c: Context) -> dict[str, Any]:
    """ND-5: the principal head signs the adopted document."""
    if c.actor is not None and not c.actor.holds("head"):
        raise e.NotPrincipalHead(username=c.actor.username)
    if not c.before.get("collective_adopted"):
        raise e.DocumentNotAdopted()
    return {"signed_by": c.actor.username if c.actor else None}


@guard(K.registration, ND)
def _nd_registration(c: Context) -> dict[str, Any]:
    """ND-6: the unified number, only after the collective review adopted the document."""
    if not c.before.get("collective_adopted"):
        raise e.DocumentNotAdopted()
    number = str(c.data.get("registration_number", "")).strip()
    if not REGISTRATION_NUMBER.match(number):
        raise e.RegistrationNumberInvalid(number=number)
    _require_unique_number(c, "registration_number", number)
    return {"registration_number": number}


@guard(K.nd_publication, ND)
def _nd_publication(c: Context) -> dict[str, Any]:
    """ND-6: issued under its number; ND-8: a validity period; ND-7: starts the filing deadline."""
    if not c.before.get("registration_number"):
        raise e.DocumentNotRegistered()
    published = _date(c.data["published_on"], "published_on")
    if published > c.today:
        raise e.FormInvalid(field="published_on", problem="a document is published, not to be published",
                            problem_zh="公布日期不能晚于今天（未经公布的不得作为行政管理依据）")
    effective = _not_before(c.data["effective_from"], "effective_from", published,
                            "an unpublished document is no basis for administration: it takes effect when published "
                            "or later", "未经公布的行政规范性文件不得作为行政管理依据，施行日期不得早于公布日期")
    valid_until = _date(c.data["valid_until"], "valid_until")
    years = c.limits.nd_trial_validity_years if c.data.get("trial") else c.limits.nd_validity_years
    latest = _years_after(effective, years) - timedelta(days=1)
    if valid_until > latest or valid_until < effective:
        raise e.ValidityTooLong(valid_until=valid_until.isoformat(), effective_from=effective.isoformat(),
                                latest=latest.isoformat(), years=years)
    due = workdays.add_days(published, c.limits.nd_filing_days)
    return {"published_on": published.isoformat(), "effective_from": effective.isoformat(),
            "filing_due": due.last_day.isoformat(), "document_status": "valid",
            **_nd_validity(valid_until, c.limits)}


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@guard(K.filing, ND)
def _nd_filing(c: Context) -> dict[str, Any]:
    """ND-7: filed with proof of receipt; filing after the deadline is recorded as overdue."""
    filed = _date(c.data["filed_on"], "filed_on")
    published = c.before.get("published_on")
    if filed > c.today or (published and filed < _date(published, "published_on")):
        raise e.FormInvalid(field="filed_on", problem="between the publication and today",
                            problem_zh="报送备案日期应当在公布之日与今天之间")
    due = c.before.get("filing_due")
    overdue = bool(due) and filed > _date(due, "filing_due")
    organ = c.data["filed_with"]
    return {f"filed_with_{organ}": filed.isoformat(), f"filing_{organ}_overdue": overdue, "filing_overdue": overdue}


@guard(K.nd_validity_evaluation, ND)
def _nd_validity_evaluation(c: Context) -> dict[str, Any]:
    """ND-8: before expiry the organ continues (a new period of at most 5 years), amends or repeals."""
    if c.data["validity_decision"] != "continue":
        return {"document_status": c.data["validity_decision"]}
    current = _date(c.before["valid_until"], "valid_until")
    renewed = _date(c.data.get("new_valid_until", ""), "new_valid_until")
    start = current + timedelta(days=1)
    latest = _years_after(start, c.limits.nd_validity_years) - timedelta(days=1)
    if not current < renewed <= latest:
        raise e.ValidityTooLong(valid_until=renewed.isoformat(), effective_from=start.isoformat(),
                                latest=latest.isoformat(), years=c.limits.nd_validity_years)
    return {"document_status": "valid", **_nd_validity(renewed, c.limits)}


def _nd_validity(valid_until: date, limits: Limits) -> dict[str, Any]:
    """ND-8: the expiry reminder (months before the last valid day) and the lapse on the day after it."""
    month = valid_until.month - limits.nd_expiry_reminder_months
    year, month = valid_until.year + (month - 1) // 12, (month - 1) % 12 + 1
    reminder = _clamped(year, month, valid_until.day)
    return {"valid_until": valid_until.isoformat(),
            "evaluation_due_at": workdays.Deadline(reminder - timedelta(days=1), False).ends_at.isoformat(),
            "lapses_at": workdays.Deadline(valid_until, False).ends_at.isoformat()}


def _clamped(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


# --- periodic and special clean-ups of normative documents (statute nd_cleanup, ND-9) ---

NDC = "nd_cleanup"
CLEANUP_SCOPE = ("in_force", "amending")
"""ND-9: what a clean-up reviews: the registry's documents in force, those marked for amendment included
(they stay in force until an amended text replaces them)."""

CLEANUP_LISTS = {"continue": "continuing_list", "amend": "amending_list", "repeal": "repealed_list"}
"""ND-9: the list each decision puts a document on; documents whose validity ran out go on `lapsed_list`."""

CLEANUP_DECISIONS_ZH = {"continue": "继续有效", "amend": "修改", "repeal": "废止"}


@guard(K.cleanup, NDC)
def _ndc_scope(c: Context) -> dict[str, Any]:
    """ND-9: a special clean-up states its reason; the scope is the registry as it stands now, kept in the
    procedure so review, approval and publication all work on the same documents."""
    kind = c.data["cleanup_type"]
    started_as = c.before.get("cleanup_started_as")
    if started_as and kind != started_as:
        raise e.FormInvalid(field="cleanup_type", problem=f"this clean-up was started as {started_as}",
                            problem_zh="清理类型与启动方式不一致（按年度计划自动启动的为定期清理）")
    if kind == "special" and not str(c.data.get("special_reason") or "").strip():
        raise e.SpecialCleanupUnreasoned(field="special_reason")
    if c.registry is None:
        raise RuntimeError("the clean-up's scope needs the registry: tasks.complete passes it for this step")
    scope = [_ndc_document(d) for d in c.registry if d.get("status") in CLEANUP_SCOPE]
    lapsed = [_ndc_document(d) for d in c.registry
              if d.get("status") == "expired" and d.get("cleanup_decision") != "lapsed"]
    return {"cleanup_scope": scope, "cleanup_lapsed": lapsed, "scope_taken_on": c.today.isoformat(),
            "cleanup_decisions": [], "cleanup_approved": False}


def _ndc_document(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"procedure_id": entry["procedure_id"], "number": entry["number"], "title": entry["title"],
            "organisation": entry.get("organisation"), "valid_until": entry.get("valid_until")}


@guard(K.cleanup_review, NDC)
def _ndc_review(c: Context) -> dict[str, Any]:
    """ND-9: each document in scope is decided once: continue (its basis confirmed), amend or repeal (with the
    reason); a row without a decision leaves its document undecided, and the review is refused."""
    scope = {d["number"]: d for d in c.before.get("cleanup_scope", [])}
    decided: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(c.data.get("decisions", [])):
        number, decision = str(row.get("number", "")).strip(), row.get("decision")
        if number not in scope:
            raise e.CleanupDocumentUnknown(number=number, field=f"decisions.{i}.number")
        if number in decided:
            raise e.CleanupDecidedTwice(number=number, field=f"decisions.{i}.number")
        if decision is None:
            continue
        reason = str(row.get("reason") or "").strip()
        if decision != "continue" and not reason:
            raise e.CleanupUnreasoned(number=number, decision=decision, decision_zh=CLEANUP_DECISIONS_ZH[decision],
                                      field=f"decisions.{i}.reason")
        if decision == "continue" and row.get("basis_confirmed") is not True:
            raise e.CleanupBasisUnconfirmed(number=number, field=f"decisions.{i}.basis_confirmed")
        decided[number] = {**scope[number], "decision": decision, "reason": reason}
    _ndc_require_decided(scope, decided, "decisions")
    return {"cleanup_decisions": [decided[n] for n in scope], "cleanup_approved": False}


def _ndc_require_decided(scope: Mapping[str, Any], decided: Mapping[str, Any], field_name: str | None = None) -> None:
    """ND-9: no clean-up goes on, or closes, while a document of its scope is undecided."""
    undecided = [number for number in scope if number not in decided]
    if undecided:
        raise e.CleanupUndecided(count=len(undecided), numbers="、".join(undecided),
                                 **({"field": field_name} if field_name else {}))


def _ndc_recorded(c: Context) -> list[dict[str, Any]]:
    decisions = list(c.before.get("cleanup_decisions") or [])
    _ndc_require_decided({d["number"]: d for d in c.before.get("cleanup_scope", [])},
                         {d["number"]: d for d in decisions})
    return decisions


@guard(K.cleanup_approval, NDC)
def _ndc_approval(c: Context) -> dict[str, Any]:
    """ND-9, as ND-5 for the documents themselves: the leadership approves the result at a meeting."""
    _ndc_recorded(c)
    if c.data.get("meeting_type") not in ("standing", "office"):
        raise e.CleanupNotAtMeeting(meeting_type=c.data.get("meeting_type"), field="meeting_type")
    return {"cleanup_approved": c.data.get("meeting_outcome") == "adopt"}


@guard(K.cleanup_publication, NDC)
def _ndc_publication(c: Context) -> dict[str, Any]:
    """ND-9: the approved lists are published: continuing, to be amended, repealed and lapsed documents; a
    document on no continuing list is no basis for administration from then on."""
    decisions = _ndc_recorded(c)
    if not c.before.get("cleanup_approved"):
        raise e.CleanupNotApproved()
    published = _date(c.data["published_on"], "published_on")
    if published > c.today:
        raise e.FormInvalid(field="published_on", problem="the lists cannot be published in the future",
                            problem_zh="公布日期不能晚于今天")
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in CLEANUP_LISTS.values()}
    for d in decisions:
        lists[CLEANUP_LISTS[d["decision"]]].append(_ndc_listed(d))
    return {"published_on": published.isoformat(), **lists,
            "lapsed_list": [_ndc_listed(d) for d in c.before.get("cleanup_lapsed", [])]}


def _ndc_listed(document: Mapping[str, Any]) -> dict[str, Any]:
    return {"procedure_id": document["procedure_id"], "number": document["number"], "title": document["title"]}


# --- administrative reconsideration (statute reconsideration, RC-…) ---

RC = "reconsideration"
EXCLUDED_ACTS: dict[str, str] = {
    "state_act": "国防、外交等国家行为", "rule_or_normative_document": "行政法规、规章或者具有普遍约束力的决定、命令",
    "internal_personnel": "行政机关对其工作人员的奖惩、任免等决定", "civil_mediation": "对民事纠纷作出的调解",
}
"""RC-1: Art. 12 — what an application may not be against (act_type)."""

COMPETENT_ORGAN: dict[str, str] = {
    "vertical_system": "上一级主管部门（海关、金融、外汇管理等实行垂直领导的机关，税务和国家安全机关）",
    "county_government": "上一级人民政府（市人民政府）",
}
"""RC-3: Art. 24–27 — respondents a county government does not hear, and who does."""

TERMINATING_SUSPENSIONS = ("applicant_died", "incapacity", "entity_ended")
"""RC-7: Art. 41(5) — suspensions under Art. 39(1) items 1, 2 and 4 end the case after 60 days."""

SIMPLE_SANCTIONS = ("warning", "criticism")
"""RC-11: Art. 53 — a warning or circulated criticism may go the simplified way."""


def _rc_case_clock(c: Context, accepted: date, simplified: bool, by_default: bool) -> dict[str, Any]:
    """RC-9/RC-11/RC-12: copy in 7 (3) working days; decision in 60 (30) calendar days of acceptance."""
    copy = workdays.add_working_days(accepted, c.limits.rc_simplified_copy_working_days if simplified
                                     else c.limits.rc_copy_working_days)
    case = workdays.add_days(accepted, c.limits.rc_simplified_decision_days if simplified
                             else c.limits.rc_decision_days, to_next_workday=True)
    return {"accepted_on": accepted.isoformat(), "accepted_by_default": by_default, "simplified": simplified,
            "copy_due": copy.last_day.isoformat(), "case_due": case.last_day.isoformat(),
            "case_due_provisional": copy.provisional or case.provisional}


def _rc_acceptance_clock(c: Context) -> dict[str, Any]:
    """RC-4: 5 working days of review from receipt; at their end the application is deemed accepted,
    so the case clock of a deemed acceptance is ready before anyone acts (timer `accepted_by_default`)."""
    due = workdays.add_working_days(c.today, c.limits.rc_acceptance_working_days)
    return {"application_received_on": c.today.isoformat(), "acceptance_due": due.last_day.isoformat(),
            "acceptance_deemed_at": due.ends_at.isoformat(), "acceptance_outcome": "pending",
            **_rc_case_clock(c, due.last_day, False, True)}


@guard(K.application, RC)
def _rc_application(c: Context) -> dict[str, Any]:
    applied = _date(c.data["applied_on"], "applied_on")
    if applied > c.today:
        raise e.FormInvalid(field="applied_on", problem="the application cannot be dated in the future",
                            problem_zh="申请日期不能晚于今天")
    if c.data.get("act_date"):
        _not_before(c.data["knew_act_on"], "knew_act_on", _date(c.data["act_date"], "act_date"),
                    "nobody learns of an act before it is made", "知道行政行为的日期不得早于该行政行为作出的日期")
    _not_before(applied, "applied_on", _date(c.data["knew_act_on"], "knew_act_on"),
                "an application is against an act the applicant knows of", "申请日期不得早于知道该行政行为的日期")
    if c.data.get("incidental_review") and c.data.get("incidental_document_kind") == "rule":
        raise e.IncidentalRuleExcluded()
    forwarding = _rc_forwarding(c, applied) if c.data.get("lodged_with_penalty_organ") else {}
    return {**_rc_acceptance_clock(c), **forwarding, "correction_notified": False, "extended": False,
            "incidental_review": bool(c.data.get("incidental_review"))}


def _rc_forwarding(c: Context, applied: date) -> dict[str, Any]:
    """RC-6: Art. 32 — an application against a penalty lodged with the organ that imposed it is
    forwarded within 5 working days; a later forwarding is recorded as overdue, the case goes on."""
    if c.data.get("act_type") != "penalty":
        raise e.FormInvalid(field="lodged_with_penalty_organ",
                            problem="only an application against a penalty decision is lodged with its organ (Art. 32)",
                            problem_zh="仅对行政处罚决定不服的，可以通过作出该决定的行政机关提交申请（第三十二条）")
    forwarded = _date(c.data["forwarded_on"], "forwarded_on")
    if not applied <= forwarded <= c.today:
        raise e.FormInvalid(field="forwarded_on", problem="between the application date and today",
                            problem_zh="转送日期应当在申请日期与今天之间")
    due = workdays.add_working_days(applied, c.limits.rc_forwarding_working_days)
    return {"forwarding_due": due.last_day.isoformat(), "forwarding_overdue": forwarded > due.last_day}


def _rc_last_day_to_apply(c: Context) -> date:
    """RC-2: Art. 20–21 — 60 days from knowing the act (plus an obstacle's days); not told of the right:
    from knowing it, at most 1 year after knowing the act; never after 20 (real property) / 5 years."""
    b = c.before
    knew = _date(b["knew_act_on"], "knew_act_on")
    start = knew
    if b.get("told_of_right") is False and b.get("knew_right_on"):
        start = _date(b["knew_right_on"], "knew_right_on")
    last = workdays.add_days(start, c.limits.rc_application_days + int(b.get("obstacle_days") or 0),
                             to_next_workday=True).last_day
    if b.get("told_of_right") is False:
        last = min(last, _years_after(knew, 1))
    if b.get("act_date"):
        last = min(last, _years_after(_date(b["act_date"], "act_date"), 20 if b.get("real_property") else 5))
    return last


@guard(K.acceptance_review, RC)
def _rc_acceptance_review(c: Context) -> dict[str, Any]:
    outcome = c.data["outcome"]
    due = _date(c.before["acceptance_due"], "acceptance_due")
    if c.today > due and outcome != "accept":
        raise e.AcceptancePeriodOver(due=due.isoformat())
    if outcome == "incomplete":
        if c.before.get("correction_notified"):
            raise e.SecondCorrectionNotice()
        if not [g for g in c.data.get("gaps", []) if str(g).strip()]:
            raise e.CorrectionGapsUnlisted()
        correction = workdays.add_working_days(c.today, c.limits.rc_correction_working_days)
        return {"acceptance_outcome": outcome, "correction_notified": True,
                "correction_due": correction.last_day.isoformat(),
                "correction_lapses_at": correction.ends_at.isoformat()}
    if outcome == "not_accept":
        return {"acceptance_outcome": outcome, **_rc_suit(c)}
    act_type = c.before.get("act_type")
    if act_type in EXCLUDED_ACTS:
        raise e.ScopeExcluded(act_type=EXCLUDED_ACTS[act_type])
    last = _rc_last_day_to_apply(c)
    applied = _date(c.before["applied_on"], "applied_on")
    if applied > last:
        raise e.ApplicationLate(applied=applied.isoformat(), last=last.isoformat())
    level = c.before.get("respondent_level")
    if level in COMPETENT_ORGAN:
        raise e.OutsideJurisdiction(level=level, organ=COMPETENT_ORGAN[level])
    simplified = c.data.get("procedure") == "simplified"
    if simplified and not _rc_simplified_allowed(c):
        raise e.SimplifiedNotAllowed(limit=c.limits.rc_simplified_fine_limit)
    return {"acceptance_outcome": outcome, **_rc_case_clock(c, min(c.today, due), simplified, False)}


def _rc_suit(c: Context) -> dict[str, Any]:
    """RC-6: Art. 34 — where reconsideration comes first, a refused applicant may sue within 15 days."""
    if not c.before.get("review_first"):
        return {}
    return {"suit_deadline": workdays.add_days(c.today, c.limits.rc_suit_days, to_next_workday=True)
            .last_day.isoformat()}


def _rc_simplified_allowed(c: Context) -> bool:
    b = c.before
    fine = b.get("fine_amount")
    return bool(b.get("on_the_spot") or b.get("sanction") in SIMPLE_SANCTIONS
                or (fine is not None and fine <= c.limits.rc_simplified_fine_limit)
                or b.get("act_type") == "information_disclosure" or c.data.get("parties_consent"))


@guard(K.correction, RC)
def _rc_correction(c: Context) -> dict[str, Any]:
    """RC-5: supplemented within 10 working days (later only for good reason); then Art. 30 again."""
    due = _date(c.before["correction_due"], "correction_due")
    if c.today > due and not c.data.get("late_reason"):
        raise e.CorrectionLate(due=due.isoformat())
    return _rc_acceptance_clock(c)


@guard(K.respondent_copy, RC)
def _rc_copy(c: Context) -> dict[str, Any]:
    """RC-9/RC-11: the reply runs 10 (simplified 5) working days from the respondent's receipt."""
    received = _date(c.data["respondent_received_on"], "respondent_received_on")
    if received > c.today:
        raise e.FormInvalid(field="respondent_received_on", problem="cannot be in the future",
                            problem_zh="签收日期不能晚于今天")
    n = c.limits.rc_simplified_reply_working_days if c.before.get("simplified") else c.limits.rc_reply_working_days
    reply = workdays.add_working_days(received, n)
    return {"copy_sent_on": c.today.isoformat(), "copy_late": c.today > _date(c.before["copy_due"], "copy_due"),
            "reply_due": reply.last_day.isoformat(), "reply_due_provisional": reply.provisional}


@guard(K.respondent_reply, RC)
def _rc_reply(c: Context) -> dict[str, Any]:
    """RC-9: a reply after its period counts as none: the act is treated as without evidence (Art. 70)."""
    late = c.today > _date(c.before["reply_due"], "reply_due")
    return {"reply_received_on": c.today.isoformat(), "respondent_without_evidence": late}


@guard(K.case_review, RC)
def _rc_case_review(c: Context) -> dict[str, Any]:
    """RC-8: investigation by at least 2 officers; RC-10: a major, difficult or complex case is heard."""
    if c.data.get("investigated"):
        officers = {identity(o) for o in c.data.get("investigation_officers", []) if str(o).strip()}  # as people
        if len(officers) < c.limits.rc_investigators_minimum:
            raise e.InvestigatorsTooFew(count=len(officers))
    required = bool(c.before.get("major_complex") or c.data.get("major_complex") or c.data.get("hearing_requested"))
    return {"hearing_required": required, "hearing_held": False}


@guard(K.case_hearing, RC)
def _rc_hearing(c: Context) -> dict[str, Any]:
    notice = _date(c.data["notice_served_on"], "notice_served_on")
    held = _date(c.data["hearing_date"], "hearing_date")
    earliest = workdays.add_working_days(notice, c.limits.rc_hearing_notice_working_days).last_day
    if held <= earliest:
        raise e.HearingNoticeTooShort(hearing=held.isoformat(), notice=notice.isoformat(),
                                      days=c.limits.rc_hearing_notice_working_days)
    officers = {identity(o) for o in c.data.get("hearing_officers", []) if str(o).strip()}  # as people
    if not c.data.get("presiding_officer") or len(officers) < 2 or not c.data.get("recorder"):
        raise e.HearingPanelIncomplete()
    return {"hearing_held": True}


@guard(K.extension, RC)
def _rc_extension(c: Context) -> dict[str, Any]:
    """RC-12: one extension of at most 30 days, approved by the office's head, notified in writing."""
    if c.before.get("extended"):
        raise e.ExtensionRepeated(until=c.before.get("case_due"))
    days = int(c.data["days"])
    if days > c.limits.rc_extension_days:
        raise e.ExtensionTooLong(days=days, maximum=c.limits.rc_extension_days)
    if not c.data.get("approved_by") or not isinstance(c.data.get("notice"), dict):
        raise e.ExtensionUnapproved()
    due = _date(c.before["case_due"], "case_due")
    return {"extended": True, "case_due": workdays.add_days(due, days, to_next_workday=True).last_day.isoformat()}


@guard(K.reconsideration_decision, RC)
def _rc_decision(c: Context) -> dict[str, Any]:
    """RC-12 one extension; RC-13 no worse change, no upholding without evidence; RC-15 effective on service."""
    if c.data["outcome"] == "extend":
        if c.before.get("extended"):
            raise e.ExtensionRepeated(until=c.before.get("case_due"))
        return {"decision_outcome": "extend"}
    if c.data["outcome"] == "suspend":
        return {"decision_outcome": "suspend"}
    if c.data["outcome"] in ("mediate", "terminate"):
        return _rc_without_decision(c)
    kind = c.data["decision_type"]
    old, new = c.before.get("fine_amount"), c.data.get("new_fine_amount")
    if kind == "change" and old is not None and new is not None and new > old and not c.data.get(
            "third_party_request"):
        raise e.DecisionWorsens(new=new, old=old)
    if kind == "change" and (old is not None or c.before.get("sanction") == "fine") and \
            citations.positive_yuan(new) is None:
        raise e.ChangedFineAmountMissing(amount=new, field="new_fine_amount")
    if kind == "uphold" and c.before.get("respondent_without_evidence"):
        raise e.UpheldWithoutEvidence()
    served = c.data.get("served_on")
    if served is not None and _date(served, "served_on") > c.today:
        raise e.FormInvalid(field="served_on", problem="a decision takes effect when served, not before",
                            problem_zh="送达日期不能晚于今天：决定书送达之日起发生法律效力")
    if served is not None:
        _not_before(served, "served_on", c.today, "the decision is made today, when this step records it; "
                    "it is served on or after that day", "复议决定以本步骤办理之日为作出日期，送达日期不得早于该日")
    return {"decision_outcome": "decide", "decided_on": c.today.isoformat(),
            "decided_late": c.today > _date(c.before["case_due"], "case_due"),
            "effective": served is not None, "effective_from": served, **_rc_opinion_letter(c)}


def _rc_opinion_letter(c: Context) -> dict[str, Any]:
    """RC-15: Art. 76 — the organ that receives an opinion letter reports its corrections within 60 days."""
    if not isinstance(c.data.get("opinion_letter"), dict):
        return {"opinion_letter_issued": False}
    served = _date(c.data["opinion_letter_served_on"], "opinion_letter_served_on")
    if served > c.today:
        raise e.FormInvalid(field="opinion_letter_served_on", problem="cannot be in the future",
                            problem_zh="送达日期不能晚于今天")
    due = workdays.add_days(served, c.limits.rc_opinion_letter_days, to_next_workday=True)
    return {"opinion_letter_issued": True, "opinion_letter_reply_due": due.last_day.isoformat()}


@guard(K.opinion_letter_reply, RC)
def _rc_opinion_letter_reply(c: Context) -> dict[str, Any]:
    """RC-15: a report after the 60 days is recorded as late; nothing is deemed done without it."""
    return {"opinion_letter_replied_on": c.today.isoformat(),
            "opinion_letter_reply_late": c.today > _date(c.before["opinion_letter_reply_due"],
                                                          "opinion_letter_reply_due")}


def _rc_without_decision(c: Context) -> dict[str, Any]:
    """RC-15: Art. 73 — a mediation agreement binds once every party signed and the organ sealed it;
    Art. 74, 41 — a settlement ends the case by the applicant's withdrawal, and only a lawful one."""
    if c.data["outcome"] == "mediate":
        if not (c.data.get("mediation_signed_by_parties") and c.data.get("mediation_sealed")):
            raise e.MediationUnsigned()
        return {"decision_outcome": "mediate", "decided_on": c.today.isoformat(), "effective": True,
                "effective_from": c.today.isoformat()}
    ground = c.data["termination_ground"]
    if c.data.get("settlement"):
        if ground != "withdrawn":
            raise e.FormInvalid(field="termination_ground", problem="a settlement ends the case by withdrawal",
                                problem_zh="达成和解的，由申请人撤回申请后终止")
        if not c.data.get("settlement_lawful"):
            raise e.SettlementUnlawful()
    return {"decision_outcome": "terminate", "terminated_on": c.today.isoformat(), "termination_ground": ground}


@guard(K.incidental_review, RC)
def _rc_incidental_handling(c: Context) -> dict[str, Any]:
    """RC-14: Art. 56, 58 — handled by the organ (the enacting organ notified within 3 working days,
    answering within 10; handled within 30 days) or forwarded within 7 working days to the organ
    that may handle it (answering within 60 days). Meanwhile the case is suspended (Art. 39)."""
    start = _date(c.before["accepted_on"], "accepted_on")
    if c.data["handling"] == "forward":
        forwarded = _rc_recorded(c, "forwarded_on", start)
        due = workdays.add_working_days(start, c.limits.rc_incidental_forward_working_days)
        reply = workdays.add_days(forwarded, c.limits.rc_incidental_reply_days, to_next_workday=True)
        return {"incidental_handling": "forward", "incidental_forward_due": due.last_day.isoformat(),
                "incidental_forward_overdue": forwarded > due.last_day, "incidental_due": reply.last_day.isoformat(),
                "incidental_suspended_on": c.today.isoformat()}
    notice = _rc_recorded(c, "notice_served_on", start)
    notice_due = workdays.add_working_days(start, c.limits.rc_incidental_notice_working_days)
    answer = workdays.add_working_days(notice, c.limits.rc_incidental_answer_working_days)
    handle = workdays.add_days(start, c.limits.rc_incidental_days, to_next_workday=True)
    return {"incidental_handling": "handle", "incidental_notice_due": notice_due.last_day.isoformat(),
            "incidental_notice_late": notice > notice_due.last_day, "enacting_answer_due": answer.last_day.isoformat(),
            "incidental_due": handle.last_day.isoformat(), "incidental_suspended_on": c.today.isoformat()}


def _rc_recorded(c: Context, field_name: str, start: date) -> date:
    day = _date(c.data[field_name], field_name)
    if not start <= day <= c.today:
        raise e.FormInvalid(field=field_name, problem="between the acceptance and today",
                            problem_zh="日期应当在受理之日与今天之间")
    return day


@guard(K.incidental_conclusion, RC)
def _rc_incidental_conclusion(c: Context) -> dict[str, Any]:
    """RC-14: Art. 59–60 — the conclusion (an unlawful clause stops being applied); late answers are
    recorded, not refused; the case clock resumes with the days suspended added (Art. 39, 42)."""
    received = c.data.get("answer_received_on")
    if received is not None and not _date(received, "answer_received_on") <= c.today:
        raise e.FormInvalid(field="answer_received_on", problem="cannot be in the future",
                            problem_zh="日期不能晚于今天")
    answer_due = c.before.get("enacting_answer_due")
    answer_late = bool(answer_due) and (received is None or _date(received, "answer_received_on") >
                                        _date(answer_due, "enacting_answer_due"))
    stopped = (c.today - _date(c.before["incidental_suspended_on"], "incidental_suspended_on")).days
    case_due = workdays.add_days(_date(c.before["case_due"], "case_due"), stopped, to_next_workday=True)
    return {"incidental_conclusion": c.data["conclusion"], "incidental_concluded_on": c.today.isoformat(),
            "incidental_late": c.today > _date(c.before["incidental_due"], "incidental_due"),
            "enacting_answer_late": answer_late, "incidental_days_suspended": stopped,
            "case_due": case_due.last_day.isoformat()}


def _rc_require_notice(c: Context) -> None:
    if not isinstance(c.data.get("notice"), dict):
        raise e.SuspensionUnnotified()


@guard(K.suspension, RC)
def _rc_suspension(c: Context) -> dict[str, Any]:
    """RC-7: a suspension is notified in writing and stops the case clock."""
    _rc_require_notice(c)
    return {"suspended_on": c.today.isoformat()}


@guard(K.resumption, RC)
def _rc_resumption(c: Context) -> dict[str, Any]:
    """RC-7: resumed with a written notice; the days suspended do not count against the decision period.
    Art. 41(5): a suspension for the applicant's death, incapacity or end that lasts 60 days ends the case."""
    stopped = (c.today - _date(c.before["suspended_on"], "suspended_on")).days
    if c.data.get("outcome") == "terminate":
        if c.before.get("ground") not in TERMINATING_SUSPENSIONS or stopped < c.limits.rc_suspension_termination_days:
            raise e.TerminationNotDue(ground=c.before.get("ground"), days=stopped,
                                      minimum=c.limits.rc_suspension_termination_days)
        return {"resumption_outcome": "terminate", "terminated_on": c.today.isoformat(),
                "termination_ground": "suspended_60_days", "days_suspended": stopped}
    _rc_require_notice(c)
    due = workdays.add_days(_date(c.before["case_due"], "case_due"), stopped, to_next_workday=True)
    return {"resumption_outcome": "resume", "resumed_on": c.today.isoformat(), "days_suspended": stopped,
            "case_due": due.last_day.isoformat()}

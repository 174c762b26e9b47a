"""Guards of a major decision (MD-…, SC-…): what a step's form cannot say alone, checked before
anything changes against the procedure's record, the registry and the server clock.

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine import workdays
from engine.domain import errors as e
from engine.domain.known_facts import identity
from engine.domain.steps import StepKind as K
from engine.statutes.checks import (
    draft_sha,
    not_before,
    parse_date,
    require_legal_basis,
    require_unique_number,
)
from engine.statutes.guards import Context, for_statute

guard = for_statute("major_decision")


@guard(K.initiation, catalogue=True)
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
    start, end = parse_date(c.data["start_date"], "start_date"), parse_date(c.data["end_date"], "end_date")
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


@guard(K.opinion_summary, opinions=True)
def _opinion_summary(c: Context) -> dict[str, Any]:
    closes = datetime.fromisoformat(c.before["comment_closes_at"])
    if c.now < closes:
        raise e.CommentWindowOpen(closes=closes.date().isoformat())
    for entry in c.data.get("register", []):
        if entry.get("adoption") != "adopted" and not entry.get("reason"):
            raise e.AdoptionReasonMissing(topic=entry.get("topic"))
    _require_portal_opinions_handled(c)
    return {}


def _require_portal_opinions_handled(c: Context) -> None:
    """MD-18: the opinions the portal took are on record, so the summary neither counts fewer nor leaves
    one unsorted: each (but an abusive or duplicate one) is marked with its topic and adoption before the
    call is summarised, the count received covers them (other channels may add), and every topic they
    were sorted under is in the register."""
    portal = c.opinions or ()
    unmarked = [o.receipt for o in portal if o.to_handle and o.adoption is None]
    if unmarked:
        raise e.OpinionsUnmarked(field="register", count=len(unmarked), receipts="、".join(unmarked[:10]),
                                 entries=unmarked)
    typed = c.data.get("opinions_received")
    if isinstance(typed, int) and typed < len(portal):
        raise e.OpinionsCountBelowRecord(field="opinions_received", typed=typed, on_record=len(portal))
    registered = {identity(r.get("topic", "")) for r in c.data.get("register") or [] if isinstance(r, Mapping)}
    topics = list(dict.fromkeys(o.topic for o in portal if o.to_handle and o.topic))
    missing = [t for t in topics if identity(t) not in registered]
    if missing:
        raise e.RegisterTopicMissing(field="register", topics="、".join(missing), entries=missing)


@guard(K.hearing)
def _hearing(c: Context) -> dict[str, Any]:
    if "hearing_date" in c.data:  # the notice step
        hearing = parse_date(c.data["hearing_date"], "hearing_date")
        notice = parse_date(c.data["notice_published_on"], "notice_published_on")
        method = parse_date(c.data["selection_method_published_on"], "selection_method_published_on")
        listed = parse_date(c.data["participant_list_published_on"], "participant_list_published_on")
        if not notice < hearing:
            raise e.HearingNoticeLate()
        if not method <= listed < hearing:
            raise e.ParticipantSelectionOrder()
        sides = {p.get("side") for p in c.data.get("participants", [])}
        if not {"supporting", "opposing"} <= sides and not c.data.get("unrepresented_side_reason"):
            raise e.SidesUnrepresented()
        return {"hearing_date": hearing.isoformat()}
    held = parse_date(c.data["held_on"], "held_on")
    if c.before.get("hearing_date"):  # MD-16b: announced in advance, so never held before the announced day
        not_before(held, "held_on", parse_date(c.before["hearing_date"], "hearing_date"),
                    "the hearing was announced for that day", "听证会公告的举行日期为该日，不得提前举行")
    if c.before.get("participant_list_published_on"):  # MD-16c: materials go to the participants listed
        listed = parse_date(c.before["participant_list_published_on"], "participant_list_published_on")
        for i, delivery in enumerate(c.data["deliveries"]):
            not_before(delivery["delivered_on"], f"deliveries.{i}.delivered_on", listed,
                        "materials go to the participants on the list published that day",
                        "听证材料送达参加人名单所列人员，送达日期不得早于名单公布之日")
    last = max(parse_date(d["delivered_on"], "deliveries") for d in c.data["deliveries"])
    if (held - last).days < c.limits.hearing_notice_days:
        raise e.HearingMaterialsLate(delivered=last.isoformat(), held=held.isoformat(),
                                     days=c.limits.hearing_notice_days)
    for signature in c.data.get("signatures", []):
        if not signature.get("signed") and not signature.get("refusal_note"):
            raise e.HearingRecordUnsigned(participant=signature.get("participant"))
    return {}


@guard(K.expert_argumentation, affiliations=(("experts", "username"),))
def _expert(c: Context) -> dict[str, Any]:
    for index, expert in enumerate(c.data.get("experts", [])):
        if expert.get("direct_interest"):
            raise e.ExpertInterested(expert=expert.get("name"))
        organisation = _registered_unit(c, "experts", index, expert)
        if organisation:
            raise e.ExpertNotIndependent(expert=expert.get("name"), organisation=organisation,
                                         field=f"experts.{index}.organisation")
        if expert.get("pool_source") == "own" and c.affiliations is not None and \
                not c.affiliations.in_pool(expert.get("username")):
            raise e.ExpertNotInPool(expert=expert.get("name"), field=f"experts.{index}.username")
    if not c.data.get("signed_or_sealed"):
        raise e.ExpertOpinionUnsigned()
    return {}


@guard(K.risk_assessment, affiliations=(("third_party_assessors", "username"),))
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


@guard(K.drafting)
def _drafting_sha(c: Context) -> dict[str, Any]:
    require_legal_basis(c, e.LegalBasisInvalid)
    return {**_drafting(c), **draft_sha(c, "draft")}


@guard(K.revision)
def _revision(c: Context) -> dict[str, Any]:
    return draft_sha(c, "revised_draft")


@guard(K.review_submission)
def _review_submission(c: Context) -> dict[str, Any]:
    if c.before.get("county_sc5") and not c.before.get("consistency_assessed"):
        raise e.ConsistencyAssessmentMissing()
    require_legal_basis(c, e.ReviewLegalBasisInvalid)
    clock = _review_clock(c)
    if c.data.get("requested_meeting_date"):
        _require_meeting_after_review(c, "requested_meeting_date", c.data["requested_meeting_date"], c.today, None)
    return {**clock, **draft_sha(c, "draft")}


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
    day = parse_date(value, field_name)
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


@guard(K.archiving, number="archive_number")
def _archiving(c: Context) -> dict[str, Any]:
    """MD-33a: the archive reference (档号) files this decision alone: another procedure's is refused."""
    require_unique_number(c, "archive_number", str(c.data.get("archive_number", "")))
    return {}


@guard(K.legal_opinion)
def _legal_opinion(c: Context) -> dict[str, Any]:
    if not c.data.get("signed"):
        raise e.LegalOpinionUnsigned()
    return {}


@guard(K.legality_review)
def _legality_review(c: Context) -> dict[str, Any]:
    return {"reviewed_at": c.now.isoformat(), "reviewed_draft_sha256": c.before.get("current_draft_sha256")}


@guard(K.deliberation, completed=(K.review_submission, K.supplement, K.legality_review))
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

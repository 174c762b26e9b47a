"""Guards of administrative normative documents (ND-…).

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from engine import workdays
from engine.domain import errors as e
from engine.domain.steps import StepKind as K
from engine.statutes.checks import (
    draft_sha,
    not_before,
    parse_date,
    require_legal_basis,
    require_unique_number,
    years_after,
)
from engine.statutes.guards import Context, for_statute
from engine.statutes.normative_document.limits import NormativeDocumentLimits

guard = for_statute("normative_document")


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


@guard(K.nd_drafting)
def _nd_drafting(c: Context) -> dict[str, Any]:
    """ND-1 qualification, ND-11 major decisions first; ND-3 decides whether the draft is put out for comment."""
    missing = [zh for field_name, zh in QUALIFICATION.items() if c.data.get(field_name) is not True]
    if missing:
        raise e.QualificationUnconfirmed(missing="、".join(missing))
    require_legal_basis(c, e.NdLegalBasisInvalid)
    if c.data.get("is_major_decision") and not c.data.get("major_decision_procedure"):
        raise e.MajorDecisionProcedureRequired()
    market = bool(c.data.get("market_entities_affected"))
    return {"market_entities_affected": market, "comment_required": market or bool(c.data.get("major_effect")),
            **draft_sha(c, "draft")}


@guard(K.nd_public_comment)
def _nd_public_comment(c: Context) -> dict[str, Any]:
    """ND-3: at least 7 working days, 30 days where market entities' business is closely concerned."""
    start, end = parse_date(c.data["start_date"], "start_date"), parse_date(c.data["end_date"], "end_date")
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


@guard(K.nd_review_submission)
def _nd_review_submission(c: Context) -> dict[str, Any]:
    return {**_nd_review_clock(c), **draft_sha(c, "draft")}


@guard(K.nd_revision)
def _nd_revision(c: Context) -> dict[str, Any]:
    """ND-4: a revised draft is reviewed afresh before it goes (back) to the collective review."""
    return {**_nd_review_clock(c), **draft_sha(c, "revised_draft"), "collective_adopted": False}


def _nd_review_clock(c: Context) -> dict[str, Any]:
    due = workdays.add_working_days(c.today, c.limits.nd_review_working_days)
    return {"review_outcome": "pending", "review_materials_received": c.today.isoformat(),
            "review_due": due.last_day.isoformat(), "review_due_provisional": due.provisional}


@guard(K.nd_legality_review)
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
    earliest = workdays.add_working_days(parse_date(received, "review_materials_received"),
                                         c.limits.nd_review_minimum_working_days).last_day
    if c.today >= earliest:
        return {"review_expedited": False}
    if not str(c.data.get("expedited_reason") or "").strip():
        raise e.ReviewTooShort(earliest=earliest.isoformat(), days=c.limits.nd_review_minimum_working_days,
                               field="expedited_reason")
    return {"review_expedited": True}


@guard(K.nd_collective_review)
def _nd_collective_review(c: Context) -> dict[str, Any]:
    """ND-4: only a draft found lawful, unchanged since; ND-5: at a leadership meeting."""
    if c.before.get("review_outcome") != "lawful" or \
            c.before.get("reviewed_draft_sha256") != c.before.get("current_draft_sha256"):
        raise e.DocumentNotReviewedLawful(outcome=c.before.get("review_outcome"))
    if c.data.get("meeting_type") not in ("standing", "office"):
        raise e.NotALeadershipMeeting(meeting_type=c.data.get("meeting_type"))
    return {"collective_adopted": c.data.get("meeting_outcome") == "adopt"}


@guard(K.signing)
def _nd_signing(c: Context) -> dict[str, Any]:
    """ND-5: the principal head signs the adopted document."""
    if c.actor is not None and not c.actor.holds("head"):
        raise e.NotPrincipalHead(username=c.actor.username)
    if not c.before.get("collective_adopted"):
        raise e.DocumentNotAdopted()
    return {"signed_by": c.actor.username if c.actor else None}


@guard(K.registration, number="registration_number")
def _nd_registration(c: Context) -> dict[str, Any]:
    """ND-6: the unified number, only after the collective review adopted the document."""
    if not c.before.get("collective_adopted"):
        raise e.DocumentNotAdopted()
    number = str(c.data.get("registration_number", "")).strip()
    if not REGISTRATION_NUMBER.match(number):
        raise e.RegistrationNumberInvalid(number=number)
    require_unique_number(c, "registration_number", number)
    return {"registration_number": number}


@guard(K.nd_publication)
def _nd_publication(c: Context) -> dict[str, Any]:
    """ND-6: issued under its number; ND-8: a validity period; ND-7: starts the filing deadline."""
    if not c.before.get("registration_number"):
        raise e.DocumentNotRegistered()
    published = parse_date(c.data["published_on"], "published_on")
    if published > c.today:
        raise e.FormInvalid(field="published_on", problem="a document is published, not to be published",
                            problem_zh="公布日期不能晚于今天（未经公布的不得作为行政管理依据）")
    effective = not_before(c.data["effective_from"], "effective_from", published,
                            "an unpublished document is no basis for administration: it takes effect when published "
                            "or later", "未经公布的行政规范性文件不得作为行政管理依据，施行日期不得早于公布日期")
    valid_until = parse_date(c.data["valid_until"], "valid_until")
    years = c.limits.nd_trial_validity_years if c.data.get("trial") else c.limits.nd_validity_years
    latest = years_after(effective, years) - timedelta(days=1)
    if valid_until > latest or valid_until < effective:
        raise e.ValidityTooLong(valid_until=valid_until.isoformat(), effective_from=effective.isoformat(),
                                latest=latest.isoformat(), years=years)
    due = workdays.add_days(published, c.limits.nd_filing_days)
    return {"published_on": published.isoformat(), "effective_from": effective.isoformat(),
            "filing_due": due.last_day.isoformat(), "document_status": "valid",
            **_nd_validity(valid_until, c.limits)}


@guard(K.filing)
def _nd_filing(c: Context) -> dict[str, Any]:
    """ND-7: filed with proof of receipt; filing after the deadline is recorded as overdue."""
    filed = parse_date(c.data["filed_on"], "filed_on")
    published = c.before.get("published_on")
    if filed > c.today or (published and filed < parse_date(published, "published_on")):
        raise e.FormInvalid(field="filed_on", problem="between the publication and today",
                            problem_zh="报送备案日期应当在公布之日与今天之间")
    due = c.before.get("filing_due")
    overdue = bool(due) and filed > parse_date(due, "filing_due")
    organ = c.data["filed_with"]
    return {f"filed_with_{organ}": filed.isoformat(), f"filing_{organ}_overdue": overdue, "filing_overdue": overdue}


@guard(K.nd_validity_evaluation)
def _nd_validity_evaluation(c: Context) -> dict[str, Any]:
    """ND-8: before expiry the organ continues (a new period of at most 5 years), amends or repeals."""
    if c.data["validity_decision"] != "continue":
        return {"document_status": c.data["validity_decision"]}
    current = parse_date(c.before["valid_until"], "valid_until")
    renewed = parse_date(c.data.get("new_valid_until", ""), "new_valid_until")
    start = current + timedelta(days=1)
    latest = years_after(start, c.limits.nd_validity_years) - timedelta(days=1)
    if not current < renewed <= latest:
        raise e.ValidityTooLong(valid_until=renewed.isoformat(), effective_from=start.isoformat(),
                                latest=latest.isoformat(), years=c.limits.nd_validity_years)
    return {"document_status": "valid", **_nd_validity(renewed, c.limits)}


def _nd_validity(valid_until: date, limits: NormativeDocumentLimits) -> dict[str, Any]:
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

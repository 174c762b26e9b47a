"""Guards of administrative reconsideration (RC-…).

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import workdays
from engine.domain import citations
from engine.domain import errors as e
from engine.domain.known_facts import identity
from engine.domain.steps import StepKind as K
from engine.statutes.checks import (
    not_before,
    parse_date,
    years_after,
)
from engine.statutes.guards import Context, for_statute

guard = for_statute("reconsideration")


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


@guard(K.application)
def _rc_application(c: Context) -> dict[str, Any]:
    applied = parse_date(c.data["applied_on"], "applied_on")
    if applied > c.today:
        raise e.FormInvalid(field="applied_on", problem="the application cannot be dated in the future",
                            problem_zh="申请日期不能晚于今天")
    if c.data.get("act_date"):
        not_before(c.data["knew_act_on"], "knew_act_on", parse_date(c.data["act_date"], "act_date"),
                    "nobody learns of an act before it is made", "知道行政行为的日期不得早于该行政行为作出的日期")
    not_before(applied, "applied_on", parse_date(c.data["knew_act_on"], "knew_act_on"),
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
    forwarded = parse_date(c.data["forwarded_on"], "forwarded_on")
    if not applied <= forwarded <= c.today:
        raise e.FormInvalid(field="forwarded_on", problem="between the application date and today",
                            problem_zh="转送日期应当在申请日期与今天之间")
    due = workdays.add_working_days(applied, c.limits.rc_forwarding_working_days)
    return {"forwarding_due": due.last_day.isoformat(), "forwarding_overdue": forwarded > due.last_day}


def _rc_last_day_to_apply(c: Context) -> date:
    """RC-2: Art. 20–21 — 60 days from knowing the act (plus an obstacle's days); not told of the right:
    from knowing it, at most 1 year after knowing the act; never after 20 (real property) / 5 years."""
    b = c.before
    knew = parse_date(b["knew_act_on"], "knew_act_on")
    start = knew
    if b.get("told_of_right") is False and b.get("knew_right_on"):
        start = parse_date(b["knew_right_on"], "knew_right_on")
    last = workdays.add_days(start, c.limits.rc_application_days + int(b.get("obstacle_days") or 0),
                             to_next_workday=True).last_day
    if b.get("told_of_right") is False:
        last = min(last, years_after(knew, 1))
    if b.get("act_date"):
        last = min(last, years_after(parse_date(b["act_date"], "act_date"), 20 if b.get("real_property") else 5))
    return last


@guard(K.acceptance_review)
def _rc_acceptance_review(c: Context) -> dict[str, Any]:
    outcome = c.data["outcome"]
    due = parse_date(c.before["acceptance_due"], "acceptance_due")
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
    applied = parse_date(c.before["applied_on"], "applied_on")
    if applied > last:
        raise e.ApplicationLate(applied=applied.isoformat(), last=last.isoformat(), days=c.limits.rc_application_days)
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


@guard(K.correction)
def _rc_correction(c: Context) -> dict[str, Any]:
    """RC-5: supplemented within 10 working days (later only for good reason); then Art. 30 again."""
    due = parse_date(c.before["correction_due"], "correction_due")
    if c.today > due and not c.data.get("late_reason"):
        raise e.CorrectionLate(due=due.isoformat())
    return _rc_acceptance_clock(c)


@guard(K.respondent_copy)
def _rc_copy(c: Context) -> dict[str, Any]:
    """RC-9/RC-11: the reply runs 10 (simplified 5) working days from the respondent's receipt."""
    received = parse_date(c.data["respondent_received_on"], "respondent_received_on")
    if received > c.today:
        raise e.FormInvalid(field="respondent_received_on", problem="cannot be in the future",
                            problem_zh="签收日期不能晚于今天")
    n = c.limits.rc_simplified_reply_working_days if c.before.get("simplified") else c.limits.rc_reply_working_days
    reply = workdays.add_working_days(received, n)
    return {"copy_sent_on": c.today.isoformat(), "copy_late": c.today > parse_date(c.before["copy_due"], "copy_due"),
            "reply_due": reply.last_day.isoformat(), "reply_due_provisional": reply.provisional}


@guard(K.respondent_reply)
def _rc_reply(c: Context) -> dict[str, Any]:
    """RC-9: a reply after its period counts as none: the act is treated as without evidence (Art. 70)."""
    late = c.today > parse_date(c.before["reply_due"], "reply_due")
    return {"reply_received_on": c.today.isoformat(), "respondent_without_evidence": late}


@guard(K.case_review)
def _rc_case_review(c: Context) -> dict[str, Any]:
    """RC-8: investigation by at least 2 officers; RC-10: a major, difficult or complex case is heard."""
    if c.data.get("investigated"):
        officers = {identity(o) for o in c.data.get("investigation_officers", []) if str(o).strip()}  # as people
        if len(officers) < c.limits.rc_investigators_minimum:
            raise e.InvestigatorsTooFew(count=len(officers), minimum=c.limits.rc_investigators_minimum)
    required = bool(c.before.get("major_complex") or c.data.get("major_complex") or c.data.get("hearing_requested"))
    return {"hearing_required": required, "hearing_held": False}


@guard(K.case_hearing)
def _rc_hearing(c: Context) -> dict[str, Any]:
    notice = parse_date(c.data["notice_served_on"], "notice_served_on")
    held = parse_date(c.data["hearing_date"], "hearing_date")
    earliest = workdays.add_working_days(notice, c.limits.rc_hearing_notice_working_days).last_day
    if held <= earliest:
        raise e.HearingNoticeTooShort(hearing=held.isoformat(), notice=notice.isoformat(),
                                      days=c.limits.rc_hearing_notice_working_days)
    officers = {identity(o) for o in c.data.get("hearing_officers", []) if str(o).strip()}  # as people
    if not c.data.get("presiding_officer") or len(officers) < 2 or not c.data.get("recorder"):
        raise e.HearingPanelIncomplete()
    return {"hearing_held": True}


@guard(K.extension)
def _rc_extension(c: Context) -> dict[str, Any]:
    """RC-12: one extension of at most 30 days, approved by the office's head, notified in writing."""
    if c.before.get("extended"):
        raise e.ExtensionRepeated(until=c.before.get("case_due"))
    days = int(c.data["days"])
    if days > c.limits.rc_extension_days:
        raise e.ExtensionTooLong(days=days, maximum=c.limits.rc_extension_days)
    if not c.data.get("approved_by") or not isinstance(c.data.get("notice"), dict):
        raise e.ExtensionUnapproved()
    due = parse_date(c.before["case_due"], "case_due")
    return {"extended": True, "case_due": workdays.add_days(due, days, to_next_workday=True).last_day.isoformat()}


@guard(K.reconsideration_decision)
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
    served = _rc_served(c)
    return {"decision_outcome": "decide", "decided_on": c.today.isoformat(),
            "decided_late": c.today > parse_date(c.before["case_due"], "case_due"),
            "effective": served is not None, "effective_from": served, **_rc_opinion_letter(c)}


def _rc_served(c: Context) -> str | None:
    """RC-15: the decision takes effect once served; served on every party (the list is checked complete
    against the application, engine/domain/known_facts.py), its day is the last service. Each service is on
    or after the decision, which this step makes today; a party not yet served leaves it not in effect."""
    days = []
    for i, row in enumerate(c.data.get("deliveries") or []):
        if row.get("served_on") is None:
            return None
        days.append(not_before(row["served_on"], f"deliveries.{i}.served_on", c.today,
                               "the decision is made today, when this step records it; it is served on or after "
                               "that day", "复议决定以本步骤办理之日为作出日期，送达日期不得早于该日"))
    return max(days).isoformat() if days else None


def _rc_opinion_letter(c: Context) -> dict[str, Any]:
    """RC-15: Art. 76 — the organ that receives an opinion letter reports its corrections within 60 days."""
    if not isinstance(c.data.get("opinion_letter"), dict):
        return {"opinion_letter_issued": False}
    served = parse_date(c.data["opinion_letter_served_on"], "opinion_letter_served_on")
    if served > c.today:
        raise e.FormInvalid(field="opinion_letter_served_on", problem="cannot be in the future",
                            problem_zh="送达日期不能晚于今天")
    due = workdays.add_days(served, c.limits.rc_opinion_letter_days, to_next_workday=True)
    return {"opinion_letter_issued": True, "opinion_letter_reply_due": due.last_day.isoformat()}


@guard(K.opinion_letter_reply)
def _rc_opinion_letter_reply(c: Context) -> dict[str, Any]:
    """RC-15: a report after the 60 days is recorded as late; nothing is deemed done without it."""
    return {"opinion_letter_replied_on": c.today.isoformat(),
            "opinion_letter_reply_late": c.today > parse_date(c.before["opinion_letter_reply_due"],
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


@guard(K.incidental_review)
def _rc_incidental_handling(c: Context) -> dict[str, Any]:
    """RC-14: Art. 56, 58 — handled by the organ (the enacting organ notified within 3 working days,
    answering within 10; handled within 30 days) or forwarded within 7 working days to the organ
    that may handle it (answering within 60 days). Meanwhile the case is suspended (Art. 39)."""
    start = parse_date(c.before["accepted_on"], "accepted_on")
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
    day = parse_date(c.data[field_name], field_name)
    if not start <= day <= c.today:
        raise e.FormInvalid(field=field_name, problem="between the acceptance and today",
                            problem_zh="日期应当在受理之日与今天之间")
    return day


@guard(K.incidental_conclusion)
def _rc_incidental_conclusion(c: Context) -> dict[str, Any]:
    """RC-14: Art. 59–60 — the conclusion (an unlawful clause stops being applied); late answers are
    recorded, not refused; the case clock resumes with the days suspended added (Art. 39, 42)."""
    received = c.data.get("answer_received_on")
    if received is not None and not parse_date(received, "answer_received_on") <= c.today:
        raise e.FormInvalid(field="answer_received_on", problem="cannot be in the future",
                            problem_zh="日期不能晚于今天")
    answer_due = c.before.get("enacting_answer_due")
    answer_late = bool(answer_due) and (received is None or parse_date(received, "answer_received_on") >
                                        parse_date(answer_due, "enacting_answer_due"))
    stopped = (c.today - parse_date(c.before["incidental_suspended_on"], "incidental_suspended_on")).days
    case_due = workdays.add_days(parse_date(c.before["case_due"], "case_due"), stopped, to_next_workday=True)
    return {"incidental_conclusion": c.data["conclusion"], "incidental_concluded_on": c.today.isoformat(),
            "incidental_late": c.today > parse_date(c.before["incidental_due"], "incidental_due"),
            "enacting_answer_late": answer_late, "incidental_days_suspended": stopped,
            "case_due": case_due.last_day.isoformat()}


def _rc_require_notice(c: Context) -> None:
    if not isinstance(c.data.get("notice"), dict):
        raise e.SuspensionUnnotified()


@guard(K.suspension)
def _rc_suspension(c: Context) -> dict[str, Any]:
    """RC-7: a suspension is notified in writing and stops the case clock."""
    _rc_require_notice(c)
    return {"suspended_on": c.today.isoformat()}


@guard(K.resumption)
def _rc_resumption(c: Context) -> dict[str, Any]:
    """RC-7: resumed with a written notice; the days suspended do not count against the decision period.
    Art. 41(5): a suspension for the applicant's death, incapacity or end that lasts 60 days ends the case."""
    stopped = (c.today - parse_date(c.before["suspended_on"], "suspended_on")).days
    if c.data.get("outcome") == "terminate":
        if c.before.get("ground") not in TERMINATING_SUSPENSIONS or stopped < c.limits.rc_suspension_termination_days:
            raise e.TerminationNotDue(ground=c.before.get("ground"), days=stopped,
                                      minimum=c.limits.rc_suspension_termination_days)
        return {"resumption_outcome": "terminate", "terminated_on": c.today.isoformat(),
                "termination_ground": "suspended_60_days", "days_suspended": stopped}
    _rc_require_notice(c)
    due = workdays.add_days(parse_date(c.before["case_due"], "case_due"), stopped, to_next_workday=True)
    return {"resumption_outcome": "resume", "resumed_on": c.today.isoformat(), "days_suspended": stopped,
            "case_due": due.last_day.isoformat()}

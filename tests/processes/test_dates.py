"""Every date a person types is checked (DF-DATE, MD-26b), on the real definitions.

Each refusal names the field, the date given and the lawful bound, and changes nothing:
the step stays open and no event is appended (`refused` compares the database before and
after). Today is the engine clock's Asia/Shanghai date; the other bounds are what the
engine recorded (the day a step opened, the procedure's start, the review steps' work items).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.clock import CST
from engine.domain import errors
from tests.helpers import refused
from tests.processes.md_scenario import MajorDecision, pdf
from tests.processes.test_decision_execution import ex
from tests.processes.test_enforcement_review import er
from tests.processes.test_major_decision_steps import hearing_path, notice, record
from tests.processes.test_normative_document import nd
from tests.processes.test_reconsideration import rc

FIXTURES = (er, ex, nd, rc)
"""The procedures' own fixtures (an enforcement review, an execution, a normative document, a case), used here
by name; `md` comes from conftest.py."""
SUBMISSION = {"procedures_account": "已履行公众参与、征求意见等法定程序",
              "legal_basis": [{"instrument": "《城市公共交通条例》", "article": "第十条"}]}


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def events(walk) -> int:
    return len(walk.engine.history.events(walk.procedure_id))


# --- "done": something done in this step ------------------------------------------------------------------------

def test_df_dates_a_done_date_in_the_future_is_refused_naming_field_and_bound(er):
    er.submit()
    er.review("agree")
    seen = events(er)
    error = refused(er.engine, errors.DateTooLate, "DF-DATE", er.decide, decided_on=shift(er.today(), 1))
    assert (error.field, error.context["date"], error.context["latest"]) == (
        "decided_on", shift(er.today(), 1), er.today())
    assert "decided_on" in error.message("zh_CN") and er.today() in error.message("zh_CN")
    assert er.open() == {"decision"} and events(er) == seen  # the step stays open, nothing appended
    er.decide(decided_on=er.today())
    assert er.status() == "completed"


def test_df_dates_a_done_date_before_its_step_opened_is_refused(er):
    er.submit()
    er.review("agree")
    opened = er.today()
    er.clock.advance(days=3)
    error = refused(er.engine, errors.DateTooEarly, "DF-DATE", er.decide, decided_on=shift(opened, -1))
    assert (error.field, error.context["earliest"]) == ("decided_on", opened)
    assert opened in error.message("en") and "this step opened" in error.message("en")
    er.decide(decided_on=opened)


def test_df_dates_a_meeting_before_its_step_opened_is_refused_in_every_statute(nd):
    nd.to_collective_review()
    opened = nd.today()
    nd.clock.advance(days=1)
    error = refused(nd.engine, errors.DateTooEarly, "DF-DATE", nd.collective, meeting_date=shift(opened, -2))
    assert (error.field, error.context["earliest"]) == ("meeting_date", opened)
    nd.collective(meeting_date=opened)
    assert nd.open() == {"signing"}


# --- "planned": a date to come ----------------------------------------------------------------------------------

def test_df_dates_a_planned_date_in_the_past_is_refused(md):
    md.through_comment()
    yesterday = shift(md.today(), -1)
    error = refused(md.engine, errors.DateTooEarly, "DF-DATE", md.do, "review_submission", md.people.sponsor,
                    {**SUBMISSION, "requested_meeting_date": yesterday}, {"draft": pdf("送审稿")})
    assert (error.field, error.context["date"], error.context["earliest"]) == (
        "requested_meeting_date", yesterday, md.today())
    assert md.open() == {"review_submission"}


def test_df_dates_a_validity_that_already_ended_is_refused(nd):
    nd.to_publication()
    error = refused(nd.engine, errors.DateTooEarly, "DF-DATE", nd.publish, valid_until=shift(nd.today(), -1))
    assert (error.field, error.context["earliest"]) == ("valid_until", nd.today())


# --- "past": a fact from before the procedure; "during": in the procedure, perhaps before this step -------------

def test_df_dates_a_past_fact_dated_in_the_future_is_refused(rc):
    error = refused(rc.engine, errors.DateTooLate, "DF-DATE", rc.apply, knew_act_on="2026-11-03")
    assert (error.field, error.context["latest"]) == ("knew_act_on", "2026-11-02")
    assert rc.open() == {"application"}


def test_df_dates_a_reporting_period_ends_within_the_procedure(ex):
    ex.assign()
    error = refused(ex.engine, errors.DateTooLate, "DF-DATE", ex.report, period_end=shift(ex.today(), 1))
    assert error.field == "period_end"
    error = refused(ex.engine, errors.DateTooEarly, "DF-DATE", ex.report, period_end=shift(ex.today(), -1))
    assert (error.field, error.context["earliest"]) == ("period_end", ex.today())  # the day execution started
    ex.report(period_end=ex.today())


def test_df_dates_a_date_in_a_row_is_checked_and_named_by_its_row(md):
    hearing_path(md)
    listed = md.today()
    notice(md)
    md.clock.advance(days=20)
    deliveries = [{"participant": "乘客甲", "delivered_on": listed},
                  {"participant": "乘客乙", "delivered_on": "2026-10-01"}]  # before the procedure started
    signatures = [{"participant": "乘客甲", "signed": True}, {"participant": "乘客乙", "signed": True}]
    data = {"deliveries": deliveries, "held_on": md.today(), "signatures": signatures}
    error = refused(md.engine, errors.DateTooEarly, "DF-DATE", md.do, "hearing_record", md.people.sponsor, data,
                    {"record": pdf("听证笔录")})
    assert (error.field, error.context["earliest"]) == ("deliveries.1.delivered_on", "2026-11-02")
    deliveries[1]["delivered_on"] = shift(listed, -1)  # in the procedure, but before the list was published
    error = refused(md.engine, errors.DateTooEarly, "DF-DATE", md.do, "hearing_record", md.people.sponsor, data,
                    {"record": pdf("听证笔录")})
    assert (error.field, error.context["earliest"]) == ("deliveries.1.delivered_on", listed)
    record(md, listed, md.today())


# --- dates that follow an earlier step or date ------------------------------------------------------------------

def test_df_dates_a_hearing_is_not_held_before_the_day_announced(md):
    hearing_path(md)
    announced = shift(md.today(), 20)
    notice(md)
    md.clock.advance(days=19)
    error = refused(md.engine, errors.DateTooEarly, "DF-DATE", record, md, shift(announced, -19), md.today())
    assert (error.field, error.context["earliest"]) == ("held_on", announced)


def test_df_dates_a_decision_is_served_on_or_after_the_day_it_is_made(rc):
    rc.to_decision()
    rc.clock.advance(days=3)
    error = refused(rc.engine, errors.DateTooEarly, "DF-DATE", rc.decide, served_on="2026-11-03")
    assert (error.field, error.context["earliest"]) == ("deliveries.0.served_on", rc.today())
    rc.decide(served_on=rc.today())
    assert rc.derived()["effective_from"] == rc.derived()["decided_on"] == rc.today()


def test_df_dates_an_application_follows_knowing_the_act_and_knowing_follows_the_act(rc):
    error = refused(rc.engine, errors.DateTooEarly, "DF-DATE", rc.apply, knew_act_on="2026-10-25",
                    applied_on="2026-10-24")
    assert (error.field, error.context["earliest"]) == ("applied_on", "2026-10-25")
    error = refused(rc.engine, errors.DateTooEarly, "DF-DATE", rc.apply, act_date="2026-10-21",
                    knew_act_on="2026-10-20")
    assert (error.field, error.context["earliest"]) == ("knew_act_on", "2026-10-21")


def test_df_dates_a_document_takes_effect_no_earlier_than_its_publication(nd):
    nd.to_publication()
    nd.clock.advance(days=2)
    published = nd.today()
    error = refused(nd.engine, errors.DateTooEarly, "DF-DATE", nd.publish, published_on=published,
                    effective_from=shift(published, -1))
    assert (error.field, error.context["earliest"]) == ("effective_from", published)
    nd.publish(published_on=published, effective_from=published, valid_until="2031-11-03")


# --- MD-26b: the review is left its 7 working days before a meeting -----------------------------------------------

def test_md26b_a_meeting_requested_before_the_review_due_day_is_refused_and_accepted_on_it(engine, clock):
    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=CST))
    md = MajorDecision.start(engine, clock)
    md.through_comment()
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))  # materials complete on Wednesday 2026-09-23
    error = refused(engine, errors.MeetingBeforeReviewDue, "MD-26b", md.do, "review_submission", md.people.sponsor,
                    {**SUBMISSION, "requested_meeting_date": "2026-10-09"}, {"draft": pdf("送审稿")})
    assert (error.field, error.context["date"], error.context["earliest"]) == (
        "requested_meeting_date", "2026-10-09", "2026-10-10")  # regulation.md §8: due 2026-10-10
    assert "2026-10-10" in error.message("zh_CN") and "7个工作日" in error.message("zh_CN")
    assert "2026-10-10" in error.message("en") and "7 working days" in error.message("en")
    assert md.open() == {"review_submission"}
    md.do("review_submission", md.people.sponsor, {**SUBMISSION, "requested_meeting_date": "2026-10-10"},
          {"draft": pdf("送审稿")})
    assert md.open() == {"legal_opinion"}


def test_md26b_a_supplement_restarts_the_due_day_and_the_requested_meeting_moves_with_it(engine, clock):
    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=CST))
    md = MajorDecision.start(engine, clock)
    md.through_comment()
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))
    md.do("review_submission", md.people.sponsor, {**SUBMISSION, "requested_meeting_date": "2026-10-10"},
          {"draft": pdf("送审稿")})
    md.legal_opinion()
    md.review("supplement_requested")
    assert md.open() == {"supplement"}
    clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=CST))  # resubmitted Monday 10-12: due the 7th working day, 10-21
    supplement = {"note": "补充风险评估报告"}
    docs = {"supplemented_materials": pdf("补充材料")}
    error = refused(engine, errors.MeetingBeforeReviewDue, "MD-26b", md.do, "supplement", md.people.sponsor,
                    supplement, docs)  # the meeting requested for 10-10 no longer leaves the review its time
    assert (error.field, error.context["date"], error.context["earliest"]) == (
        "requested_meeting_date", "2026-10-10", "2026-10-21")
    assert "重新计算" in error.message("zh_CN")
    error = refused(engine, errors.MeetingBeforeReviewDue, "MD-26b", md.do, "supplement", md.people.sponsor,
                    {**supplement, "requested_meeting_date": "2026-10-20"}, docs)
    assert error.context["earliest"] == "2026-10-21"
    md.do("supplement", md.people.sponsor, {**supplement, "requested_meeting_date": "2026-10-21"}, docs)
    assert md.engine.history.events(md.procedure_id)[-1].payload["derived"]["review_due"] == "2026-10-21"
    clock.set(datetime(2026, 10, 15, 10, 0, tzinfo=CST))  # the opinion comes early, before the due day
    md.legal_opinion()
    md.review("lawful")
    assert md.open() == {"deliberation"}
    md.deliberate(meeting_date="2026-10-15")  # once the opinion is issued the meeting may follow it
    assert md.open() >= {"party_report"}

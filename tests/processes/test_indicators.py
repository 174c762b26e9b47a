"""法治指数 indicators computed from the chained history of procedures driven through the engine (DF-INDICATOR).

Every expected figure is worked out by hand in the test from the script above it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from engine.clock import CST
from engine.domain import errors
from engine.services.definitions import read_bundle
from engine.services.indicators import Report
from tests.helpers import refused
from tests.processes.md_scenario import MajorDecision
from tests.processes.test_enforcement_review import PROCESS as ER_PROCESS
from tests.processes.test_enforcement_review import Review


def figure(report: Report, indicator: str, unit: str | None = None):  # type: ignore[no-untyped-def]
    lines = report.totals if unit is None else report.by_unit[unit]
    return next(line.figure for line in lines if line.indicator.id == indicator)


# --- major decisions ----------------------------------------------------------------------------------


def _decided(md: MajorDecision, review_wait_days: int, *, publish: bool) -> None:
    """Proposal → 30-day comment (+31 days) → review after `review_wait_days` → adopted at a standing meeting."""
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.clock.advance(days=review_wait_days)
    md.review("lawful")
    md.deliberate("adopt")
    md.report_to_party()
    if publish:
        md.publish()


def _another(md: MajorDecision, title: str) -> MajorDecision:
    view = md.engine.procedures.start("major_decision", title, "dev_reform", md.people.sponsor)
    return MajorDecision(md.engine, md.clock, md.people, view.id, {i.task_id: i.spec for i in view.open_items})


@pytest.fixture
def decisions(md: MajorDecision) -> tuple[MajorDecision, MajorDecision, MajorDecision]:
    """md1 starts 2026-11-02 09:00, waits 31 + 2 days, adopted and published on 2026-12-05.
    md2 starts then, waits 31 + 4 days, adopted on 2027-01-09, not published.
    md3 starts then and is only initiated: no decision."""
    _decided(md, 2, publish=True)
    md2 = _another(md, "县城停车收费标准调整")
    _decided(md2, 4, publish=False)
    md3 = _another(md, "县城道路命名方案")
    md3.propose()  # in 2027: the 2026 catalogue item no longer applies, the organ determines the matter
    md3.initiate(catalogue_item=None, outside_catalogue_determination="经县政府常务会议认定为重大行政决策事项")
    return md, md2, md3


def test_df_indicator_major_decisions_taken_and_their_shares(decisions, engine):
    md1, md2, _ = decisions
    report = engine.indicators.report("2026-11-01", "2027-12-31")
    taken = figure(report, "md_taken")
    assert (taken.value, taken.procedures) == (2, (md1.procedure_id, md2.procedure_id))  # md3 has no decision
    # both went through the 30-day public comment, neither had expert argumentation nor a risk assessment
    assert figure(report, "md_public_participation_share").value == 100.0
    assert (figure(report, "md_expert_share").value, figure(report, "md_expert_share").denominator) == (0.0, 2)
    assert figure(report, "md_risk_share").value == 0.0
    legality = figure(report, "md_legality_share")
    assert (legality.value, legality.numerator, legality.denominator) == (100.0, 2, 2)
    assert next(line for line in report.totals if line.indicator.id == "md_legality_share").meets is True
    assert figure(report, "md_collective_share").value == 100.0  # both at a standing meeting
    published = figure(report, "md_published_share")
    assert (published.value, published.procedures) == (50.0, (md1.procedure_id,))


def test_df_indicator_median_days_per_stage(decisions, engine):
    report = engine.indicators.report("2026-11-01", "2027-12-31")
    # legality review: opened at submission, done 2 days (md1) and 4 days (md2) later → median 3
    assert figure(report, "md_days_legality_review").value == 3.0
    # start to decision: 31 + 2 = 33 and 31 + 4 = 35 days → median 34
    assert figure(report, "md_days_total").value == 34.0
    # deliberation right after the review, proposal and initiation on the day of the start
    assert figure(report, "md_days_to_deliberation").value == 0.0
    assert figure(report, "md_days_initiation").value == 0.0


def test_df_indicator_period_counts_a_decision_in_the_period_it_was_taken(decisions, engine):
    md1, md2, _ = decisions
    first = engine.indicators.report("2026-11-01", "2026-12-31")  # md1 adopted 2026-12-05, md2 on 2027-01-09
    assert figure(first, "md_taken").procedures == (md1.procedure_id,)
    assert figure(first, "md_days_total").value == 33.0
    second = engine.indicators.report("2027-01-01", "2027-01-31")
    assert figure(second, "md_taken").procedures == (md2.procedure_id,)
    assert figure(second, "md_published_share").value == 0.0
    nothing = engine.indicators.report("2026-11-01", "2026-11-30")
    assert figure(nothing, "md_taken").value == 0
    assert figure(nothing, "md_legality_share").value is None  # no decision: no share, not 0 %


def test_df_indicator_unit_comes_from_the_chain_not_the_mutable_column(decisions, engine):
    md1, md2, _ = decisions
    engine.people.ensure_organisation("transport", "县交通运输局")
    with engine.db.begin() as connection:  # a mutable column, changed behind the engine's back
        connection.execute(text("UPDATE procedures SET sponsor_org = 'transport' WHERE id = :id"),
                           {"id": md1.procedure_id})
    report = engine.indicators.report("2026-11-01", "2027-12-31", unit="dev_reform")
    assert figure(report, "md_taken").procedures == (md1.procedure_id, md2.procedure_id)
    assert engine.indicators.report("2026-11-01", "2027-12-31", unit="transport").procedures == 0
    assert set(report.by_unit) == {"dev_reform"}


def test_df_indicator_report_states_the_checkpoint_and_what_moved_after_it(decisions, engine, clock):
    md1, md2, md3 = decisions
    report = engine.indicators.report("2026-11-01", "2027-12-31")
    assert report.checkpoint.seq is None and set(report.checkpoint.moved_after) == {
        md1.procedure_id, md2.procedure_id, md3.procedure_id}
    made = engine.checkpoints.make()
    md1.archive()  # md1 moves after the checkpoint
    report = engine.indicators.report("2026-11-01", "2027-12-31")
    assert (report.checkpoint.seq, report.checkpoint.root) == (made.seq, made.root)
    assert report.checkpoint.moved_after == (md1.procedure_id,)


def test_df_indicator_bad_query_is_refused_naming_the_field(decisions, engine):
    error = refused(engine, errors.IndicatorQueryInvalid, "DF-INDICATOR", engine.indicators.report,
                    "2026-13-01", "2027-01-01")
    assert error.field == "from"
    error = refused(engine, errors.IndicatorQueryInvalid, "DF-INDICATOR", engine.indicators.report,
                    "2027-01-01", "2026-01-01")
    assert error.field == "to"
    error = refused(engine, errors.IndicatorQueryInvalid, "DF-INDICATOR", engine.indicators.report,
                    "2026-01-01", "2027-01-01", unit="nowhere")
    assert error.field == "unit" and "nowhere" in error.message()


def test_df_indicator_report_is_open_to_auditors_reviewers_and_leaders_only(decisions, engine):
    md1, *_ = decisions
    refused(engine, errors.IndicatorsForbidden, "DF-INDICATOR", engine.indicators.report,
            "2026-11-01", "2027-12-31", actor=md1.people.sponsor)
    for actor in (md1.people.reviewer, md1.people.organ):
        assert figure(engine.indicators.report("2026-11-01", "2027-12-31", actor=actor), "md_taken").value == 2


# --- enforcement reviews, overdue steps and reminders ------------------------------------------------


@pytest.fixture
def reviews(engine, clock) -> tuple[Review, Review]:
    """er1: submitted 2026-09-23, reviewed (agree) the same day, decided. er2: submitted the same day, due
    2026-10-10 (ER-7), a supervisor reminds on 2026-10-12, reviewed with problems on 2026-10-20 under an
    extension to 2026-10-14: past it, so flagged overdue."""
    engine.definitions.deploy(*read_bundle(ER_PROCESS), "test")
    p = engine.people
    for code in ("market_enforcement", "market_legal", "market_bureau", "gov_office"):
        p.ensure_organisation(code, code)
    people = {"unit": p.ensure_user("zhao_inv", "market_enforcement", ["sponsor", "enforcement_unit"]),
              "reviewer": p.ensure_user("wu_legal", "market_legal", ["legal_office", "legal_professional"]),
              "head": p.ensure_user("director", "market_bureau", ["enforcement_head"])}
    p.ensure_user("qian_inv", "market_enforcement", ["enforcement_unit"])  # the walk's second investigator (ER-3)
    supervisor = p.ensure_user("duban", "gov_office", ["supervisor"])
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))
    walks = []
    for title in ("某食品有限公司违法生产案", "某餐饮店无证经营案"):
        view = engine.procedures.start("enforcement_review", title, "market_enforcement", people["unit"])
        walks.append(Review.of(engine, people, view))
    er1, er2 = walks
    er1.submit(case_number="市监罚〔2026〕18号")
    er1.review("agree")
    er1.decide()
    er2.submit(case_number="市监罚〔2026〕19号")
    clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=CST))
    engine.supervision.remind(supervisor, er2.item("legal_review").task_id, "请尽快出具法制审核意见")
    clock.set(datetime(2026, 10, 20, 10, 0, tzinfo=CST))
    er2.review("problems", extension_reason="案情复杂，需补充调查询问", extension_approved_by="局长 王某")
    return er1, er2


def test_df_indicator_enforcement_reviews_by_opinion_and_on_time(reviews, engine):
    er1, er2 = reviews
    report = engine.indicators.report("2026-09-01", "2026-12-31")
    by_opinion = figure(report, "er_reviews")
    assert by_opinion.value == 2
    assert {k: v.procedures for k, v in by_opinion.breakdown.items()} == {
        "agree": (er1.procedure_id,), "problems": (er2.procedure_id,)}
    on_time = figure(report, "er_reviews_on_time_share")  # er2 was past its extension (ER-7)
    assert (on_time.value, on_time.procedures) == (50.0, (er1.procedure_id,))
    agreed = figure(report, "er_decided_after_agreement_share")  # only er1 was decided, after agreement
    assert (agreed.value, agreed.denominator) == (100.0, 1)


def test_df_indicator_overdue_steps_and_reminders(reviews, engine):
    _, er2 = reviews
    report = engine.indicators.report("2026-09-01", "2026-12-31")
    # er2's legal review was due 2026-10-10 and done 2026-10-20; every other step was done the day it opened
    overdue = figure(report, "steps_overdue")
    assert (overdue.value, overdue.procedures) == (1, (er2.procedure_id,))
    assert figure(report, "reminders_sent").value == 1
    assert figure(report, "reminders_overdue").value == 1  # sent on 2026-10-12, two days past the due day
    before = engine.indicators.report("2026-09-01", "2026-10-11")
    assert (figure(before, "reminders_sent").value, figure(before, "steps_overdue").value) == (0, 0)


def test_df_indicator_ranking_counts_targets_met_per_unit(reviews, engine):
    report = engine.indicators.report("2026-09-01", "2026-12-31")
    # market_enforcement: targets with a value are er_reviews_on_time_share (50 < 100, missed) and
    # er_decided_after_agreement_share (100, met); every other targeted share has no denominator
    assert report.ranking() == [("market_enforcement", 1, 1)]

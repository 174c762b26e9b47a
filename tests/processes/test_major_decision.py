"""The statutory major-decision procedure, driven through the engine with an injected clock.

Tests are named after the rule they prove (regulation.md ids); each refusal checks its
rule id and that nothing changed.
"""

from __future__ import annotations

import pytest

from engine.domain import errors
from tests.helpers import fingerprint, refused
from tests.processes.md_scenario import MajorDecision
from tests.processes.md_scenario import pdf as md_pdf


def test_full_path_from_proposal_to_archive(md):
    md.through_comment()
    assert md.open() == {"review_submission"}  # no optional step applies
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("adopt")
    md.report_to_party()
    md.publish()
    md.archive()
    procedure = md.engine.procedures.get(md.procedure_id)
    assert procedure.status == "completed"
    assert md.engine.history.verify(md.procedure_id).ok


def test_md33a_an_archive_reference_is_unique_across_procedures(md):
    """Issue 19 item 6: the 档号 files one procedure; another procedure's reference is refused, naming it."""
    md.propose()
    md.initiate(launched=False)  # not launched: archived at once (MD-10), the shortest way to a 档号
    md.archive()
    other = MajorDecision.start(md.engine, md.clock, "县城停车收费调整方案")
    other.propose()
    other.initiate(launched=False)
    taken = {"archive_number": f" 2026-jc-{md.procedure_id:03d} ", "archived_on": other.today(), "complete": True}
    error = refused(md.engine, errors.IdentifierTaken, "DF-FORM", other.do, "archiving", other.people.gov_office, taken)
    assert (error.field, error.context["procedure"]) == ("archive_number", md.procedure_id)
    other.archive()
    assert md.engine.procedures.get(other.procedure_id).status == "completed"


def test_md3b_excluded_matter_cannot_be_launched(md):
    md.propose()
    error = refused(md.engine, errors.ExcludedMatter, "MD-3b", md.initiate, matter_type="emergency_response")
    assert "emergency_response" in error.message("en")


def test_md3c_launch_needs_catalogue_item_or_determination(md):
    md.propose()
    refused(md.engine, errors.CatalogueRequired, "MD-3c", md.initiate, catalogue_item=None)


def test_md10_department_proposal_must_argue_feasibility(md):
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.propose, proposal_source="department",
                    problem="拥堵", reasons_and_basis="规划", preliminary_solution="调整", necessity="必要")
    assert error.field == "feasibility"


def test_md10_launch_decision_only_by_decision_organ(md):
    md.propose()
    before = fingerprint(md.engine)
    with pytest.raises(errors.RoleRequired):
        md.do("initiation", md.people.sponsor, {"launched": False, "reason": "自己决定"})
    assert fingerprint(md.engine) == before


def test_md10_not_launched_goes_to_archive(md):
    md.propose()
    md.initiate(launched=False)
    assert md.open() == {"archiving"}


def test_md12c_divergent_views_need_options_or_a_reason(md):
    md.propose()
    md.initiate()
    refused(md.engine, errors.OptionsRequired, "MD-12c", md.draft, major_divergence=True)


def test_md13_every_affected_unit_is_consulted(md):
    md.propose()
    md.initiate()
    md.draft(affected_units=["transport", "finance"])
    assert md.open() == {"consultation"}
    error = refused(md.engine, errors.ConsultationIncomplete, "MD-13", md.consult)
    assert "finance" in error.message("en")


def test_md14a_non_disclosure_by_gov_office_skips_participation(md):
    md.propose()
    md.initiate()
    md.draft()
    md.determine_disclosure(disclosed=False)
    assert md.open() == {"review_submission"}
    event = md.engine.history.events(md.procedure_id)[-1]
    assert event.payload["data"]["non_disclosure_basis"].startswith("《政府信息公开条例》")
    assert event.payload["by"]["org"] == "gov_office"


def test_md15b_comment_window_cannot_close_before_thirty_days(md):
    md.propose()
    md.initiate()
    md.draft()
    md.determine_disclosure()
    refused(md.engine, errors.CommentPeriodTooShort, "MD-15b", md.open_comment, days=12)
    md.open_comment(days=30)
    assert md.open() == set()  # waiting for the window
    md.clock.advance(days=29)
    md.wake()
    assert md.open() == set()
    md.clock.advance(days=2)
    md.wake()
    assert md.open() == {"summarise_opinions"}


def test_md15b_shortened_window_needs_reason_stated_at_opening(md, clock):
    md.propose()
    md.initiate()
    md.draft()
    md.determine_disclosure()
    md.open_comment(days=15, urgency_reason="汛期前须完成线路调整")
    clock.advance(days=15)
    md.wake()
    assert md.open() == set()  # day 15 is still inside the window
    clock.advance(days=1)
    md.wake()
    assert md.open() == {"summarise_opinions"}


def test_md15b_summary_refused_until_the_window_has_run(md, clock):
    md.propose()
    md.initiate()
    md.draft()
    md.determine_disclosure()
    md.open_comment(days=30)
    clock.advance(days=30, hours=3)  # the 30-day timer fired (09:00), but the last day runs to 24:00
    md.wake()
    assert md.open() == {"summarise_opinions"}
    refused(md.engine, errors.CommentWindowOpen, "MD-15b", md.summarise)
    clock.advance(days=1)
    md.summarise()


def test_md16a_hearing_required_by_law_cannot_be_skipped(md):
    md.propose()
    md.initiate()
    md.draft(hearing_required_by_law=True, directly_affects_interests=True)
    md.determine_disclosure()
    refused(md.engine, errors.HearingRequired, "MD-16a", md.open_comment, hearing_choice_reason="无需听证")


def test_md18_not_adopted_opinion_needs_a_reason(md, clock):
    md.propose()
    md.initiate()
    md.draft()
    md.determine_disclosure()
    md.open_comment()
    clock.advance(days=31)
    md.wake()
    refused(md.engine, errors.AdoptionReasonMissing, "MD-18", md.summarise,
            register=[{"topic": "票价", "summary": "降低票价", "adoption": "not_adopted"}])


def test_md19a_professional_matter_goes_to_experts_and_md20_interested_expert_refused(md):
    md.through_comment(professional_technical=True)
    assert md.open() == {"expert_argumentation"}
    expert = {"name": "周教授", "organisation": "某公交集团", "pool_source": "higher", "direct_interest": True}
    refused(md.engine, errors.ExpertInterested, "MD-20", md.do, "expert_argumentation", md.people.expert,
            {"method": "meeting", "experts": [expert], "signed_or_sealed": True, "conclusion": "可行"},
            {"opinion": md_pdf("专家意见")})


def test_md24_not_controllable_risk_loops_through_adjustment_and_reassessment(md):
    md.through_comment(stability_or_safety_risk=True)
    assert md.open() == {"risk_assessment"}
    risk = {"methods": ["走访"], "departments_heard": ["公安局"], "risk_points": "站点撤并",
            "prevention_measures": "过渡线路", "contingency_plan": "应急接驳"}
    md.do("risk_assessment", md.people.assessor, {**risk, "conclusion": "not_controllable"}, {"report": md_pdf("报告")})
    assert md.open() == {"risk_adjustment"}
    md.revise("risk_adjustment")
    assert md.open() == {"risk_assessment"}
    md.do("risk_assessment", md.people.assessor, {**risk, "conclusion": "controllable"}, {"report": md_pdf("报告2")})
    assert md.open() == {"review_submission"}


def test_md25a_sponsor_cannot_do_the_legality_review(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    lawyer = md.engine.people.ensure_user("wang_fang", "dev_reform", ["sponsor", "legality_reviewer"])
    refused(md.engine, errors.SponsorMayNotReview, "MD-25a", md.review, "lawful", actor=lawyer)


def test_md26a_returned_materials_loop_back_and_md26b_restart_the_clock(md, clock):
    md.through_comment()
    md.submit_for_review()
    first_due = md.engine.procedures.get(md.procedure_id).open_items[0].due_at
    md.legal_opinion()
    md.review("returned")
    assert md.open() == {"supplement"}
    clock.advance(days=5)
    md.do("supplement", md.people.sponsor, {"note": "补充风险评估报告"}, {"supplemented_materials": md_pdf("补充")})
    second_due = md.engine.procedures.get(md.procedure_id).open_items[0].due_at
    assert second_due > first_due


def test_md26b_review_due_is_seven_working_days_after_complete_materials(engine, clock):
    from datetime import datetime

    from engine.clock import CST

    clock.set(datetime(2026, 8, 20, 9, 0, tzinfo=CST))
    md = MajorDecision.start(engine, clock)
    md.through_comment()  # comment closes on 2026-09-19; summary on 2026-09-20
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))  # materials complete on Wednesday 2026-09-23
    md.submit_for_review()
    [item] = engine.procedures.get(md.procedure_id).open_items
    assert item.spec == "legal_opinion"
    assert item.due_at == datetime(2026, 10, 11, 0, 0, tzinfo=CST)  # due 2026-10-10 (regulation.md §8)


def test_md28b_revised_draft_is_reviewed_again_before_deliberation(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful_with_changes")
    assert md.open() == {"review_revision"}
    md.revise("review_revision")
    assert md.open() == {"legal_opinion"}  # back to review, never straight to deliberation


def test_md30a_circulation_is_not_a_meeting(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    refused(md.engine, errors.NotAMeeting, "MD-30a", md.deliberate, meeting_type="circulation")


def test_md30b_head_speaks_last(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    views = [{"member": "孙县长", "is_head": True, "position": "support"},
             {"member": "副县长甲", "is_head": False, "position": "support"},
             {"member": "副县长乙", "is_head": False, "position": "support"}]
    refused(md.engine, errors.HeadNotLast, "MD-30b", md.deliberate, views=views, members_total=5)


def test_md30c_head_against_majority_must_give_reason(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    for i in range(7):  # a larger meeting: the registry's five and seven more members
        md.engine.people.ensure_user(f"weiyuan{i}", "county_gov", ["meeting_member"], f"委员{i}")
    views = [{"member": f"委员{i}", "is_head": False, "position": "oppose" if i < 5 else "support"} for i in range(7)]
    views.append({"member": "孙县长", "is_head": True, "position": "support"})
    over = {"members_total": 12, "members_present": 8}
    refused(md.engine, errors.HeadAgainstMajority, "MD-30c", md.deliberate, views=views, **over)
    md.deliberate(views=views, head_reason="项目时间紧迫，已充分评估风险", **over)
    assert md.open() == {"party_report"}


def test_md30d_revise_outcome_returns_through_legality_review(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("revise")
    assert md.open() == {"deliberation_revision"}
    md.revise("deliberation_revision")
    assert md.open() == {"legal_opinion"}


def test_md31_party_report_precedes_publication_and_md33a_archive_closes(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("adopt")
    assert md.open() == {"party_report"}
    before = fingerprint(md.engine)
    with pytest.raises(LookupError):
        md.publish()  # publication is not open before the party report
    assert fingerprint(md.engine) == before
    md.report_to_party()
    md.publish()
    assert md.open() == {"archiving"}
    md.archive()
    assert md.engine.procedures.get(md.procedure_id).status == "completed"

"""Lists the engine knows are confirmed, not retyped; every list is complete and consistent (issue 19, 2 and 3).

Each refusal names the field, the entries at fault and the rule, and changes nothing (`refused` compares
the database before and after); the corrected submission then passes.
"""

from __future__ import annotations

from datetime import datetime

from engine.clock import CST
from engine.domain import errors
from tests.helpers import refused
from tests.processes.md_scenario import pdf
from tests.processes.test_decision_execution import ex
from tests.processes.test_enforcement_review import er
from tests.processes.test_major_decision_steps import LISTED, hearing_path, notice, record
from tests.processes.test_reconsideration import rc

FIXTURES = (er, ex, rc)
"""The enforcement review's, the execution's and the case's fixtures, used here by name; `md` comes from
conftest.py."""


def at_hearing(md) -> str:
    """A hearing announced with LISTED as participants, on the hearing's day; the day the list was published."""
    hearing_path(md)
    listed = md.today()
    notice(md)
    md.clock.advance(days=20)
    return listed


def test_md16d_md17_the_record_opens_with_the_published_participants(md):
    listed = at_hearing(md)
    known = md.engine.tasks.known(md.task("hearing_record"), md.people.sponsor)
    assert known == {"deliveries": [{"participant": n} for n in LISTED],
                     "signatures": [{"participant": n} for n in LISTED]}
    record(md, listed, md.today())
    assert md.open() != {"hearing_record"}


def test_md16d_a_delivery_list_that_leaves_out_a_listed_participant_is_refused(md):
    listed = at_hearing(md)
    error = refused(md.engine, errors.HearingDeliveriesIncomplete, "MD-16d", record, md, listed, md.today(),
                    deliveries=[{"participant": "乘客甲", "delivered_on": listed}])
    assert (error.field, error.context["entries"]) == ("deliveries", ["乘客乙"])
    assert error.article.endswith("第十六条第三款")
    record(md, listed, md.today())


def test_md17_a_record_signed_by_only_some_participants_is_refused(md):
    listed = at_hearing(md)
    error = refused(md.engine, errors.HearingSignaturesIncomplete, "MD-17", record, md, listed, md.today(),
                    [{"participant": "乘客乙", "signed": True}])
    assert (error.field, error.context["entries"]) == ("signatures", ["乘客甲"])
    assert "乘客甲" in error.message() and "乘客甲" in error.message("en")


def test_md16c_an_altered_or_added_participant_is_not_on_the_published_list(md):
    listed = at_hearing(md)
    altered = [{"participant": "乘客甲", "signed": True}, {"participant": "乘客丙", "signed": True}]
    error = refused(md.engine, errors.ParticipantNotListed, "MD-16c", record, md, listed, md.today(), altered)
    assert (error.field, error.context["participant"]) == ("signatures.1.participant", "乘客丙")
    added = [{"participant": n, "signed": True} for n in (*LISTED, "乘客丙")]
    refused(md.engine, errors.ParticipantNotListed, "MD-16c", record, md, listed, md.today(), added)


def test_md16c_md17_one_participant_signing_twice_as_typed_differently_is_refused(md):
    listed = at_hearing(md)
    twice = [{"participant": "乘客甲", "signed": True}, {"participant": " 乘客甲 ", "signed": True},
             {"participant": "乘客乙", "signed": True}]
    error = refused(md.engine, errors.ParticipantRepeated, "MD-16c", record, md, listed, md.today(), twice)
    assert (error.field, error.context["first"]) == ("signatures.1", 0)
    record(md, listed, md.today(), [{"participant": "乘客乙", "signed": True},  # any order, names as listed
                                    {"participant": "乘客甲", "signed": False, "refusal_note": "拒签，已记录"}])


def test_md16c_the_notice_lists_each_participant_once(md):
    hearing_path(md)
    twice = [{"name": "乘客甲", "side": "supporting"}, {"name": "乘客乙", "side": "opposing"},
             {"name": "ＡＢＣ", "side": "neutral"}, {"name": "abc", "side": "neutral"}]
    error = refused(md.engine, errors.ParticipantRepeated, "MD-16c", notice, md, participants=twice)
    assert error.field == "participants.3"


def deliberation_ready(md) -> None:
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")


def test_md30d_a_member_s_view_is_counted_once(md):
    deliberation_ready(md)
    views = [{"member": "副县长甲", "is_head": False, "position": "support"},
             {"member": "副县长甲", "is_head": False, "position": "support"},
             {"member": "孙县长", "is_head": True, "position": "support"}]
    error = refused(md.engine, errors.MemberViewRepeated, "MD-30d", md.deliberate, views=views)
    assert (error.field, error.context["entry"]) == ("views.1", "副县长甲")
    views[1]["member"] = "副县长乙"
    md.deliberate(views=views)
    assert md.open() == {"party_report"}


def test_md30a_the_count_present_agrees_with_the_views_recorded(md):
    deliberation_ready(md)
    error = refused(md.engine, errors.PresentCountMismatch, "MD-30a", md.deliberate, members_present=5)
    assert (error.field, error.context["present"], error.context["listed"]) == ("members_present", 5, 3)
    md.deliberate(members_present=3)


MEETING = [{"member": "副县长甲", "is_head": False, "position": "support"},
           {"member": "副县长乙", "is_head": False, "position": "support"},
           {"member": "孙县长", "is_head": True, "position": "support"}]


def test_md30a_the_members_total_is_the_registry_s_not_a_typed_number(md):
    deliberation_ready(md)
    # 3 present of a typed 9 would fail the quorum; of a typed 5 it passes: the total decides the quorum
    error = refused(md.engine, errors.MembersTotalNotOnRecord, "MD-30a", md.deliberate, views=MEETING,
                    members_total=4)
    assert (error.field, error.context["total"], error.context["on_record"]) == ("members_total", 4, 5)
    assert "孙县长" in error.message("zh_CN") and "名册" in error.message("zh_CN")
    md.deliberate(views=MEETING, members_total=5)
    assert md.open() == {"party_report"}


def test_md30a_a_view_of_someone_who_is_not_a_member_is_refused(md):
    deliberation_ready(md)
    outsider = [{**MEETING[0], "member": "某局长"}, *MEETING[1:]]
    error = refused(md.engine, errors.MemberNotOnRecord, "MD-30a", md.deliberate, views=outsider)
    assert (error.field, error.context["entry"]) == ("views.0.member", "某局长")
    by_username = [{**MEETING[0], "member": " FXZ_Jia "}, *MEETING[1:]]  # a member however typed is that member
    md.deliberate(views=by_username)
    assert md.open() == {"party_report"}


def test_md30b_the_view_recorded_as_the_head_s_is_the_registry_s_head(md):
    deliberation_ready(md)
    deputy_as_head = [MEETING[0], {**MEETING[2], "is_head": False}, {**MEETING[1], "is_head": True}]
    error = refused(md.engine, errors.HeadNotOnRecord, "MD-30b", md.deliberate, views=deputy_as_head)
    assert (error.field, error.context["entry"], error.context["heads"]) == ("views.2.member", "副县长乙", "孙县长")


def test_md30a_a_meeting_the_registry_lists_nobody_for_is_refused_not_taken_as_typed(md):
    """Issue 19 item 2: with no member of the government's meeting registered (all left office, or never
    entered), typed names are not a meeting: the deliberation is refused until the registry lists them."""
    deliberation_ready(md)
    admin = md.engine.people.ensure_user("admin_a", "gov_office", ["admin"])
    for username in ("sun_xz", "fxz_jia", "fxz_yi", "fxz_bing", "zhuren"):
        md.engine.accounts.update_user(admin, username, active=False)
    error = refused(md.engine, errors.MeetingNotRegistered, "MD-30a", md.deliberate, views=MEETING)
    assert error.field == "views" and "名册" in error.message("zh_CN")
    assert md.open() == {"deliberation"}
    md.engine.accounts.update_user(admin, "sun_xz", active=True)
    md.engine.accounts.update_user(admin, "fxz_jia", active=True)
    md.engine.accounts.update_user(admin, "fxz_yi", active=True)
    md.deliberate(views=MEETING, members_total=3)
    assert md.open() == {"party_report"}


def test_md30a_a_member_who_left_office_no_longer_counts(md):
    deliberation_ready(md)
    admin = md.engine.people.ensure_user("admin_a", "gov_office", ["admin"])
    md.engine.accounts.update_user(admin, "fxz_bing", active=False)
    refused(md.engine, errors.MembersTotalNotOnRecord, "MD-30a", md.deliberate, views=MEETING, members_total=5)
    md.deliberate(views=MEETING, members_total=4)


def test_er8_one_head_listed_twice_counts_once(er):
    er.submit(heavy_penalty=True, heavy_penalty_basis="情节严重，拟处没收违法所得并罚款")
    er.review("agree")
    meeting = {"meeting_date": er.today(), "meeting_outcome": "decide", "conclusion": "同意处罚"}
    error = refused(er.engine, errors.HeadRepeated, "ER-8", er.do, "collective_discussion", "head",
                    {**meeting, "participants": ["局长 王某", "局长  王某"]}, {"minutes": pdf("集体讨论记录")})
    assert (error.field, error.context["entry"]) == ("participants.1", "局长  王某")
    error = refused(er.engine, errors.HeadRepeated, "ER-8", er.do, "collective_discussion", "head",
                    {**meeting, "participants": ["局长 王某", "Director"]}, {"minutes": pdf("集体讨论记录")})
    assert (error.field, error.context["entry"]) == ("participants.1", "Director")  # the same account by username
    er.do("collective_discussion", "head", {**meeting, "participants": ["局长 王某", "副局长 李某"]},
          {"minutes": pdf("集体讨论记录")})


def test_er8_the_heads_who_meet_are_the_organ_s_heads_by_the_registry(er):
    """A name typed in — a deputy nobody registered, the enforcement unit's own investigator, another
    organ's head — never makes up the number of heads a collective discussion needs."""
    er.engine.people.ensure_organisation("tax_bureau", "税务局")
    er.engine.people.ensure_user("tax_head", "tax_bureau", ["enforcement_head"], "税务局长")
    er.submit(heavy_penalty=True, heavy_penalty_basis="情节严重，拟处没收违法所得并罚款")
    er.review("agree")
    meeting = {"meeting_date": er.today(), "meeting_outcome": "decide", "conclusion": "同意处罚"}
    strangers = (["局长 王某", "副局长 张某"], ["局长 王某", "zhao_inv"], ["局长 王某", "副局长甲", "税务局长"])
    for participants in strangers:
        error = refused(er.engine, errors.HeadNotRegistered, "ER-8", er.do, "collective_discussion", "head",
                        {**meeting, "participants": participants}, {"minutes": pdf("集体讨论记录")})
        stranger = participants[-1]
        assert (error.field, error.context["entry"]) == (f"participants.{len(participants) - 1}", stranger)
        assert "副局长 李某" in error.context["holders"] and "税务局长" not in error.context["holders"]
    er.do("collective_discussion", "head", {**meeting, "participants": ["director", "deputy_yi"]},
          {"minutes": pdf("集体讨论记录")})


def assessed(md) -> None:
    """A decision whose social-stability risk the risk centre (organisation risk_center) assessed."""
    md.through_comment(stability_or_safety_risk=True)
    md.do("risk_assessment", md.people.assessor,
          {"methods": ["走访"], "departments_heard": ["公安局"], "risk_points": "站点撤并",
           "prevention_measures": "过渡线路", "contingency_plan": "应急接驳", "conclusion": "controllable"},
          {"report": pdf("风险评估报告")})


def test_md36b_the_units_that_assessed_the_decision_come_from_its_record(md, ex):
    assessed(md)
    error = refused(ex.engine, errors.PreDecisionUnitsIncomplete, "MD-36b", ex.assign,
                    decision_procedure=md.procedure_id, pre_decision_units=["expert_pool"])
    assert (error.field, error.context["entries"]) == ("pre_decision_units", ["risk_center"])
    assert error.article.endswith("第三十六条第二款")
    refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.assign, decision_procedure=ex.procedure_id)  # not a decision
    ex.assign(decision_procedure=md.procedure_id, pre_decision_units=["expert_pool", " Risk_Center "])  # may add
    ex.report("completed")
    refused(ex.engine, errors.EvaluatorNotIndependent, "MD-36b", ex.do, "order_evaluation", "organ",
            {"trigger": "many_opinions", "evidence": "收到市民意见300余条", "evaluator_org": "RISK_CENTER"})


def test_md36b_an_excluded_unit_does_not_evaluate_under_another_unit_s_name(md, ex):
    assessed(md)
    ex.assign(decision_procedure=md.procedure_id, pre_decision_units=["risk_center"])
    ex.report("completed")
    ex.do("order_evaluation", "organ",
          {"trigger": "organ_decides", "evidence": "年度评估", "evaluator_org": "third_party"})
    ex.people["insider"] = ex.engine.people.ensure_user("risk_eval", "risk_center", ["evaluator"])
    evaluation = {"evaluator_org": "third_party", "public_heard": "问卷调查1200份", "conclusion": "continue",
                  "participants": "人大代表3名参加"}
    error = refused(ex.engine, errors.EvaluatorNotIndependent, "MD-36b", ex.do, "post_evaluation", "insider",
                    evaluation, {"report": pdf("评估报告")})
    assert error.context["evaluator"] == "risk_center"  # the registry's organisation, not the name typed
    ex.do("post_evaluation", "evaluator", evaluation, {"report": pdf("评估报告")})


def test_rc8_one_officer_typed_twice_is_one_investigator(rc):
    rc.apply()
    rc.accept()
    rc.copy()
    rc.reply()
    error = refused(rc.engine, errors.PanelMemberRepeated, "RC-10", rc.review, investigated=True,
                    investigation_officers=["复议员Ａ", "复议员a"])  # full-width and case: one person
    assert (error.field, error.context["first"]) == ("investigation_officers.1", "investigation_officers.0")
    rc.review(investigated=True, investigation_officers=["复议员a", "fuyi_b"])  # by name or by account
    assert rc.open() == {"decision"}


def test_rc8_rc10_investigators_and_the_hearing_panel_are_the_office_s_staff_by_the_registry(rc):
    """A typed name — nobody registered, the respondent's own official — never makes up the two
    investigators or the hearing panel the law requires, and one person never takes two seats."""
    rc.apply(major_complex=True)
    rc.accept()
    rc.copy()
    rc.reply()
    for stranger in ("复议员戊", "beishen"):
        error = refused(rc.engine, errors.OfficerNotRegistered, "RC-8", rc.review, investigated=True,
                        investigation_officers=["复议员甲", stranger])
        assert (error.field, error.context["entry"]) == ("investigation_officers.1", stranger)
        assert "复议员乙" in error.context["holders"] and "书记员丁" not in error.context["holders"]
    rc.review(investigated=True, investigation_officers=["复议员甲", "复议员乙"])
    assert rc.open() == {"case_hearing"}
    rc.clock.set(datetime(2026, 11, 11, 10, 0, tzinfo=CST))
    hearing = {"notice_served_on": "2026-11-03", "hearing_date": "2026-11-11", "presiding_officer": "复议员甲",
               "hearing_officers": ["复议员乙", "复议员丙"], "recorder": "书记员丁"}
    record = {"record": pdf("听证笔录")}
    error = refused(rc.engine, errors.PanelMemberRepeated, "RC-10", rc.do, "case_hearing", "office",
                    {**hearing, "hearing_officers": ["复议员乙", "fuyi_jia"]}, record)
    assert (error.field, error.context["first"]) == ("hearing_officers.1", "presiding_officer")
    error = refused(rc.engine, errors.OfficerNotRegistered, "RC-8", rc.do, "case_hearing", "office",
                    {**hearing, "recorder": "路人"}, record)
    assert error.field == "recorder"
    rc.do("case_hearing", "office", hearing, record)
    assert rc.open() == {"decision"}


def test_md36b_an_execution_started_for_a_decision_checks_its_units_without_the_form_naming_it(md, ex):
    """The decision an execution carries out is fixed at its start (the start page's choice): the assignment
    is checked against that decision's record even when its form leaves `decision_procedure` out."""
    assessed(md)
    view = ex.engine.procedures.start("decision_execution", "县城公交线网优化调整方案的执行（按决定启动）", "transport",
                                      ex.people["executor"], {"decision_procedure": md.procedure_id})
    started = type(ex).of(ex.engine, ex.people, view)
    error = refused(started.engine, errors.PreDecisionUnitsIncomplete, "MD-36b", started.assign,
                    pre_decision_units=["expert_pool"])
    assert error.context["entries"] == ["risk_center"]
    started.assign(pre_decision_units=["expert_pool", "risk_center"])


def test_df_names_a_unit_or_person_a_form_names_is_the_registry_s_not_a_typed_code(md):
    """Issue 19 items 2 and 4: a code typed for the lead sponsor or a co-sponsor, or a username typed for
    an expert, must be one the registry holds; the refusal names the field and changes nothing."""
    md.propose()
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.initiate, lead_sponsor="no_such_bureau")
    assert error.field == "lead_sponsor" and "no_such_bureau" in error.message("zh_CN")
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.initiate, co_sponsors=["justice", "ghost_office"])
    assert error.field == "co_sponsors.1"
    md.initiate(co_sponsors=["justice"])
    assert "initiation" not in md.open()

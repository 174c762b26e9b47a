"""More rules of the major-decision procedure, each proven on the real definition.

Rules a form expresses are refused as DF-FORM naming the field the law requires; rules a
guard checks are refused with their own id. Every refusal leaves state and history as
they were.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from engine.domain import errors
from tests.helpers import refused
from tests.processes.md_scenario import MajorDecision, pdf


def to_drafting(md: MajorDecision) -> None:
    md.propose()
    md.initiate()


def test_md3a_launch_names_the_category(md):
    md.propose()
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.initiate, category=None).field == "category"


def test_md11_launch_names_the_lead_sponsor(md):
    md.propose()
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.initiate, lead_sponsor=None).field == "lead_sponsor"


def test_md12a_draft_lists_its_legal_basis(md):
    to_drafting(md)
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.draft, legal_basis=[]).field == "legal_basis"


def test_md12b_cost_benefit_analysis_or_a_reason_it_is_not_needed(md):
    to_drafting(md)
    refused(md.engine, errors.FormInvalid, "DF-FORM", md.draft, cost_benefit_not_needed_reason=None)


def test_md14b_specific_group_must_be_heard(md):
    to_drafting(md)
    md.draft(specific_group_affected=True)
    md.determine_disclosure()
    refused(md.engine, errors.SpecificGroupUnheard, "MD-14b", md.open_comment)
    md.open_comment(specific_group_consultation="与残疾人联合会及乘客代表座谈")


def test_md15a_call_states_its_end_date(md):
    to_drafting(md)
    md.draft()
    md.determine_disclosure()
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.open_comment, end_date=None).field == "end_date"


def test_md8_npc_report_precedes_the_party_report(md):
    to_drafting(md)
    md.draft()
    md.determine_disclosure(npc=True)
    md.open_comment()
    md.clock.advance(days=31)
    md.wake()
    md.summarise()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("adopt")
    assert md.open() == {"npc_report"}
    md.do("npc_report", md.people.gov_office, {"reported_on": md.today(), "form": "书面报告"},
          {"report": pdf("报告")})
    assert md.open() == {"party_report"}


def hearing_path(md: MajorDecision) -> None:
    to_drafting(md)
    md.draft(directly_affects_interests=True)
    md.determine_disclosure()
    md.open_comment(methods=["public_comment", "hearing"], hearing_choice_reason="直接涉及乘客切身利益")
    md.clock.advance(days=31)
    md.wake()
    md.summarise()
    assert md.open() == {"hearing_notice"}


def later(md: MajorDecision, days: int) -> str:
    """The date `days` after today on the engine clock."""
    return (date.fromisoformat(md.today()) + timedelta(days=days)).isoformat()


def notice(md: MajorDecision, **over):
    """The hearing notice, published, with its selection method and list, today; the hearing in 20 days."""
    today = md.today()
    data = {"notice_published_on": today, "hearing_date": later(md, 20),
            "place": "县政府第一会议室", "selection_method_published_on": today,
            "participant_list_published_on": today,
            "participants": [{"name": "乘客甲", "side": "supporting"}, {"name": "乘客乙", "side": "opposing"}],
            **over}
    md.do("hearing_notice", md.people.sponsor, data, {"notice": pdf("公告"), "selection_method": pdf("遴选办法")})


def test_md16b_hearing_notice_is_published_before_the_hearing(md):
    hearing_path(md)
    today = md.today()
    refused(md.engine, errors.HearingNoticeLate, "MD-16b", notice, md, hearing_date=today,
            participant_list_published_on=today)


def test_md16c_participant_list_after_selection_method_and_before_the_hearing(md):
    hearing_path(md)
    opened = md.today()
    md.clock.advance(days=3)
    refused(md.engine, errors.ParticipantSelectionOrder, "MD-16c", notice, md, notice_published_on=opened,
            participant_list_published_on=opened)  # the list before the selection method (today)
    refused(md.engine, errors.ParticipantSelectionOrder, "MD-16c", notice, md, notice_published_on=opened,
            hearing_date=md.today())  # the list on the hearing's day, not before it
    refused(md.engine, errors.SidesUnrepresented, "MD-16c", notice, md,
            participants=[{"name": "乘客甲", "side": "supporting"}])


LISTED = ("乘客甲", "乘客乙")
"""The participants `notice` publishes: the record confirms each of them (MD-16d, MD-17)."""


def record(md: MajorDecision, delivered: str, held: str, signatures=None, deliveries=None) -> None:
    md.do("hearing_record", md.people.sponsor,
          {"deliveries": deliveries or [{"participant": n, "delivered_on": delivered} for n in LISTED],
           "held_on": held, "signatures": signatures or [{"participant": n, "signed": True} for n in LISTED]},
          {"record": pdf("听证笔录")})


def test_md16d_materials_reach_participants_seven_days_before(md):
    hearing_path(md)
    listed = md.today()
    notice(md)
    md.clock.advance(days=20)  # the hearing's day
    held, delivered = md.today(), (date.fromisoformat(listed) + timedelta(days=15)).isoformat()
    refused(md.engine, errors.HearingMaterialsLate, "MD-16d", record, md, delivered, held)  # 5 days before
    record(md, (date.fromisoformat(listed) + timedelta(days=13)).isoformat(), held)  # 7 days before


def test_md17_every_participant_signs_or_the_refusal_is_noted(md):
    hearing_path(md)
    listed = md.today()
    notice(md)
    md.clock.advance(days=20)
    unsigned = [{"participant": "乘客甲", "signed": True}, {"participant": "乘客乙", "signed": False}]
    refused(md.engine, errors.HearingRecordUnsigned, "MD-17", record, md, listed, md.today(), unsigned)
    noted = [unsigned[0], {**unsigned[1], "refusal_note": "乘客乙拒绝签字，已当场记录"}]
    record(md, listed, md.today(), noted)


def expert_data(**over):
    expert = {"name": "周教授", "organisation": "某大学", "pool_source": "own", "direct_interest": False,
              "username": "zhou_jiao"}  # the registry's expert of this level's pool (MD-21)
    return {"method": "meeting", "experts": [expert], "signed_or_sealed": True, "conclusion": "可行", **over}


def test_md19b_expert_opinion_is_signed_or_sealed(md):
    md.through_comment(professional_technical=True)
    refused(md.engine, errors.ExpertOpinionUnsigned, "MD-19b", md.do, "expert_argumentation", md.people.expert,
            expert_data(signed_or_sealed=False), {"opinion": pdf("意见")})
    md.do("expert_argumentation", md.people.expert, expert_data(), {"opinion": pdf("意见")})
    assert md.open() == {"review_submission"}


def test_md20_each_expert_declaration_is_a_document_of_its_row(md):
    md.through_comment(professional_technical=True)
    declaration = pdf("无利害关系声明")
    md.do("expert_argumentation", md.people.expert, expert_data(),
          {"opinion": pdf("意见"), "experts.0.declaration": declaration})
    [event] = [e for e in md.engine.history.events(md.procedure_id) if e.payload.get("step") == "expert_argumentation"]
    stored = event.payload["data"]["experts"][0]["declaration"]
    assert stored["sha256"] == hashlib.sha256(declaration.content).hexdigest()


def test_df_document_a_row_document_needs_its_row_and_an_upload(md):
    md.through_comment(professional_technical=True)
    before = md.engine.procedures.get(md.procedure_id).version
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.do, "expert_argumentation", md.people.expert,
                    expert_data(), {"opinion": pdf("意见"), "experts.3.declaration": pdf("声明")})
    assert error.field == "experts.3.declaration"
    forged = {"sha256": "0" * 64, "filename": "x.pdf", "size": 1, "media_type": "application/pdf"}
    data = expert_data(experts=[{"name": "周教授", "organisation": "某大学", "pool_source": "own",
                                 "username": "zhou_jiao", "direct_interest": False, "declaration": forged}])
    error = refused(md.engine, errors.DocumentNotUploaded, "DF-DOCUMENT", md.do, "expert_argumentation",
                    md.people.expert, data, {"opinion": pdf("意见")})
    assert error.field == "experts.0.declaration"
    assert md.engine.procedures.get(md.procedure_id).version == before


def test_md22a_stability_risk_requires_assessment_and_md23_report_names_contingency_plan(md):
    md.through_comment(stability_or_safety_risk=True)
    assert md.open() == {"risk_assessment"}
    data = {"methods": ["走访"], "departments_heard": ["公安局"], "risk_points": "站点撤并",
            "prevention_measures": "过渡线路", "conclusion": "controllable"}
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.do, "risk_assessment", md.people.assessor, data,
                    {"report": pdf("报告")})
    assert error.field == "contingency_plan"


def test_md29_market_entities_require_fair_competition_review(md):
    md.through_comment(affects_market_entities=True)
    assert md.open() == {"fair_competition"}
    md.do("fair_competition", md.people.fair, {"conclusion": "compliant"}, {"report": pdf("公平竞争审查报告")})
    assert md.open() == {"review_submission"}


def at_review(md: MajorDecision) -> None:
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()


def test_md25c_only_the_reviewer_records_an_exploratory_reform(md):
    to_drafting(md)
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.draft, exploratory_reform=True).field == \
        "exploratory_reform"


def test_md25c_exploratory_reform_states_its_legal_risk(md):
    at_review(md)
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.review, "lawful", exploratory_reform=True)
    assert error.field == "legal_risk_statement"
    md.review("lawful", exploratory_reform=True, legal_risk_statement="国家尚无明确规定，存在被撤销的风险")


def test_md27_review_states_authority_procedure_and_content(md):
    at_review(md)
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.review, "lawful", finding_procedure=None)
    assert error.field == "finding_procedure"


def test_md2_decision_organ_level_is_one_the_regulation_covers(md):
    md.propose()
    assert refused(md.engine, errors.FormInvalid, "DF-FORM", md.initiate, decision_level="village").field == \
        "decision_level"


def test_md21_each_expert_names_the_pool_they_come_from(md):
    md.through_comment(professional_technical=True)
    experts = [{"name": "周教授", "organisation": "某大学", "direct_interest": False}]
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.do, "expert_argumentation", md.people.expert,
                    expert_data(experts=experts), {"opinion": pdf("意见")})
    assert error.field == "experts.0.pool_source"


def test_md22b_an_existing_assessment_is_referenced_with_its_document(md):
    md.through_comment(stability_or_safety_risk=True)
    reference = {"existing_assessment_body": "市社会稳定风险评估中心", "existing_assessment_date": "2026-06-30",
                 "conclusion": "controllable"}
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.do, "risk_assessment", md.people.assessor, reference)
    assert error.field == "existing_assessment_document"
    md.do("risk_assessment", md.people.assessor, reference, {"existing_assessment_document": pdf("已有评估报告")})
    assert md.open() == {"review_submission"}
    event = md.engine.history.events(md.procedure_id)[-1]
    assert event.payload["data"]["existing_assessment_document"]["sha256"]


def test_md15c_expert_explanation_is_recorded_with_the_call(md):
    to_drafting(md)
    md.draft()
    md.determine_disclosure()
    md.open_comment(expert_explanation="邀请交通规划专家接受访谈，解释线网优化方法")
    event = md.engine.history.events(md.procedure_id)[-1]
    assert event.payload["data"]["expert_explanation"].startswith("邀请交通规划专家")


@pytest.fixture
def county_md(db_url, clock):
    """The same definition in a county that requires SC-5 and SC-6."""
    from engine.config import Settings
    from engine.core import build_engine

    engine = build_engine(Settings(database_url=db_url, county_steps=frozenset({"sc5", "sc6"})), clock)
    yield MajorDecision.start(engine, clock)
    engine.dispose()


def test_sc5_county_requires_consistency_assessments_before_legality_review(county_md):
    md = county_md
    md.through_comment()
    assert md.open() == {"consistency_assessment"}  # review submission is not open before it
    md.do("consistency_assessment", md.people.sponsor,
          {"macro_policy_conclusion": "consistent", "grassroots_conclusion": "consistent"},
          {"macro_policy_report": pdf("宏观政策评估"), "grassroots_report": pdf("基层减负评估")})
    assert md.open() == {"review_submission"}
    assert md.engine.history.events(md.procedure_id)[0].payload["configuration"] == {"county_sc5": True,
                                                                                    "county_sc6": True}


def test_sc6_county_requires_party_group_review_before_deliberation(county_md):
    md = county_md
    md.through_comment()
    md.do("consistency_assessment", md.people.sponsor,
          {"macro_policy_conclusion": "consistent", "grassroots_conclusion": "consistent"},
          {"macro_policy_report": pdf("宏观政策评估"), "grassroots_report": pdf("基层减负评估")})
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    assert md.open() == {"party_group_review"}  # deliberation is not open before it
    md.do("party_group_review", md.people.organ, {"meeting_date": md.today(), "conclusion": "同意提交常务会议"},
          {"minutes": pdf("党组会议纪要")})
    assert md.open() == {"deliberation"}


def test_sc5_sc6_guards_refuse_even_if_a_path_skipped_the_steps():
    from datetime import UTC, datetime

    from engine.statutes import guards

    now = datetime(2026, 11, 2, tzinfo=UTC)
    with pytest.raises(errors.ConsistencyAssessmentMissing) as refused_sc5:
        guards.run("major_decision", "review_submission", guards.Context({}, {"county_sc5": True}, now))
    assert refused_sc5.value.rule == "SC-5"
    meeting = {"meeting_type": "standing", "members_total": 1, "members_present": 1, "decision_outcome": "adopt",
               "views": [{"member": "孙县长", "is_head": True, "position": "support"}]}
    with pytest.raises(errors.PartyGroupReviewMissing) as refused_sc6:
        guards.run("major_decision", "deliberation",
                   guards.Context(meeting, {"county_sc6": True, "review_outcome": "lawful"}, now))
    assert refused_sc6.value.rule == "SC-6"


def test_county_steps_come_from_the_environment():
    from engine.config import Settings

    assert Settings.from_env({"DECISIONFLOW_COUNTY_STEPS": "sc5, sc6"}).county_steps == {"sc5", "sc6"}
    with pytest.raises(ValueError, match="unknown step"):
        Settings.from_env({"DECISIONFLOW_COUNTY_STEPS": "sc9"})


def test_md_20_an_expert_of_the_sponsoring_unit_is_refused_whatever_the_declaration(md):
    md.through_comment(professional_technical=True)
    for stated in ("县发展和改革局", " 县发展和改革局 ", "ＤＥＶ_ＲＥＦＯＲＭ"):  # by name or code, canonically
        expert = {"name": "王工", "organisation": stated, "pool_source": "none", "direct_interest": False}
        error = refused(md.engine, errors.ExpertNotIndependent, "MD-20", md.do, "expert_argumentation",
                        md.people.expert, expert_data(experts=[expert]), {"opinion": pdf("意见")})
        assert (error.context["expert"], error.context["organisation"]) == ("王工", "县发展和改革局（dev_reform）")
        assert error.field == "experts.0.organisation"
        assert "王工" in error.message() and "县发展和改革局" in error.message() and "第二十条" in error.article
    assert md.open() == {"expert_argumentation"}


def test_md_20_a_registered_expert_is_judged_by_the_registry_not_by_the_unit_stated(md):
    md.through_comment(professional_technical=True)
    sponsor_staff = {"name": "张伟", "organisation": "某大学", "pool_source": "own", "direct_interest": False,
                     "username": " Zhang_Wei "}
    error = refused(md.engine, errors.ExpertNotIndependent, "MD-20", md.do, "expert_argumentation",
                    md.people.expert, expert_data(experts=[sponsor_staff]), {"opinion": pdf("意见")})
    assert "县发展和改革局" in error.context["organisation"]
    stranger = {**sponsor_staff, "username": "nobody_here"}
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.do, "expert_argumentation", md.people.expert,
                    expert_data(experts=[stranger]), {"opinion": pdf("意见")})
    assert error.field == "experts.0.username"
    pool_member = {**sponsor_staff, "name": "周娇", "username": "zhou_jiao"}
    md.do("expert_argumentation", md.people.expert, expert_data(experts=[pool_member]), {"opinion": pdf("意见")})
    assert md.open() == {"review_submission"}


def test_md21_an_expert_said_to_be_from_this_level_s_pool_is_the_pool_s_registered_expert(md):
    """Issue 19 item 4: "本级专家库" is a registry fact, not a declaration: without the account of an expert
    of an expert-pool organisation it is refused; an expert from the higher pool or outside any pool is
    said so, and the unit stated is then what independence is judged by."""
    md.through_comment(professional_technical=True)
    typed = {"name": "王工", "organisation": "某设计院", "pool_source": "own", "direct_interest": False}
    error = refused(md.engine, errors.ExpertNotInPool, "MD-21", md.do, "expert_argumentation", md.people.expert,
                    expert_data(experts=[typed]), {"opinion": pdf("意见")})
    assert error.field == "experts.0.username" and "专家库" in error.message("zh_CN")
    not_in_pool = {**typed, "username": "chen_jing"}  # a registered user, but the justice bureau's adviser
    refused(md.engine, errors.ExpertNotInPool, "MD-21", md.do, "expert_argumentation", md.people.expert,
            expert_data(experts=[not_in_pool]), {"opinion": pdf("意见")})
    md.do("expert_argumentation", md.people.expert, expert_data(experts=[{**typed, "pool_source": "higher"}]),
          {"opinion": pdf("意见")})
    assert md.open() == {"review_submission"}


def test_md_20_a_declared_interest_still_refuses_an_independent_unit(md):
    md.through_comment(professional_technical=True)
    expert = {"name": "周教授", "organisation": "某大学", "pool_source": "own", "direct_interest": True}
    refused(md.engine, errors.ExpertInterested, "MD-20", md.do, "expert_argumentation", md.people.expert,
            expert_data(experts=[expert]), {"opinion": pdf("意见")})


RISK = {"methods": ["走访"], "departments_heard": ["公安局"], "risk_points": "站点撤并",
        "prevention_measures": "过渡线路", "contingency_plan": "应急运力", "conclusion": "controllable"}


def test_md_23_a_third_party_risk_assessor_is_not_the_sponsoring_unit(md):
    md.through_comment(stability_or_safety_risk=True)
    inside = [{"name": "评估组", "organisation": "县发展和改革局"}]
    error = refused(md.engine, errors.RiskAssessorNotIndependent, "MD-23", md.do, "risk_assessment",
                    md.people.assessor, {**RISK, "third_party_assessors": inside}, {"report": pdf("报告")})
    assert error.field == "third_party_assessors.0.organisation" and "评估组" in error.message()
    registered = [{"name": "张伟", "organisation": "某评估公司", "username": "zhang_wei"}]
    refused(md.engine, errors.RiskAssessorNotIndependent, "MD-23", md.do, "risk_assessment", md.people.assessor,
            {**RISK, "third_party_assessors": registered}, {"report": pdf("报告")})
    outside = [{"name": "吴敏", "organisation": "县社会稳定风险评估中心", "username": "wu_min"}]
    md.do("risk_assessment", md.people.assessor, {**RISK, "third_party_assessors": outside}, {"report": pdf("报告")})
    assert "risk_assessment" not in md.open()


@pytest.mark.parametrize("instrument", ["无", " 暂无 ", "Ｎ／Ａ", "《无》", "—", "none"])
def test_md_12a_a_placeholder_is_no_legal_basis(md, instrument):
    to_drafting(md)
    error = refused(md.engine, errors.LegalBasisInvalid, "MD-12a", md.draft,
                    legal_basis=[{"instrument": instrument, "article": "第一条"}])
    assert error.field == "legal_basis.0.instrument" and "第十二条" in error.article


@pytest.mark.parametrize(("article", "lawful"), [
    ("第十二条", True), ("第12条第2款", True), ("第十二条第一款第（三）项", True), ("第１２条", True),
    ("12", False), ("第十二款", False), ("全文", False), ("无", False)])
def test_md_12a_a_legal_basis_cites_an_article(md, article, lawful):
    to_drafting(md)
    basis = [{"instrument": "《城市公共交通条例》", "article": article}]
    if lawful:
        md.draft(legal_basis=basis)
        assert "drafting" not in md.open()
    else:
        error = refused(md.engine, errors.LegalBasisInvalid, "MD-12a", md.draft, legal_basis=basis)
        assert error.field == "legal_basis.0.article"


def test_md_12a_free_text_is_no_longer_a_legal_basis(md):
    to_drafting(md)
    error = refused(md.engine, errors.FormInvalid, "DF-FORM", md.draft, legal_basis=["无"])
    assert (error.field or "").startswith("legal_basis")


def test_md_26a_the_review_request_cites_instrument_and_article(md):
    md.through_comment()
    data = {"procedures_account": "已履行公众参与等法定程序",
            "legal_basis": [{"instrument": "没有", "article": "第一条"}]}
    error = refused(md.engine, errors.ReviewLegalBasisInvalid, "MD-26a", md.do, "review_submission",
                    md.people.sponsor, data, {"draft": pdf("送审稿")})
    assert "第二十六条" in error.article and "没有" in error.message()

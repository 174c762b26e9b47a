"""The main journeys of the three sister procedures, in headless Chromium through the real pages.

1. Legal review of a major enforcement decision (重大执法决定法制审核): the enforcement unit
   submits, the legal office agrees, the head decides.
2. An administrative normative document (行政规范性文件): drafted without public comment,
   found lawful, adopted, signed, registered and published; the public registry lists it.
3. Administrative reconsideration (行政复议): registered, accepted, copied to the respondent,
   answered, reviewed and decided.
   With an incidental review of a normative document (附带审查) beside the case, the decision waits
   for its conclusion, and the public registry shows the clause stopped.
4. A special clean-up of normative documents (行政规范性文件专项清理): started by the review office
   from its page, scoped from the registry, each document decided, approved, the lists published;
   the public registry shows the repealed document.
Each saves a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from engine.clock import CST
from engine.workdays import local_date
from tests.e2e.pages import fill, log_in, open_step, submit
from tests.processes.test_nd_cleanup import World, number

pytestmark = pytest.mark.slow


@pytest.fixture
def pdf(tmp_path):  # type: ignore[no-untyped-def]
    def make(name: str):  # type: ignore[no-untyped-def]
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(f"%PDF-1.4 {name}".encode())
        return path
    return make


def _status(engine, procedure_id: int) -> str:  # type: ignore[no-untyped-def]
    return engine.procedures.get(procedure_id).status


def _register_and_accept(office, pdf, **application) -> None:  # type: ignore[no-untyped-def]
    """The reconsideration office registers an application against a 2026-10-20 penalty and accepts it."""
    open_step(office, "登记行政复议申请")
    fill(office, {"respondent_organ": "示范县市场监督管理局", "respondent_level": "county_department",
                  "act_description": "示市监罚〔2026〕18号行政处罚决定", "act_type": "penalty",
                  "act_date": "2026-10-20", "knew_act_on": "2026-10-20", "applied_on": "2026-11-02",
                  "told_of_right": True, "channel": "in_person", **application},
         {"application": pdf("行政复议申请书")})
    submit(office)
    open_step(office, "受理审查（五个工作日）")
    fill(office, {"outcome": "accept", "procedure": "ordinary"}, {"notice": pdf("受理通知书")})
    submit(office)


def _copy_reply_and_review(browser, server, office, pdf) -> None:  # type: ignore[no-untyped-def]
    """The copy to the respondent, its reply with evidence, and the office's review (RC-9)."""
    open_step(office, "发送申请书副本")
    fill(office, {"respondent_received_on": "2026-11-02"}, {"delivery_receipt": pdf("送达回证")})
    submit(office)
    respondent = log_in(browser, server, "beishen")
    open_step(respondent, "书面答复并提交证据、依据")
    fill(respondent, {"statement": "事实清楚，证据确凿"}, {"reply": pdf("书面答复"), "evidence": pdf("证据材料")})
    submit(respondent)
    open_step(office, "审理（听取意见、调查取证）")
    fill(office, {"hearing_method": "in_person"}, {"views_record": pdf("听取意见笔录")})
    submit(office)


def test_enforcement_review_from_submission_to_decision(browser, server, e2e_engine, clock, pdf, screenshots):
    view = e2e_engine.procedures.start("enforcement_review", "某食品有限公司违法生产案拟罚款决定法制审核",
                                       "market_reg", e2e_engine.people.actor("zhifa"))

    unit = log_in(browser, server, "zhifa")
    open_step(unit, "报送法制审核")
    fill(unit, {"case_number": "市监罚〔2026〕18号", "case_type": "penalty", "party": "某食品有限公司",
                "fine_amount": 5000,
                "scope_grounds": ["major_rights", "after_hearing"],
                "investigators": "zhifa", "truth_declaration": True},
         {"proposed_decision": pdf("拟作出的行政处罚决定"), "review_report": pdf("送审报告"),
          "evidence_file": pdf("证据材料")})
    submit(unit)

    legal = log_in(browser, server, "fazhi")
    open_step(legal, "法制审核")
    fill(legal, {"opinion": "agree", "finding_authority": "主体合法，未超越法定权限",
                 "finding_qualification": "执法人员均持有执法证", "finding_procedure": "已履行告知、听证程序",
                 "finding_facts": "违法事实清楚", "finding_evidence": "证据合法充分",
                 "finding_law": "适用《食品安全法》第一百二十四条准确", "finding_discretion": "符合裁量基准",
                 "finding_documents": "文书完备", "crime_transfer": "none"},
         {"opinion_document": pdf("法制审核意见书")})
    submit(legal)

    head = log_in(browser, server, "juzhang")
    open_step(head, "作出执法决定")
    fill(head, {"head_decision": "decide", "decision_number": "市监罚决〔2026〕18号",
                "decided_on": local_date(clock.now()).isoformat()},
         {"decision_document": pdf("行政处罚决定书")})
    submit(head)
    head.screenshot(path=str(screenshots / "6-enforcement-review-decided.png"), full_page=True)

    assert _status(e2e_engine, view.id) == "completed"
    steps = [e.payload.get("step") for e in e2e_engine.history.events(view.id) if e.kind == "task_completed"]
    assert steps == ["submission", "legal_review", "decision"]
    submitted = next(e for e in e2e_engine.history.events(view.id) if e.payload.get("step") == "submission")
    assert submitted.payload["data"]["fine_amount"] == 5000  # an amount typed in the browser arrives as a number
    assert e2e_engine.history.verify(view.id).ok


def test_normative_document_from_drafting_to_the_public_registry(browser, server, e2e_engine, clock, pdf,
                                                                  screenshots):
    title = "示范县促进个体工商户发展若干措施"
    number = "示范府规〔2026〕3号"
    view = e2e_engine.procedures.start("normative_document", title, "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    today = local_date(clock.now()).isoformat()

    sponsor = log_in(browser, server, "sponsor")
    open_step(sponsor, "起草规范性文件")
    fill(sponsor, {"document_title": title, "legal_basis.0.instrument": "《促进个体工商户发展条例》",
                   "legal_basis.0.article": "第五条",
                   "within_powers": True, "affects_rights_obligations": True, "generally_binding": True,
                   "repeatedly_applicable": True, "to_be_published": True,
                   "major_effect": False, "market_entities_affected": False, "is_major_decision": False},
         {"draft": pdf("文件草案"), "drafting_statement": pdf("起草说明")})
    submit(sponsor)  # no major effect, not market-related: no public comment (ND-3)

    open_step(sponsor, "报送合法性审核")
    fill(sponsor, {"comment_summary": "无需公开征求意见"}, {"draft": pdf("文件送审稿")})
    submit(sponsor)

    reviewer = log_in(browser, server, "reviewer")
    open_step(reviewer, "合法性审核")
    fill(reviewer, {"outcome": "lawful", "creates_licence": False, "creates_penalty": False,
                    "creates_compulsion": False, "creates_fee": False, "adds_obligations": False,
                    "reduces_rights": False, "opinion": "主体、权限、程序、内容合法",
                    "expedited_reason": "文件篇幅短、内容单一，当日审核完毕"},  # under 5 working days: why (ND-4)
         {"opinion_document": pdf("合法性审核意见书")})
    submit(reviewer)

    head = log_in(browser, server, "head")
    open_step(head, "集体审议")
    fill(head, {"meeting_type": "standing", "meeting_date": today, "meeting_outcome": "adopt"},
         {"minutes": pdf("常务会议纪要")})
    submit(head)
    open_step(head, "主要负责人签发")
    fill(head, {"signed_on": today}, {"signed_document": pdf("签发稿")})
    submit(head)

    office = log_in(browser, server, "secretary")
    open_step(office, "统一登记、统一编号")
    fill(office, {"registration_number": number, "registered_on": today})
    submit(office)
    open_step(office, "统一印发并公开发布")
    fill(office, {"published_on": today, "channels": ["gazette", "website"], "effective_from": "2026-12-01",
                  "valid_until": "2031-11-30"}, {"published_document": pdf("印发文件")})
    submit(office)

    public = browser.new_page(base_url=server, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    public.goto("/public/normative-documents")
    row = public.locator("table.registry tbody tr", has_text=number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(title)
    expect(row.locator("td.status-in_force")).to_have_count(1)
    public.screenshot(path=str(screenshots / "7-normative-document-registry.png"), full_page=True)

    [entry] = e2e_engine.registry.entries()
    assert entry.number == number and entry.procedure_id == view.id
    assert {i.spec for i in e2e_engine.procedures.get(view.id).open_items} == {"filing_government", "filing_npc"}


def test_reconsideration_from_application_to_decision(browser, server, e2e_engine, clock, pdf, screenshots):
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CST))  # a Monday: the statutory periods in working days
    view = e2e_engine.procedures.start("reconsideration", "某食品有限公司不服行政处罚申请行政复议", "fuyi_office",
                                       e2e_engine.people.actor("fuyi"))

    office = log_in(browser, server, "fuyi")
    _register_and_accept(office, pdf, applicant="某食品有限公司", sanction="warning")
    _copy_reply_and_review(browser, server, office, pdf)  # not major or complex, no hearing asked (RC-10)

    head = log_in(browser, server, "fuyi_head")
    open_step(head, "作出行政复议决定")
    fill(head, {"outcome": "decide", "decision_type": "revoke", "grounds": "认定事实不清，证据不足",
                "deliveries.0.served_on": "2026-11-02", "deliveries.1.served_on": "2026-11-02"},
         {"decision_document": pdf("行政复议决定书")})
    submit(head)
    head.screenshot(path=str(screenshots / "8-reconsideration-decided.png"), full_page=True)

    assert _status(e2e_engine, view.id) == "completed"
    steps = [e.payload.get("step") for e in e2e_engine.history.events(view.id) if e.kind == "task_completed"]
    assert steps == ["application", "acceptance_review", "respondent_copy", "respondent_reply", "case_review",
                     "decision"]
    assert e2e_engine.history.verify(view.id).ok


def test_special_cleanup_from_the_review_office_to_the_published_lists(browser, server, e2e_engine, clock, pdf,
                                                                       screenshots):
    people = {role: e2e_engine.people.actor(user) for role, user in
              (("drafter", "sponsor"), ("reviewer", "reviewer"), ("head", "head"), ("clerk", "secretary"))}
    World(e2e_engine, clock, people).document(3)  # registered and published through the services
    today = local_date(clock.now()).isoformat()

    reviewer = log_in(browser, server, "reviewer")
    reviewer.goto("/reviews")
    reviewer.fill('section.cleanup-start input[name="title"]', "涉及个体工商户的规范性文件专项清理")
    reviewer.click("section.cleanup-start button.primary")
    expect(reviewer.locator("h1")).to_contain_text("涉及个体工商户的规范性文件专项清理")

    open_step(reviewer, "启动清理并确定清理范围")
    fill(reviewer, {"cleanup_type": "special", "special_reason": "《促进个体工商户发展条例》修订"},
         {"plan": pdf("清理工作方案")})
    submit(reviewer)
    open_step(reviewer, "逐件审查并提出清理意见")
    expect(reviewer.locator('[name="decisions.0.number"]')).to_have_value(number(3))  # the scope, one row each
    fill(reviewer, {"decisions.0.decision": "repeal", "decisions.0.reason": "上位法已修订，相关措施不再适应"},
         {"review_report": pdf("清理审查报告")})
    submit(reviewer)

    head = log_in(browser, server, "head")
    open_step(head, "审议清理结果")
    fill(head, {"meeting_type": "standing", "meeting_date": today, "meeting_outcome": "adopt"},
         {"minutes": pdf("常务会议纪要")})
    submit(head)

    office = log_in(browser, server, "secretary")
    open_step(office, "公布清理结果目录")
    fill(office, {"published_on": today, "channels": ["gazette", "website"]}, {"lists_document": pdf("清理结果目录")})
    submit(office)

    public = browser.new_page(base_url=server, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    public.goto("/public/normative-documents")
    row = public.locator("table.registry tbody tr", has_text=number(3))
    expect(row.locator("td.status-repealed")).to_have_count(1)
    expect(public.locator("section.cleanup")).to_contain_text("涉及个体工商户的规范性文件专项清理")
    public.screenshot(path=str(screenshots / "9-normative-document-cleanup.png"), full_page=True)

    [entry] = e2e_engine.registry.entries()
    assert (entry.status, entry.cleanup_decision) == ("repealed", "repeal")


def test_reconsideration_with_an_incidental_review_of_a_registered_document(browser, server, e2e_engine, clock,
                                                                             pdf, screenshots):
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=CST))
    people = {role: e2e_engine.people.actor(user) for role, user in
              (("drafter", "sponsor"), ("reviewer", "reviewer"), ("head", "head"), ("clerk", "secretary"))}
    World(e2e_engine, clock, people).document(5)
    view = e2e_engine.procedures.start("reconsideration", "某个体工商户不服罚款决定申请行政复议", "fuyi_office",
                                       e2e_engine.people.actor("fuyi"))

    office = log_in(browser, server, "fuyi")
    _register_and_accept(office, pdf, applicant="某个体工商户", sanction="fine", fine_amount=8000,
                         incidental_review=True, incidental_document_kind="normative_document",
                         incidental_document_number=number(5), incidental_document_title="规范性文件5",
                         incidental_document_organ="示范县人民政府")

    office.goto("/")  # both branches wait for the office at once
    expect(office.locator("main table.list")).to_contain_text("发送申请书副本")
    expect(office.locator("main table.list")).to_contain_text("附带审查：处理或者转送")
    open_step(office, "附带审查：处理或者转送")
    fill(office, {"handling": "handle", "notice_served_on": "2026-11-02"},
         {"notice": pdf("提出书面答复通知书"), "suspension_notice": pdf("中止审理通知书")})
    submit(office)
    _copy_reply_and_review(browser, server, office, pdf)

    head = log_in(browser, server, "fuyi_head")
    head.goto("/")
    expect(head.locator("main")).not_to_contain_text("作出行政复议决定")  # the decision waits for the review
    open_step(office, "附带审查结论")
    fill(office, {"answer_received_on": "2026-11-02", "conclusion": "unlawful", "clauses": "第十二条第二款",
                  "reasons": "增设了上位法没有规定的罚款"},
         {"conclusion_document": pdf("附带审查处理决定书"), "resumption_notice": pdf("恢复审理通知书")})
    submit(office)
    open_step(head, "作出行政复议决定")
    fill(head, {"outcome": "decide", "decision_type": "revoke", "grounds": "所依据的条款已停止执行",
                "deliveries.0.served_on": "2026-11-02", "deliveries.1.served_on": "2026-11-02"},
         {"decision_document": pdf("行政复议决定书")})
    submit(head)

    public = browser.new_page(base_url=server, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    public.goto("/public/normative-documents")
    row = public.locator("table.registry tbody tr", has_text=number(5))
    expect(row.locator("td.incidental")).to_contain_text(f"复议案件 {view.id}")
    expect(row.locator("td.incidental")).to_contain_text("第十二条第二款 停止执行")
    public.screenshot(path=str(screenshots / "10-reconsideration-incidental-review.png"), full_page=True)
    assert _status(e2e_engine, view.id) == "completed" and e2e_engine.history.verify(view.id).ok

"""The three journeys of the web app, in headless Chromium through the real pages.

1. A sponsor starts a procedure from the catalogue and carries it to the legality review
   (the head, the government office and the sponsor each do their own steps).
2. The legality review office returns it for supplement, then finds it lawful.
3. An auditor finds the procedure, sees its executed path and a passing integrity check.
Each saves a screenshot under test-artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from engine.demo_procedures import Driver, drive
from engine.workdays import local_date
from tests.e2e.pages import fill, log_in, open_step, submit

pytestmark = pytest.mark.slow

FALSE_FACTS = {f: False for f in (
    "professional_technical", "stability_or_safety_risk", "affects_market_entities", "specific_group_affected",
    "directly_affects_interests", "hearing_required_by_law", "wide_public_concern", "major_divergence")}


@pytest.fixture
def pdf(tmp_path):  # type: ignore[no-untyped-def]
    def make(name: str):  # type: ignore[no-untyped-def]
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(f"%PDF-1.4 {name}".encode())
        return path
    return make


def _fire_due_timers(engine) -> None:  # type: ignore[no-untyped-def]
    """What the scheduler worker does when a statutory period runs out."""
    for timer_id in engine.timers.due():
        engine.timers.fire(timer_id)


def test_sponsor_starts_a_procedure_and_carries_it_to_legality_review(browser, server, e2e_engine, clock, pdf,
                                                                      screenshots):
    sponsor = log_in(browser, server, "sponsor")
    sponsor.goto("/procedures/new")
    sponsor.select_option("#catalogue_item", "2026-05")
    sponsor.click("form.card button.primary")
    expect(sponsor.locator("h1")).to_have_text("县城公交线网优化调整方案")

    open_step(sponsor, "决策建议与研究论证")
    fill(sponsor, {"proposal_source": "leadership", "summary": "优化县城公交线网，减少重复线路"},
         {"study_report": pdf("研究论证报告")})
    submit(sponsor)

    head = log_in(browser, server, "head")
    open_step(head, "决定启动决策程序")
    fill(head, {"launched": True, "reason": "列入年度决策事项目录", "decision_level": "county",
                "matter_type": "major_decision", "category": "public_policy",
                "category_justification": "涉及公共服务的重大公共政策", "catalogue_item": "2026-05",
                "lead_sponsor": "dev_reform"})
    submit(head)

    open_step(sponsor, "起草决策草案")
    fill(sponsor, {"legal_basis.0.instrument": "《城市公共交通条例》", "legal_basis.0.article": "第十条",
                   "options_count": 1,
                   "cost_benefit_not_needed_reason": "不涉及新增财政支出", **FALSE_FACTS},
         {"draft": pdf("决策草案"), "explanation": pdf("起草说明")})
    submit(sponsor)

    secretary = log_in(browser, server, "secretary")
    open_step(secretary, "公开范围与人大事项认定")
    fill(secretary, {"disclosed": True, "npc_report_required": False})
    submit(secretary)

    today = local_date(clock.now())
    open_step(sponsor, "公开征求意见")
    fill(sponsor, {"channels": ["gov_website"], "url": "https://www.example.gov.cn/zqyj/1",
                   "feedback_method": "网上留言", "start_date": today.isoformat(),
                   "end_date": (today + timedelta(days=30)).isoformat(), "methods": ["public_comment"]},
         {"draft": pdf("征求意见稿"), "explanation": pdf("说明")})
    submit(sponsor)
    sponsor.goto("/procedures/mine")
    expect(sponsor.locator("table.list")).to_contain_text("征求意见期不少于30日")

    clock.advance(days=31)
    _fire_due_timers(e2e_engine)
    sponsor = log_in(browser, server, "sponsor")  # a month later: the session has ended, as it should
    open_step(sponsor, "意见整理与采纳情况")
    fill(sponsor, {"opinions_received": 1, "register.0.topic": "线路", "register.0.summary": "增加夜班线",
                   "register.0.adoption": "adopted"}, {"adoption_statement": pdf("意见采纳情况说明")})
    submit(sponsor)
    open_step(sponsor, "报送合法性审查")
    fill(sponsor, {"procedures_account": "已履行公众参与等法定程序",
                   "legal_basis.0.instrument": "《城市公共交通条例》", "legal_basis.0.article": "第十条"},
         {"draft": pdf("送审稿")})
    submit(sponsor)

    expect(sponsor.locator(".blockers")).to_contain_text("法律顾问、公职律师法律意见")
    sponsor.screenshot(path=str(screenshots / "1-sponsor-at-legality-review.png"), full_page=True)
    [procedure] = e2e_engine.procedures.search()[1]
    assert {i.spec for i in procedure.open_items} == {"legal_opinion"}


def test_review_office_returns_for_supplement_then_finds_it_lawful(browser, server, e2e_engine, clock, pdf,
                                                                   screenshots):
    view = e2e_engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "review")

    adviser = log_in(browser, server, "adviser")
    adviser.goto("/reviews")
    expect(adviser.locator("table.list")).to_contain_text("个工作日")
    open_step(adviser, "法律顾问、公职律师法律意见")
    expect(adviser.locator("table.checklist")).to_contain_text("送审的决策草案")
    fill(adviser, {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                   "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    submit(adviser)

    reviewer = log_in(browser, server, "reviewer")
    open_step(reviewer, "合法性审查")
    fill(reviewer, {"review_outcome": "supplement_requested", "missing_materials": "缺少社会稳定风险评估说明"})
    submit(reviewer)

    sponsor = log_in(browser, server, "sponsor")
    open_step(sponsor, "补充材料")
    fill(sponsor, {"note": "补充社会稳定风险评估说明"}, {"supplemented_materials": pdf("补充材料")})
    submit(sponsor)

    open_step(adviser, "法律顾问、公职律师法律意见")
    fill(adviser, {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                   "summary": "补充材料后未发现违法问题"}, {"opinion": pdf("法律意见书（补充后）")})
    submit(adviser)

    open_step(reviewer, "合法性审查")
    fill(reviewer, {"review_outcome": "lawful"})  # findings missing: refused, the field named
    reviewer.click("section.card form[enctype] button.primary")
    reviewer.click("#confirm-submit")
    expect(reviewer.locator(".refusal")).to_contain_text("DF-FORM")
    expect(reviewer.locator(".field.has-error").first).to_be_visible()
    fill(reviewer, {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                    "finding_procedure": "已履行法定程序", "finding_content": "内容合法"},
         {"opinion_document": pdf("合法性审查意见书")})
    submit(reviewer)
    reviewer.screenshot(path=str(screenshots / "2-review-found-lawful.png"), full_page=True)
    outcomes = [e.payload["data"].get("review_outcome") for e in e2e_engine.history.events(view.id)
                if e.payload.get("step") == "legality_review"]
    assert outcomes == ["supplement_requested", "lawful"]


def test_auditor_sees_the_executed_path_and_a_passing_integrity_check(browser, server, e2e_engine, clock,
                                                                     screenshots):
    view = e2e_engine.procedures.start("major_decision", "城区生活垃圾分类管理实施办法", "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "archived")

    auditor = log_in(browser, server, "auditor")
    auditor.goto("/audit/")
    auditor.fill("#title", "垃圾分类")
    auditor.click("form.filters button.primary")
    auditor.get_by_role("link", name="城区生活垃圾分类管理实施办法").click()
    expect(auditor.locator("#integrity .verdict.ok")).to_be_visible()
    expect(auditor.locator('.diagram g.done[data-id="legality_review"]')).to_have_count(1)
    expect(auditor.locator('.diagram g.done[data-id="archiving"]')).to_have_count(1)
    expect(auditor.locator("table.documents")).to_contain_text("合法性审查意见书.pdf")
    expect(auditor.locator('.diagram g.done[data-id="gw_launch"]')).to_have_count(1)  # the path through gateways
    diagram, svg = auditor.locator(".diagram"), auditor.locator(".diagram svg")
    diagram.scroll_into_view_if_needed()
    auditor.screenshot(path=str(screenshots / "3-auditor-path-and-integrity.png"), full_page=True)
    fitted = svg.bounding_box()
    assert fitted is not None and fitted["width"] <= diagram.evaluate("d => d.clientWidth") + 1  # fitted by default
    auditor.get_by_text("100%", exact=True).click()
    natural = float(svg.evaluate("s => s.viewBox.baseVal.width"))
    zoomed = svg.bounding_box()
    assert zoomed is not None and abs(zoomed["width"] - natural) < 2  # one diagram unit a pixel
    assert diagram.evaluate("d => d.scrollWidth > d.clientWidth")  # and the box pans by scrolling


def test_df_forms_add_a_row_copies_the_last_row_renumbered_and_empty(browser, server, e2e_engine, clock):
    """Issue 22 item 3: a repeating table grows by a row at a time, in the page, without losing what is typed."""
    view = e2e_engine.procedures.start("major_decision", "县城停车收费标准调整", "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "comment")
    clock.set(e2e_engine.consultation.get(view.id).closes_at + timedelta(minutes=1))
    _fire_due_timers(e2e_engine)
    sponsor = log_in(browser, server, "sponsor")
    open_step(sponsor, "意见整理与采纳情况")
    rows = sponsor.locator("fieldset#f-register tbody tr")
    before, head = rows.count(), e2e_engine.history.events(view.id)[-1].seq
    typed = sponsor.locator("fieldset#f-register input, fieldset#f-register textarea").first
    typed.fill("已填写的内容")
    sponsor.locator("fieldset#f-register").get_by_role("button", name="增加一行").click()
    expect(rows).to_have_count(before + 1)
    added = rows.nth(before).locator("[name]").evaluate_all(
        "els => els.map(e => [e.name, e.tagName === 'SELECT' ? null : e.value])")
    assert added and all(name.startswith(f"register.{before}.") for name, _ in added)  # the next index
    assert all(value in (None, "") for _, value in added)  # empty, whatever the copied row held
    assert typed.input_value() == "已填写的内容"
    assert e2e_engine.history.events(view.id)[-1].seq == head  # adding a row sends nothing

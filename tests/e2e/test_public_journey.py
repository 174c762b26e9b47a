"""Public participation in headless Chromium: a citizen's opinion and receipt, the window closing
(form gone, a late POST refused with the rule), the sponsor marking and publishing, the public page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.demo_procedures import Driver, drive
from tests import documents
from tests.e2e.pages import log_in

pytestmark = pytest.mark.slow
QUESTION = re.compile(r"(\d+) 加 (\d+) 等于几")


def _answer(page) -> str:  # type: ignore[no-untyped-def]
    a, b = QUESTION.search(page.locator("label[for=answer]").inner_text()).groups()
    return str(int(a) + int(b))


def test_md15_md18_citizen_comments_window_closes_sponsor_publishes_the_handling(browser, server, e2e_engine, clock,
                                                                                   screenshots):
    view = e2e_engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                       e2e_engine.people.actor("sponsor"))
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "comment")

    citizen = browser.new_page(base_url=server, locale="zh-CN")
    citizen.goto("/public/")
    citizen.get_by_role("link", name="县城公交线网优化调整方案").click()
    citizen.fill("#text", "建议增加夜班公交线路，方便夜间出行。")
    citizen.fill("#name", "市民甲")
    assert ".pdf" in (citizen.locator("#attachment").get_attribute("accept") or "")
    citizen.set_input_files("#attachment", files=[{"name": "研究论证报告.pdf", "mimeType": "application/pdf",
                                                   "buffer": documents.EXE}])  # a program dressed as a PDF
    citizen.fill("#answer", _answer(citizen))
    citizen.click("#opinion-form button.primary")
    expect(citizen.locator(".field.has-error")).to_contain_text("application/x-msdownload")
    citizen.fill("#answer", _answer(citizen))  # a new question, the text kept, the file to choose again
    citizen.click("#opinion-form button.primary")
    receipt = citizen.locator("#receipt").inner_text()
    assert receipt.startswith("YJ-")
    citizen.screenshot(path=str(screenshots / "4-citizen-receipt.png"), full_page=True)

    late = browser.new_page(base_url=server, locale="zh-CN")  # a form left open past the closing time
    late.goto(f"/public/consultations/{view.id}")
    late.fill("#text", "截止后才提交的意见")
    late.fill("#answer", _answer(late))
    clock.set(e2e_engine.consultation.get(view.id).closes_at)
    late.click("#opinion-form button.primary")
    expect(late.locator(".refusal")).to_contain_text("MD-15b")
    late.goto(f"/public/consultations/{view.id}")
    expect(late.locator("#opinion-form")).to_have_count(0)

    sponsor = log_in(browser, server, "sponsor")
    sponsor.goto(f"/procedures/{view.id}/opinions/")
    row = sponsor.locator(f"#o-{receipt}")
    row.locator("input[name=topic]").fill("线路")
    row.locator("select[name=adoption]").select_option("partly_adopted")
    row.locator("input[name=adoption_reason]").fill("先在两条线路试行夜班车")
    row.locator("form").first.locator("button").click()
    sponsor.get_by_role("button", name="在公开页面公布说明").click()
    expect(sponsor.locator("p.flash.success")).to_be_visible()

    citizen.goto(f"/public/consultations/{view.id}")
    expect(citizen.locator("table.list")).to_contain_text("先在两条线路试行夜班车")
    expect(citizen.get_by_role("link", name="意见采纳情况说明")).to_be_visible()
    citizen.screenshot(path=str(screenshots / "5-public-handling-published.png"), full_page=True)
    assert len(e2e_engine.opinions.opinions(e2e_engine.people.actor("sponsor"), view.id)) == 1

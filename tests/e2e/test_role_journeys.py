"""Every role in Chromium on the demo data (issue 22 item 8), each page checked for English and bare codes.

The demo's seven sample procedures (engine/demo_procedures.py) give every role something to see: the
sponsor's procedure in its comment period, one at legality review (where the legal adviser gives the
opinion, through the real form), one archived (its record for the secretary and the head, its path and
integrity for the auditor), one at expert argumentation (the expert argues it, then the risk assessor
assesses it, each through the real form), the supervisor's board, the admin's users, the public's
consultation.
Each role's key pages are saved as screenshots (DF_SCREENSHOTS, default test-artifacts/screenshots/)
and read by the same checks as the test-client crawl (tests/webapp/zh_crawl.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.config import Settings
from engine.core import Engine, build_engine
from engine.demo_procedures import create
from engine.workdays import local_date
from tests.e2e.conftest import serve
from tests.e2e.pages import fill, log_in, open_step, submit
from tests.webapp.site import PASSWORD, make_app, prepare
from tests.webapp.test_zh_crawl import ADMIN_CODES
from tests.webapp.zh_crawl import problems

pytestmark = pytest.mark.slow

KEY_PAGES = {
    # username: (role, [(path, text the page shows)])
    "sponsor": ("sponsor", [("/", "欢迎"), ("/procedures/1", "县城公交线网优化调整方案")]),
    "expert": ("expert", [("/", "欢迎")]),
    "assessor": ("risk_assessor", [("/", "欢迎")]),
    "secretary": ("meeting_secretary", [("/", "欢迎"), ("/procedures/3", "城区生活垃圾分类管理实施办法")]),
    "head": ("head", [("/", "欢迎"), ("/procedures/3", "城区生活垃圾分类管理实施办法")]),
    "liaison": ("party_liaison", [("/", "欢迎")]),
    "auditor": ("auditor", [("/audit/", "城区生活垃圾分类管理实施办法"),
                            ("/audit/procedures/3", "城区生活垃圾分类管理实施办法")]),
    "duban": ("supervisor", [("/supervision", "督办")]),
    "admin": ("admin", [("/admin/users", "系统管理员")]),
}


@pytest.fixture
def demo_server(sqlite_factory, clock, tmp_path: Path) -> Iterator[tuple[str, Engine]]:  # type: ignore[no-untyped-def]
    url = sqlite_factory.new()
    settings = Settings(database_url=url, max_document_bytes=1024 * 1024, key_dir=str(tmp_path / "keys"),
                        checkpoint_dir=str(tmp_path / "checkpoints"))
    engine = build_engine(settings, clock)
    prepare(engine)
    assert len(create(settings, local_date(clock.now()) - timedelta(days=1))) == 7
    with serve(make_app(engine, LOGIN_RATE_LIMIT="1000 per minute", IDLE_TIMEOUT_MINUTES=0)) as base:
        yield base, engine
    engine.dispose()
    sqlite_factory.drop(url)


def _reads_in_chinese(page: Page, path: str) -> None:
    allowed = ADMIN_CODES if path.startswith(("/admin", "/audit/admin-log")) else frozenset()
    assert problems(page.content(), allowed) == [], path


@pytest.mark.parametrize("username", list(KEY_PAGES))
def test_df_every_role_sees_its_key_pages_in_chinese(browser, demo_server, screenshots, username):
    base, _ = demo_server
    role, pages = KEY_PAGES[username]
    page = log_in(browser, base, username)
    for n, (path, shown) in enumerate(pages, 1):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("main")).to_contain_text(shown)
        _reads_in_chinese(page, path)
        page.screenshot(path=str(screenshots / f"role-{role}-{n}.png"), full_page=True)
    page.close()


def test_md_25a_the_legal_adviser_gives_the_opinion_on_the_procedure_at_review(browser, demo_server, screenshots,
                                                                                tmp_path: Path):
    base, engine = demo_server
    opinion = tmp_path / "法律意见书.pdf"
    opinion.write_bytes(b"%PDF-1.4 legal opinion")
    adviser = log_in(browser, base, "adviser")
    open_step(adviser, "法律顾问、公职律师法律意见")
    _reads_in_chinese(adviser, "/tasks")
    adviser.screenshot(path=str(screenshots / "role-legal_adviser-1-form.png"), full_page=True)
    fill(adviser, {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                   "summary": "未发现违法问题"}, {"opinion": opinion})
    submit(adviser)
    adviser.screenshot(path=str(screenshots / "role-legal_adviser-2-done.png"), full_page=True)
    assert "legal_opinion" not in {i.spec for i in engine.procedures.get(2).open_items}


EXPERT_CASE = 7
"""The demo's decision at expert argumentation (EXPERT_SAMPLE, made last)."""


def _pdf(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(f"%PDF-1.4 {name}".encode())
    return path


def _stage_is_done(page: Page, stage: str, done_by: str) -> None:
    """The procedure's stage board shows the stage done, by the person's name (not their login)."""
    page.goto(f"/procedures/{EXPERT_CASE}")
    row = page.locator(f'table.stage-board tr[data-stage="{stage}"]')
    expect(row).to_have_class("stage-done")
    expect(row).to_contain_text(done_by)


def test_md_19_md_22_the_expert_then_the_risk_assessor_fill_their_steps(browser, demo_server, screenshots,
                                                                       tmp_path: Path):
    base, engine = demo_server
    expert = log_in(browser, base, "expert")
    open_step(expert, "专家论证")
    _reads_in_chinese(expert, "/tasks")
    expert.screenshot(path=str(screenshots / "role-expert-2-form.png"), full_page=True)
    expert.click("[data-add-row=experts]")  # three rows: two experts typed, the one between removed
    rows = expert.locator("fieldset:has([data-add-row=experts]) tbody tr")
    expect(rows).to_have_count(3)
    fill(expert, {"method": "meeting", "signed_or_sealed": True, "conclusion": "方案必要、可行，用地指标测算方法科学"},
         {"opinion": _pdf(tmp_path, "专家论证意见")})
    # this level's pool is the registry's (MD-21): its expert by account; the other from the province's pool
    for row, (name, unit, pool) in ((0, ("周教授", "示范县决策咨询专家库", "own")),
                                    (2, ("钱研究员", "省国土空间规划研究院", "higher"))):
        fill(expert, {f"experts.{row}.name": name, f"experts.{row}.organisation": unit,
                      f"experts.{row}.pool_source": pool, f"experts.{row}.direct_interest": False})
    expert.fill('[name="experts.0.username"]', "expert")
    expert.fill('[name="experts.1.name"]', "误填的一行")
    rows.nth(1).locator("[data-remove-row]").click()
    expect(rows).to_have_count(2)
    submit(expert)
    expert.screenshot(path=str(screenshots / "role-expert-3-done.png"), full_page=True)
    assert {i.spec for i in engine.procedures.get(EXPERT_CASE).open_items} == {"risk_assessment"}
    argued = engine.history.events(EXPERT_CASE)[-1].payload["data"]
    assert [e["name"] for e in argued["experts"]] == ["周教授", "钱研究员"]
    _stage_is_done(expert, "expert_argumentation", "周教授")
    expert.close()

    assessor = log_in(browser, base, "assessor")
    open_step(assessor, "社会稳定风险评估")
    _reads_in_chinese(assessor, "/tasks")
    assessor.screenshot(path=str(screenshots / "role-risk_assessor-2-form.png"), full_page=True)
    fill(assessor, {"methods": "舆情分析\n问卷调查", "departments_heard": "示范县自然资源局",
                    "risk_points": "征地补偿标准争议", "prevention_measures": "公开补偿标准，设立咨询窗口",
                    "contingency_plan": "成立应急处置小组", "conclusion": "controllable"},
         {"report": _pdf(tmp_path, "风险评估报告")})
    submit(assessor)
    assessor.screenshot(path=str(screenshots / "role-risk_assessor-3-done.png"), full_page=True)
    assert "risk_assessment" not in {i.spec for i in engine.procedures.get(EXPERT_CASE).open_items}
    _stage_is_done(assessor, "risk_assessment", "吴敏")
    assessor.close()


def test_df_forms_after_the_session_ends_the_typed_text_survives_a_new_login_in_the_browser(browser, demo_server,
                                                                                          screenshots):
    """Issue 22 item 1: a restart (the cookie no longer counts) while a form is open; the login page it gets
    posts to /login, not back to the form's address, and the typed text comes back to the form."""
    base, engine = demo_server
    head = engine.history.events(EXPERT_CASE)[-1].seq
    expert = log_in(browser, base, "expert")
    open_step(expert, "专家论证")
    expert.fill('[name="conclusion"]', "会话失效前输入的论证结论")
    expert.fill('[name="experts.0.name"]', "周教授")
    expert.context.clear_cookies()  # as after a restart with a new secret: the session is gone
    expert.click("section.card form[enctype] button.primary")
    expect(expert.locator("main")).to_contain_text("您填写的内容已保留")
    expert.screenshot(path=str(screenshots / "session-ended-1-login.png"), full_page=True)
    expert.fill("#username", "expert")
    expert.fill("#password", PASSWORD)
    expert.click("button.primary")
    expert.get_by_role("button", name="返回表单").click()
    expect(expert.locator('[name="conclusion"]')).to_have_value("会话失效前输入的论证结论")
    expect(expert.locator('[name="experts.0.name"]')).to_have_value("周教授")
    expert.screenshot(path=str(screenshots / "session-ended-2-form.png"), full_page=True)
    assert engine.history.events(EXPERT_CASE)[-1].seq == head  # nothing was submitted
    expert.close()


def test_md_15a_the_public_reads_the_open_consultation_without_logging_in(browser, demo_server, screenshots):
    base, _ = demo_server
    page = browser.new_page(base_url=base, locale="zh-CN")
    for n, (path, shown) in enumerate([("/public/", "县城公交线网优化调整方案"),
                                       ("/public/consultations/1", "县城公交线网优化调整方案"),
                                       ("/public/normative-documents", "示范县促进个体工商户发展若干措施")], 1):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("main")).to_contain_text(shown)
        _reads_in_chinese(page, path)
        page.screenshot(path=str(screenshots / f"role-public-{n}.png"), full_page=True)
    page.close()


def test_df_view_the_admin_finds_a_user_and_edits_roles_grouped_by_procedure(browser, demo_server, screenshots):
    """Issue 22 item 6: the demo's users page was 4,800 px with 29 checkboxes per user. In Chromium it now
    fits in a few screens, finds a user by name, and opens one user's editor with the roles grouped."""
    base, _ = demo_server
    page = log_in(browser, base, "admin")
    page.goto("/admin/users")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2400, f"the users page is {height} px high"
    assert page.locator("input[name=roles]:visible").count() == 0  # editors fold away
    page.get_by_label("按登录名、姓名或单位查找").fill("孙县长")
    page.get_by_role("button", name="查询", exact=True).click()
    rows = page.locator("table.users tbody tr")
    expect(rows).to_have_count(1)
    rows.first.locator("summary").click()
    legends = rows.first.locator("legend").all_inner_texts()
    assert "程序角色：重大行政决策程序" in legends and legends[-1] == "系统管理"
    expect(rows.first.locator("input[name=roles][value=head]")).to_be_checked()
    page.screenshot(path=str(screenshots / "role-admin-2-users-search.png"), full_page=True)
    page.close()

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
from tests.webapp.site import make_app, prepare
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
    fill(expert, {"method": "meeting", "experts.0.name": "周教授", "experts.0.organisation": "示范县决策咨询专家库",
                  "experts.0.pool_source": "own", "experts.0.direct_interest": False, "signed_or_sealed": True,
                  "conclusion": "方案必要、可行，用地指标测算方法科学"},
         {"opinion": _pdf(tmp_path, "专家论证意见")})
    submit(expert)
    expert.screenshot(path=str(screenshots / "role-expert-3-done.png"), full_page=True)
    assert {i.spec for i in engine.procedures.get(EXPERT_CASE).open_items} == {"risk_assessment"}
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

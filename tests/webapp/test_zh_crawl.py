"""No English and no internal ids in the Chinese UI (issue 22 item 5), crawled for every demo role.

The demo database holds the seven sample procedures of `decisionflow serve --demo` (a major decision in
its comment period, one at legality review, one archived, one at expert argumentation; a normative
document in force, an enforcement case at legal review, a reconsideration). Each role's user, and the
anonymous public, starts from their home and follows every same-site link; every page must read in Chinese
(tests/webapp/zh_crawl.py says what that means).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from engine.clock import FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.demo import ORGANISATIONS, USERS
from engine.demo_procedures import create
from engine.domain.roles import ROLES
from tests.conftest import START
from tests.webapp.site import login, make_app, prepare
from tests.webapp.zh_crawl import crawl, problems

ONE_USER_PER_ROLE = ("sponsor", "reviewer", "adviser", "expert", "assessor", "secretary", "head", "liaison",
                     "auditor", "duban", "zhifa", "fazhi", "juzhang", "fuyi", "beishen", "fuyi_head", "admin")
ADMIN_PAGES = ("/admin", "/audit/admin-log")
ADMIN_CODES = frozenset({u[0] for u in USERS} | {o[0] for o in ORGANISATIONS} | {o[2] for o in ORGANISATIONS}
                        | set(ROLES) | {"major_decision", "decision_execution", "normative_document", "nd_cleanup",
                                        "enforcement_review", "reconsideration", "decisionflow", "deploy",
                                        "processes", "other", "test", "setup"})
"""The admin pages and the administration log show usernames, unit, kind, role and definition codes, the
command that deploys, who deployed ("test" here) and the setup actor: codes belong there (item 4), English
words do not."""


@pytest.fixture(scope="module")
def demo_app(sqlite_factory, tmp_path_factory) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    url = sqlite_factory.new()
    keys = tmp_path_factory.mktemp("crawl")
    settings = Settings(database_url=url, max_document_bytes=1024 * 1024, key_dir=str(keys / "keys"),
                        checkpoint_dir=str(keys / "checkpoints"))
    engine: Engine = build_engine(settings, FixedClock(START))
    prepare(engine)
    assert len(create(settings, date(2026, 11, 1))) == 7
    yield make_app(engine, LOGIN_RATE_LIMIT="1000 per minute")
    engine.dispose()
    sqlite_factory.drop(url)


def _crawl_as(app: Flask, username: str | None) -> dict[str, str]:
    client = login(app, username).client if username else app.test_client()

    def get(path: str) -> tuple[int, str, str]:
        response = client.get(path)
        return response.status_code, response.mimetype, response.get_data(as_text=True)

    return crawl(get, "/" if username else "/public/")


def _findings(pages: dict[str, str]) -> list[str]:
    return [f"{path}: {found}" for path, body in pages.items()
            for found in problems(body, ADMIN_CODES if path.startswith(ADMIN_PAGES) else frozenset())]


@pytest.mark.parametrize("username", [*ONE_USER_PER_ROLE, None], ids=[*ONE_USER_PER_ROLE, "public"])
def test_df_language_every_page_a_role_can_reach_reads_in_chinese(demo_app, username):
    pages = _crawl_as(demo_app, username)
    assert len(pages) >= (2 if username is None else 3), sorted(pages)  # the crawl really went somewhere
    findings = _findings(pages)
    assert findings == [], f"{len(findings)} finding(s) on {len(pages)} pages:\n" + "\n".join(sorted(set(findings)))


def test_df_language_the_crawl_checks_would_catch_english_keys_and_bare_rule_codes():
    page = ("<html><body><p>无法启动程序：a title is required</p><td>字段 legal_opinion</td>"
            "<li>DF-FORM · DecisionFlow 设计不变量 2</li><li title='办理数据必须符合该步骤的表单定义'>DF-FORM</li>"
            "<p>决策文件.pdf 2026-11-02 SM3 a1b2c3d4e5f6a7b8 https://www.example.gov.cn/zcwj/</p>"
            "<script>var english = 'ignored';</script><textarea>typed text</textarea></body></html>")
    found = problems(page)
    assert any("'title'" in f for f in found) and any("'legal_opinion'" in f for f in found)
    assert [f for f in found if f.startswith("rule code")] == [
        "rule code DF-FORM without its statement in 'DF-FORM · DecisionFlow 设计不变量 2'"]
    assert not any("ignored" in f or "typed" in f or "pdf" in f or "example" in f for f in found)

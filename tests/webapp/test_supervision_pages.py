"""The supervision board (督办) and the daily digest as pages: who sees them, reminders by form.

A procedure waits for its legality review, whose 7 working days ended on 2026-12-17; the
pages are looked at on 2026-12-22, three working days later.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import CST
from engine.demo_procedures import Driver, drive, pdf
from tests.webapp.site import login, password_hash

TITLE = "县城公交线网优化调整方案"
HURRY = "请于本周内完成合法性审查并报送审查意见。"


@pytest.fixture
def review(site, clock):  # type: ignore[no-untyped-def]
    """(procedure id, legality review task, legal opinion task — done); a supervisor `duban` who can log in."""
    site.people.ensure_user("duban", "gov_office", ["supervisor"], "督办员")
    site.people.set_password_hash("duban", password_hash())
    view = site.procedures.start("major_decision", TITLE, "dev_reform", site.people.actor("sponsor"))
    driver = Driver(site, clock, view.id)
    drive(driver, "sponsor", "2026-05", "review")
    opinion = site.procedures.get(view.id).task("legal_opinion")
    driver.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                           "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    clock.set(datetime(2026, 12, 22, 10, tzinfo=CST))
    return view.id, site.procedures.get(view.id).task("legality_review"), opinion


def _kinds(site, procedure_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.kind for e in site.history.events(procedure_id)]


def test_df_supervision_board_is_shown_to_supervisors_and_auditors_only(site, app, review):
    _, task_id, _ = review
    page = login(app, "duban").get("/supervision")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert TITLE in html and "合法性审查" in html
    assert "2026-12-17" in html and "超期 3 个工作日" in html
    assert f'action="/supervision/remind/{task_id}"' in html
    audit = login(app, "auditor").get("/supervision")
    assert audit.status_code == 200
    assert "/supervision/remind/" not in audit.get_data(as_text=True)  # auditors look, supervisors act
    assert login(app, "sponsor").get("/supervision").status_code == 403
    assert login(app, "reviewer").get("/supervision").status_code == 403
    anonymous = app.test_client().get("/supervision")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")


def test_df_supervision_reminder_form_records_it_and_the_reviewer_sees_it(site, app, review):
    procedure_id, task_id, _ = review
    duban = login(app, "duban")
    duban.get("/supervision")

    sent = duban.post(f"/supervision/remind/{task_id}", {"message": HURRY})

    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/supervision#task-{task_id}"
    assert _kinds(site, procedure_id)[-1] == "reminder_sent"
    assert site.history.verify(procedure_id).ok
    board = duban.get("/supervision").get_data(as_text=True)
    assert "督办通知已发出" in board
    reviewer = login(app, "reviewer")
    for path in ("/reviews", "/tasks", "/"):
        assert HURRY in reviewer.get(path).get_data(as_text=True), path
    assert HURRY not in login(app, "sponsor").get("/tasks").get_data(as_text=True)


def test_df_supervision_refused_reminder_is_shown_next_to_its_form_and_nothing_is_written(site, app, review):
    procedure_id, task_id, _ = review
    before = _kinds(site, procedure_id)
    duban = login(app, "duban")
    duban.get("/supervision")

    refused = duban.post(f"/supervision/remind/{task_id}", {"message": "   "})

    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "DF-SUPERVISION" in html and "督办通知字段 “督办内容”" in html and "字段 message" not in html
    assert html.index('class="refusal"') > html.index(f'id="task-{task_id}"')  # in the step's row
    assert _kinds(site, procedure_id) == before


def test_md33b_reminder_on_a_completed_step_is_refused_on_the_page(site, app, review):
    procedure_id, _, opinion = review
    before = _kinds(site, procedure_id)
    duban = login(app, "duban")
    duban.get("/supervision")
    refused = duban.post(f"/supervision/remind/{opinion}", {"message": HURRY})
    assert refused.status_code == 409
    assert "MD-33b" in refused.get_data(as_text=True)
    assert _kinds(site, procedure_id) == before


def test_df_supervision_only_supervisors_post_reminders(site, app, review):
    procedure_id, task_id, _ = review
    before = _kinds(site, procedure_id)
    for username in ("reviewer", "auditor", "head"):
        browser = login(app, username)
        assert browser.post(f"/supervision/remind/{task_id}", {"message": HURRY}).status_code == 403, username
    assert _kinds(site, procedure_id) == before


def test_reminder_post_without_csrf_token_is_refused_400_and_changes_nothing(site, app, review):
    procedure_id, task_id, _ = review
    before = _kinds(site, procedure_id)
    client = login(app, "duban").client
    assert client.post(f"/supervision/remind/{task_id}", data={"message": HURRY}).status_code == 400
    assert client.post("/digest/email", data={"email": "duban@example.gov.cn"}).status_code == 400
    assert _kinds(site, procedure_id) == before


def test_df_supervision_digest_page_shows_overdue_steps_and_reminders(site, app, review):
    _, task_id, _ = review
    site.supervision.remind(site.people.actor("duban"), task_id, HURRY)
    page = login(app, "reviewer").get("/digest")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "每日提醒" in html and "超期 3 个工作日" in html and HURRY in html
    assert f'href="/tasks/{task_id}"' in html
    nothing = login(app, "admin").get("/digest")
    assert nothing.status_code == 200 and HURRY not in nothing.get_data(as_text=True)
    anonymous = app.test_client().get("/digest")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")


def test_df_account_digest_address_is_set_on_the_digest_page(site, app, review):
    reviewer = login(app, "reviewer")
    reviewer.get("/digest")
    saved = reviewer.post("/digest/email", {"email": "liu@sfj.example.gov.cn"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/digest"
    assert 'value="liu@sfj.example.gov.cn"' in reviewer.get("/digest").get_data(as_text=True)
    refused = reviewer.post("/digest/email", {"email": "not an address"})
    assert refused.status_code == 422 and "DF-ACCOUNT" in refused.get_data(as_text=True)
    emails = {d.username: d.email for d in site.supervision.digests()}
    assert emails["reviewer"] == "liu@sfj.example.gov.cn"


def test_df_supervision_a_supervisor_s_home_shows_the_most_overdue_steps(site, app, review):
    """Issue 22 item 6: a supervisor's home is their board's head, each row leading to the step and the
    procedure; others' homes show no board."""
    procedure_id, task_id, _ = review
    home = login(app, "duban").get("/").get_data(as_text=True)
    assert "督办：逾期最久的步骤" in home and 'href="/supervision"' in home
    assert f'href="/supervision#task-{task_id}"' in home and f'<a href="/procedures/{procedure_id}">{TITLE}</a>' in home
    assert "2026-12-17" in home
    assert "督办：逾期最久的步骤" not in login(app, "sponsor").get("/").get_data(as_text=True)


def test_df_supervision_each_board_row_leads_the_supervisor_to_the_procedure_by_its_title(site, app, review):
    """Issue 22 item 10: board rows were not links for the supervisor, who may read every record."""
    procedure_id, _, _ = review
    board = login(app, "duban").get("/supervision").get_data(as_text=True)
    assert f'<a href="/procedures/{procedure_id}">{TITLE}</a>' in board
    assert login(app, "duban").get(f"/procedures/{procedure_id}").status_code == 200

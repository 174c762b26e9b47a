"""Journeys through the pages: start, fill a step's form, be refused with the rule, review, audit.

Each refusal is checked to leave the procedure exactly as it was (DESIGN invariant 1).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.demo_procedures import Driver, drive
from engine.domain.errors import DomainError
from tests import documents
from tests.helpers import tamper
from tests.webapp.site import login

PDF = ("研究论证报告.pdf", b"%PDF-1.4 study")


def _at(site, clock, stage: str) -> int:  # type: ignore[no-untyped-def]
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", stage)
    return view.id


def _open_task(site, procedure_id: int, spec: str) -> str:  # type: ignore[no-untyped-def]
    return site.procedures.get(procedure_id).task(spec)


def test_md3c_sponsor_starts_a_procedure_from_the_published_catalogue(site, app):
    browser = login(app, "sponsor")
    page = browser.get("/procedures/new").get_data(as_text=True)
    assert "2026-05" in page and "2026-02" not in page  # only its own unit's published items
    response = browser.post("/procedures/new", {"key": "major_decision", "catalogue_item": "2026-05", "title": ""})
    assert response.status_code == 302
    procedure_id = int(response.headers["Location"].rsplit("/", 1)[1])
    view = site.procedures.get(procedure_id)
    assert view.title == "县城公交线网优化调整方案" and view.sponsor_org == "dev_reform"
    assert site.history.events(procedure_id)[0].payload["facts"] == {"catalogue_item": "2026-05"}


def test_df_start_refusal_names_the_title_field_and_starts_nothing(site, app):
    browser = login(app, "sponsor")
    browser.get("/procedures/new")
    response = browser.post("/procedures/new", {"key": "major_decision", "title": "x" * 301})
    assert response.status_code == 422
    assert re.search(r'class="field has-error">\s*<label for="title"', response.get_data(as_text=True))
    assert "DF-START" in response.get_data(as_text=True)
    assert site.procedures.search()[0] == 0


def test_df_form_step_form_with_a_document_completes_the_step(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    response = browser.post(f"/tasks/{task}", {"proposal_source": "leadership", "summary": "优化线网",
                                               "_version": str(view.version),
                                               "study_report": (__import__("io").BytesIO(PDF[1]), PDF[0])},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    event = site.history.events(view.id)[-1]
    assert event.kind == "task_completed" and event.payload["data"]["study_report"]["filename"] == PDF[0]
    page = browser.get(f"/procedures/{view.id}").get_data(as_text=True)
    assert event.payload["data"]["study_report"]["sha256"] in page
    assert "initiation" not in page or "决定启动决策程序" in page


def test_df_hardening_the_step_page_refuses_an_exe_named_as_the_study_report_at_its_field(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    form = browser.get(f"/tasks/{task}").get_data(as_text=True)
    accept = re.search(r'<input type="file" accept="([^"]*)"[^>]*name="study_report"', form)
    assert accept and accept.group(1).startswith(".pdf,.ofd,.docx,") and "application/pdf" in accept.group(1)
    exe = __import__("io").BytesIO(documents.EXE)
    response = browser.post(f"/tasks/{task}", {"proposal_source": "leadership", "summary": "优化线网",
                                               "study_report": (exe, "研究论证报告.pdf", "application/pdf")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    field = re.search(r'<div class="field[^"]*has-error[^"]*">.*?</div>', body, re.S)
    assert field and 'name="study_report"' in field.group(0) and "application/x-msdownload" in field.group(0)
    assert "DF-DOCUMENT" in body and "PDF、OFD、DOCX" in body
    assert site.procedures.get(view.id).version == view.version
    assert len(site.history.events(view.id)) == 1


def test_df_form_refusal_shows_the_message_next_to_the_field_and_changes_nothing(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    response = browser.post(f"/tasks/{task}", {"summary": "优化线网"}, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    field = re.search(r'<div class="field[^"]*has-error[^"]*">.*?</div>', body, re.S)
    assert field and 'name="proposal_source"' in field.group(0) and "field-error" in field.group(0)
    assert "DF-FORM" in body and re.search(r'(value="|>\s*)优化线网', body)  # what was typed is kept
    assert "“建议来源”" in body and "字段 proposal_source" not in body  # named by its title, not its key
    assert site.procedures.get(view.id).version == view.version
    assert len(site.history.events(view.id)) == 1


def test_md3c_guard_refusal_shows_rule_and_article(site, app, clock):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    Driver(site, clock, view.id).do("proposal", "sponsor", {"proposal_source": "leadership", "summary": "x"},
                                    {"study_report": __import__("engine.demo_procedures").demo_procedures.pdf("r")})
    browser = login(app, "head")
    task = _open_task(site, view.id, "initiation")
    browser.get(f"/tasks/{task}")
    before = site.procedures.get(view.id).version
    response = browser.post(f"/tasks/{task}", {
        "launched": "true", "reason": "r", "decision_level": "county", "matter_type": "major_decision",
        "category": "public_policy", "category_justification": "j", "catalogue_item": "2099-01",
        "lead_sponsor": "dev_reform"}, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "MD-3c" in body and "第" in body  # the article, as regulation.md cites it
    assert site.procedures.get(view.id).version == before


def test_df_conflict_a_stale_form_is_refused_409(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    site.tasks.claim(task, site.people.actor("sponsor"))  # the procedure moved on since the page was shown
    response = browser.post(f"/tasks/{task}", {"proposal_source": "leadership", "summary": "x",
                                               "_version": str(view.version)}, content_type="multipart/form-data")
    assert response.status_code == 409
    assert "DF-CONFLICT" in response.get_data(as_text=True)


def test_md33b_back_to_a_step_done_already_leads_to_its_record_not_to_a_conflict(site, app):
    """Issue 22 item 7: Back after a submit said someone else had changed the record and showed the step's key."""
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    task = view.task("proposal")
    browser = login(app, "sponsor")
    site.tasks.complete(task, site.people.actor("sponsor"), {"proposal_source": "leadership", "summary": "x"},
                        {"study_report": __import__("engine.demo_procedures").demo_procedures.pdf("r")})
    again = browser.get(f"/tasks/{task}")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/procedures/{view.id}#steps")
    page = browser.get(f"/procedures/{view.id}").get_data(as_text=True)
    assert "“决策建议与研究论证”已办结，办理记录见下。" in page and "已被他人修改" not in page
    resent = browser.post(f"/tasks/{task}", {"_confirm": "1", "summary": "x"}, content_type="multipart/form-data")
    assert resent.status_code == 302 and resent.headers["Location"].endswith(f"/procedures/{view.id}#steps")


def test_md26b_review_inbox_counts_working_days_and_shows_the_materials_checklist(site, app, clock):
    procedure_id = _at(site, clock, "review")
    adviser = login(app, "adviser")
    inbox = adviser.get("/reviews").get_data(as_text=True)
    assert "法律顾问、公职律师法律意见" in inbox or "legal" in inbox
    task = _open_task(site, procedure_id, "legal_opinion")
    page = adviser.get(f"/tasks/{task}").get_data(as_text=True)
    assert "material-present" in page and "MD-26a" in page and "MD-28a" in page
    assert re.search(r'material-missing"><td>[^<]*(法律意见|opinion)', page)  # the opinion is not given yet


def test_sponsor_sees_what_the_procedure_waits_for(site, app, clock):
    _at(site, clock, "comment")
    page = login(app, "sponsor").get("/procedures/mine").get_data(as_text=True)
    assert "征求意见期不少于30日" in page
    assert re.search(r"20\d\d-\d\d-\d\d", page)


def test_auditor_sees_integrity_ok_the_path_and_a_tampered_chain(site, app, clock):
    procedure_id = _at(site, clock, "archived")
    auditor = login(app, "auditor")
    page = auditor.get(f"/audit/procedures/{procedure_id}").get_data(as_text=True)
    assert 'class="verdict ok"' in page
    assert 'data-id="legality_review"' in page and re.search(r'class="el [^"]*done[^"]*" data-id="archiving"', page)
    tamper(site, "UPDATE events SET actor = 'mallory' WHERE procedure_id = :p AND seq = 3", p=procedure_id)
    page = auditor.get(f"/audit/procedures/{procedure_id}").get_data(as_text=True)
    assert 'class="verdict broken"' in page and ">3<" not in page.split("verdict broken")[0][-5:]
    assert re.search(r"verdict broken[^>]*>.*?\b3\b", page, re.S)


def test_auditor_search_filters_by_title_status_and_date(site, app, clock):
    _at(site, clock, "comment")
    auditor = login(app, "auditor")
    assert "县城公交线网" in auditor.get("/audit/?title=公交").get_data(as_text=True)
    assert "县城公交线网" not in auditor.get("/audit/?title=医院").get_data(as_text=True)
    assert "县城公交线网" not in auditor.get("/audit/?status=completed").get_data(as_text=True)
    assert "县城公交线网" in auditor.get("/audit/?from=2026-11-01&to=2026-11-30").get_data(as_text=True)
    assert "县城公交线网" not in auditor.get("/audit/?from=2027-01-01").get_data(as_text=True)


def test_df_form_an_invalid_filter_date_is_refused_naming_the_field_not_ignored(site, app):
    """Issue 22 item 10: /audit/?from=2026-13-45 listed every procedure as if no date had been given."""
    refused = login(app, "auditor").get("/audit/?from=2026-13-45")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "启动日期自" in page and "日期格式不正确" in page


def test_language_switch_between_chinese_and_english(app):
    browser = login(app, "sponsor")
    assert '<html lang="zh-CN">' in browser.get("/").get_data(as_text=True)
    browser.post("/language", {"lang": "en", "next": "/"})
    assert '<html lang="en">' in browser.get("/").get_data(as_text=True)


def test_df_account_admin_creates_a_user_who_can_log_in(site, app):
    admin = login(app, "admin")
    admin.get("/admin/users")
    response = admin.post("/admin/users", {"username": "wang_li", "display_name": "王丽", "org": "housing",
                                           "roles": ["sponsor"], "password": "long-enough-1"})
    assert response.status_code == 302
    assert login(app, "wang_li", "long-enough-1").get("/procedures/mine").status_code == 200
    admin.get("/admin/users")
    short = admin.post("/admin/users", {"username": "zhao_li", "display_name": "赵丽", "org": "housing",
                                        "roles": ["sponsor"], "password": "short"})
    assert short.status_code == 422 and "DF-ACCOUNT" in short.get_data(as_text=True)
    admin.get("/admin/users")
    self_demote = admin.post("/admin/users/admin", {"roles": ["auditor"], "active": "on"})
    assert self_demote.status_code == 422
    assert "admin" in site.people.actor("admin").roles


def test_df_withdraw_needs_a_reason_and_ends_the_procedure_for_good(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    head = login(app, "head")
    head.get(f"/procedures/{view.id}")
    refused = head.post(f"/procedures/{view.id}/withdraw", {"reason": "  "})
    assert refused.status_code == 422 and "DF-WITHDRAW" in refused.get_data(as_text=True)
    assert site.procedures.get(view.id).status == "running"
    assert head.post(f"/procedures/{view.id}/withdraw", {"reason": "决策机关决定不再推进"}).status_code == 302
    assert site.procedures.get(view.id).status == "withdrawn"
    assert f"/procedures/{view.id}/withdraw" not in head.get(f"/procedures/{view.id}").get_data(as_text=True)


def test_df_account_admin_adds_an_organisation_and_a_bad_code_is_named(site, app):
    admin = login(app, "admin")
    admin.get("/admin/users")
    assert admin.post("/admin/organisations", {"code": "transport", "name": "示范县交通运输局",
                                               "kind": "department"}).status_code == 302
    assert "transport" in {o.code for o in site.accounts.organisations()}
    admin.get("/admin/users")
    bad = admin.post("/admin/organisations", {"code": "交通", "name": "x", "kind": "department"})
    assert bad.status_code == 422
    assert re.search(r'has-error"><label for="org-code"', bad.get_data(as_text=True))
    assert login(app, "sponsor").post("/admin/organisations", {"code": "x1", "name": "x",
                                                                "kind": "department"}).status_code == 403


def test_md34_sponsor_starts_the_execution_of_a_decided_procedure(site, app, clock):
    decided = _at(site, clock, "archived")
    browser = login(app, "sponsor")
    page = browser.get("/procedures/new").get_data(as_text=True)
    assert f'value="{decided}"' in page
    response = browser.post("/procedures/new", {"key": "decision_execution", "decision": str(decided), "title": ""})
    assert response.status_code == 302
    procedure_id = int(response.headers["Location"].rsplit("/", 1)[1])
    view = site.procedures.get(procedure_id)
    assert view.definition_key == "decision_execution" and view.title.endswith("（执行）")
    assert site.history.events(procedure_id)[0].payload["facts"] == {"decision_procedure": decided}


def test_md33a_auditor_downloads_a_sealed_archive_that_verifies(site, app, clock, tmp_path):
    from engine.archive_verify import verify

    procedure_id = _at(site, clock, "archived")
    response = login(app, "auditor").get(f"/audit/procedures/{procedure_id}/archive.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    path = tmp_path / "archive.zip"
    path.write_bytes(response.data)
    report = verify(str(path))
    assert report.ok, report.problem


def test_md26b_inbox_shows_the_last_day_of_the_review_and_working_days_left(site, app, clock):
    procedure_id = _at(site, clock, "review")
    [item] = site.procedures.get(procedure_id).open_items
    from engine import deadlines

    last = deadlines.last_day(item.due_at).isoformat()
    assert item.due_at.astimezone(__import__("engine.clock").clock.CST).date().isoformat() != last  # 24:00 is 00:00
    page = login(app, "adviser").get("/reviews").get_data(as_text=True)
    assert last in page


def test_df_forms_input_typed_before_the_session_ended_survives_a_new_login(site, app, clock):
    """Issue 22: a server restart or the idle limit ends the session while a form is open; the typed text is
    carried through the login page and back to the form, and nothing is done until the user submits."""
    from tests.webapp.site import PASSWORD, Browser

    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    task = view.task("proposal")
    browser = login(app, "sponsor")
    browser.get(f"/tasks/{task}")
    clock.advance(hours=9)  # past the idle and absolute limits: the session is over
    head = site.history.events(view.id)[-1].seq
    typed = {"proposal_source": "leadership", "summary": "优化公交线网，增加夜班线路"}
    relogin = browser.post(f"/tasks/{task}", typed, content_type="multipart/form-data")
    page = relogin.get_data(as_text=True)
    assert relogin.status_code == 401 and "您填写的内容已保留" in page
    assert 'name="summary" value="优化公交线网，增加夜班线路"' in page and f'value="/tasks/{task}"' in page

    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    again = Browser(browser.client, token=fields["csrf_token"]).post(
        "/login", {**fields, "username": "sponsor", "password": PASSWORD})
    resume = again.get_data(as_text=True)
    assert again.status_code == 200 and 'name="_review" value="1"' in resume and "优化公交线网，增加夜班线路" in resume

    back = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', resume))
    form = browser.client.post(f"/tasks/{task}", data=back, content_type="multipart/form-data")
    assert form.status_code == 200 and "优化公交线网，增加夜班线路" in form.get_data(as_text=True)
    assert site.history.events(view.id)[-1].seq == head  # reviewed, not submitted: nothing was done


def test_df_forms_a_stale_form_token_while_logged_in_keeps_the_input_too(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    task = view.task("proposal")
    browser = login(app, "sponsor")
    browser.get(f"/tasks/{task}")
    stale = browser.client.post(f"/tasks/{task}", data={"csrf_token": "stale", "summary": "保留的内容"},
                                content_type="multipart/form-data")
    page = stale.get_data(as_text=True)
    assert stale.status_code == 400 and 'name="_review" value="1"' in page and "保留的内容" in page
    assert site.history.events(view.id)[-1].kind == "procedure_started"


def test_df_forms_a_draft_is_kept_per_user_shown_again_and_never_part_of_the_record(site, app):
    """Issue 22 item 3: 暂存 keeps the typed values for this user only; submitting ends the draft."""
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    task = view.task("proposal")
    browser = login(app, "sponsor")
    browser.get(f"/tasks/{task}")
    saved = browser.post(f"/tasks/{task}", {"summary": "初稿：优化线网", "_action": "draft"},
                         content_type="multipart/form-data")
    assert saved.status_code == 302
    assert [e.kind for e in site.history.events(view.id)] == ["procedure_started"]  # nothing recorded
    page = browser.get(f"/tasks/{task}").get_data(as_text=True)
    assert 'id="draft-note"' in page and "初稿：优化线网" in page
    with pytest.raises(DomainError):  # another unit's sponsor may not even see the step, nor its draft
        site.drafts.load(site.people.actor("housing"), task)
    response = browser.post(f"/tasks/{task}", {"proposal_source": "leadership", "summary": "优化线网",
                                               "study_report": (__import__("io").BytesIO(PDF[1]), PDF[0])},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    with site.db.connect() as connection:  # submitting ended the draft
        assert connection.execute(text("SELECT count(*) FROM drafts")).scalar() == 0


def test_df_forms_without_script_add_a_row_shows_the_form_again_with_more_rows_and_does_nothing(site, app, clock):
    """Issue 22 item 3: with scripts off, "Add a row" is a submit that only shows the form with more rows."""
    procedure_id = _at(site, clock, "comment")
    clock.set(site.consultation.get(procedure_id).closes_at + timedelta(minutes=1))
    for timer_id in site.timers.due():
        site.timers.fire(timer_id)
    task = _open_task(site, procedure_id, "summarise_opinions")
    head = site.history.events(procedure_id)[-1].seq
    browser = login(app, "sponsor")
    page = browser.get(f"/tasks/{task}").get_data(as_text=True)
    shown = len(set(re.findall(r'name="register\.(\d+)\.', page)))
    again = browser.post(f"/tasks/{task}", {"register.0.topic": "票价", "_action": "more_rows"},
                         content_type="multipart/form-data")
    body = again.get_data(as_text=True)
    assert again.status_code == 200 and 'value="票价"' in body
    assert shown >= 1 and len(set(re.findall(r'name="register\.(\d+)\.', body))) == 3  # the typed row + 2 blank
    assert site.history.events(procedure_id)[-1].seq == head


def test_inbox_rows_name_the_procedure_by_its_title_and_lead_to_it(site, app):
    """Issue 22 item 6: a row says what it is about — the procedure's title, linking to it — not "#2"."""
    view = site.procedures.start("major_decision", "县城公交线路调整方案", "dev_reform", site.people.actor("sponsor"))
    for path in ("/", "/tasks"):
        page = login(app, "sponsor").get(path).get_data(as_text=True)
        assert re.search(rf'<a href="/procedures/{view.id}">县城公交线路调整方案</a>', page), path
        assert f">#{view.id}<" not in page
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    rows = app.test_client().get("/api/v1/tasks/", headers={"Authorization": f"Bearer {secret}"}).json
    assert {r["procedure_title"] for r in rows} == {"县城公交线路调整方案"}


def test_a_conditionally_required_field_shows_its_condition_on_the_step_page(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    page = login(app, "sponsor").get(f"/tasks/{view.task('proposal')}").get_data(as_text=True)
    assert "（“建议来源”为“政府工作部门或下级政府”时必填）" in page

"""The REST API: each endpoint's success, its refusals as problem+json, and its roles.

The API only translates: the same services decide as for the pages, so a refusal here
carries the same rule id and article, and changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from engine.demo_procedures import Driver, drive, pdf
from tests import documents

PROBLEM = "application/problem+json"
PDF = b"%PDF-1.4 study report"


@dataclass
class Api:
    client: object
    token: str

    def __call__(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)


@pytest.fixture
def as_user(site, app):  # type: ignore[no-untyped-def]
    def make(username: str) -> Api:
        secret = site.tokens.issue(site.people.actor(username), "test").secret
        return Api(app.test_client(), secret)
    return make


def _started(site) -> int:  # type: ignore[no-untyped-def]
    return site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                 site.people.actor("sponsor")).id


def test_df_view_no_token_or_a_bad_token_is_401_problem(app, site):
    client = app.test_client()
    response = client.get("/api/v1/procedures/")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/procedures/", headers={"Authorization": "Bearer df_nope"}).status_code == 401
    login_cookie_only = client.get("/api/v1/tasks/")
    assert login_cookie_only.status_code == 401


def test_df_view_revoked_and_expired_tokens_stop_working(site, app, clock):
    sponsor = site.people.actor("sponsor")
    issued = site.tokens.issue(sponsor, "ci", days=1)
    api = Api(app.test_client(), issued.secret)
    assert api("get", "/tasks/").status_code == 200
    clock.advance(days=2)
    assert api("get", "/tasks/").status_code == 401
    fresh = site.tokens.issue(sponsor, "ci2")
    api = Api(app.test_client(), fresh.secret)
    assert api("delete", f"/tokens/{fresh.token.id}").status_code == 200
    assert api("get", "/tasks/").status_code == 401
    stored = next(t for t in site.tokens.mine(sponsor) if t.id == fresh.token.id)
    assert stored.revoked_at is not None and fresh.secret not in repr(stored)


def test_start_search_get_and_the_sponsors_visibility(site, as_user):
    sponsor = as_user("sponsor")
    response = sponsor("post", "/procedures/", json={"definition": "major_decision", "title": "县城公交线网优化",
                                                     "facts": {"catalogue_item": "2026-05"}})
    assert response.status_code == 201, response.json
    created = response.json
    assert created["sponsor_org"] == "dev_reform" and created["open_items"][0]["spec"] == "proposal"
    page = sponsor("get", "/procedures/?title=公交&per_page=5").json
    assert page["total"] == 1 and page["items"][0]["id"] == created["id"]
    assert as_user("housing")("get", "/procedures/").json["total"] == 0  # another unit sees none
    assert as_user("auditor")("get", "/procedures/?status=running").json["total"] == 1
    assert as_user("duban")("get", "/procedures/").json["total"] == 1  # supervisors see every unit's (DF-VIEW)
    refused = as_user("housing")("get", f"/procedures/{created['id']}")
    assert refused.status_code == 403 and refused.json["rule"] == "DF-VIEW"


def test_df_start_refusals_name_the_field(site, as_user):
    sponsor = as_user("sponsor")
    unknown_field = sponsor("post", "/procedures/", json={"definition": "major_decision", "title": "x", "colour": 1})
    assert unknown_field.status_code == 422 and unknown_field.mimetype == PROBLEM
    assert unknown_field.json["errors"][0]["field"] == "colour"
    other_unit = sponsor("post", "/procedures/", json={"definition": "major_decision", "title": "x",
                                                       "sponsor_org": "housing"})
    assert other_unit.status_code == 422 and other_unit.json["rule"] == "DF-START"
    assert other_unit.json["field"] == "sponsor_org"
    assert sponsor("post", "/procedures/", json={"definition": "nope", "title": "x"}).status_code == 404
    cleanup = sponsor("post", "/procedures/", json={"definition": "nd_cleanup", "title": "x"})
    assert cleanup.status_code == 422 and (cleanup.json["rule"], cleanup.json["field"]) == ("DF-START", "definition")
    assert site.procedures.search()[0] == 0


def test_df_form_complete_with_multipart_documents_and_refusals_change_nothing(site, as_user):
    procedure_id = _started(site)
    sponsor = as_user("sponsor")
    [task] = [i["task_id"] for i in sponsor("get", "/tasks/").json if i["procedure_id"] == procedure_id]
    missing = sponsor("post", f"/tasks/{task}/complete", json={"data": {"summary": "x"}})
    assert missing.status_code == 422 and missing.json["rule"] == "DF-FORM"
    assert missing.json["title"] and missing.json["article"]
    assert {e["field"] for e in missing.json["errors"]} >= {"proposal_source"}
    assert len(site.history.events(procedure_id)) == 1
    done = sponsor("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": json.dumps({"proposal_source": "leadership", "summary": "优化线网"}),
        "study_report": (io.BytesIO(PDF), "研究论证报告.pdf")})
    assert done.status_code == 200, done.json
    assert "initiation" in done.json["ready"].values()
    again = sponsor("post", f"/tasks/{task}/complete", json={"data": {}})
    assert again.status_code == 409 and again.json["rule"] == "MD-33b"  # a done step is never done again
    sha = hashlib.sha256(PDF).hexdigest()
    download = sponsor("get", f"/procedures/{procedure_id}/documents/{sha}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-SHA256"] == sha


def test_md25a_role_and_separation_refusals_are_403_with_the_rule(site, as_user, clock):
    procedure_id = _started(site)
    drive(Driver(site, clock, procedure_id), "sponsor", "2026-05", "review")
    task = site.procedures.get(procedure_id).task("legal_opinion")
    refused = as_user("sponsor")("post", f"/tasks/{task}/complete", json={"data": {}})
    assert refused.status_code == 403 and refused.json["rule"] in ("DF-ROLE", "MD-25a")
    assert as_user("adviser")("post", f"/tasks/{task}/claim").status_code == 200
    taken = as_user("reviewer")("post", f"/tasks/{task}/claim")
    assert taken.status_code == 403


def test_df_date_a_meeting_dated_ahead_of_today_is_422_naming_field_date_and_bound(site, as_user, clock):
    procedure_id = _started(site)
    d = Driver(site, clock, procedure_id)
    drive(d, "sponsor", "2026-05", "review")
    d.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                      "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    d.do("legality_review", "reviewer", {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                                         "finding_procedure": "已履行法定程序", "finding_content": "内容合法"},
         {"opinion_document": pdf("合法性审查意见书")})
    task, seen = site.procedures.get(procedure_id).task("deliberation"), len(site.history.events(procedure_id))
    tomorrow = (date.fromisoformat(d.today()) + timedelta(days=1)).isoformat()
    meeting = {"meeting_type": "standing", "meeting_date": tomorrow, "members_total": 5, "members_present": 5,
               "views": [{"member": "孙县长", "is_head": True, "position": "support"}], "decision_outcome": "adopt"}
    refused = as_user("secretary")("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": json.dumps(meeting), "minutes": (io.BytesIO(PDF), "会议纪要.pdf")})
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith(PROBLEM)
    body = refused.json
    assert (body["rule"], body["field"]) == ("DF-DATE", "meeting_date")
    assert tomorrow in body["title"] and d.today() in body["title"] and "最晚的合法日期" in body["title"]
    assert f"{tomorrow} is after {d.today()}, the latest lawful date" in body["detail"]
    assert len(site.history.events(procedure_id)) == seen  # nothing appended; the step stays open
    assert site.procedures.get(procedure_id).task("deliberation") == task


def test_df_conflict_stale_expected_version_is_409(site, as_user):
    procedure_id = _started(site)
    sponsor = as_user("sponsor")
    task = site.procedures.get(procedure_id).task("proposal")
    response = sponsor("post", f"/tasks/{task}/complete", json={"data": {"proposal_source": "leadership"},
                                                                 "expected_version": 99})
    assert response.status_code == 409 and response.json["rule"] == "DF-CONFLICT"


def test_oversize_upload_is_413_problem(site, app, as_user):
    procedure_id = _started(site)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    task = site.procedures.get(procedure_id).task("proposal")
    response = as_user("sponsor")("post", f"/tasks/{task}/complete", content_type="multipart/form-data",
                                  data={"data": "{}", "study_report": (io.BytesIO(b"x" * 5000), "big.pdf")})
    assert response.status_code == 413 and response.mimetype == PROBLEM


def test_events_verify_and_withdraw(site, as_user):
    procedure_id = _started(site)
    auditor = as_user("auditor")
    events = auditor("get", f"/procedures/{procedure_id}/events").json
    assert [e["kind"] for e in events] == ["procedure_started"]
    assert auditor("get", f"/procedures/{procedure_id}/verify").json["ok"] is True
    assert auditor("post", f"/procedures/{procedure_id}/withdraw", json={"reason": "x"}).status_code == 403
    head = as_user("head")
    assert head("post", f"/procedures/{procedure_id}/withdraw", json={"reason": ""}).status_code == 422
    withdrawn = head("post", f"/procedures/{procedure_id}/withdraw", json={"reason": "不再推进"})
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert as_user("auditor")("get", "/procedures/99999999999").status_code == 404


def test_definitions_list_get_check_and_deploy_by_admins_only(site, as_user):
    sponsor = as_user("sponsor")
    keys = {d["key"] for d in sponsor("get", "/definitions/").json}
    assert keys == {p.stem for p in (Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn")}
    source = sponsor("get", "/definitions/major_decision").json
    assert source["version"] == 1 and "<bpmn:definitions" in source["bpmn"] and "md_proposal" in source["forms"]
    assert sponsor("get", "/definitions/major_decision?version=7").status_code == 404
    bundle = {"bpmn": source["bpmn"], "forms": source["forms"]}
    assert sponsor("post", "/definitions/check", json=bundle).status_code == 403
    admin = as_user("admin")
    report = admin("post", "/definitions/check", json=bundle).json
    assert report["ok"] is True and "MD-25b" in report["rules_checked"]
    broken = admin("post", "/definitions/check", json={"bpmn": "<not xml", "forms": {}}).json
    assert broken["ok"] is False and broken["problems"]
    same = admin("post", "/definitions/", json=bundle)
    assert same.status_code == 201 and same.json["version"] == 1 and same.json["created"] is False
    refused = admin("post", "/definitions/", json={"bpmn": "<not xml", "forms": {}})
    assert refused.status_code == 422 and refused.json["rule"] == "DF-DEFINITION"
    assert sponsor("post", "/definitions/", json=bundle).json["rule"] == "DF-DEFINITION"


def test_catalogue_and_the_reference_page(site, app, as_user):
    items = as_user("sponsor")("get", "/catalogue/2026").json
    assert {"2026-05", "2026-01"} <= {i["code"] for i in items}
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    page = app.test_client().get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/tasks/{task_id}/complete" in page and "cdn" not in page.lower()


def test_tokens_are_issued_on_the_web_page_once_and_stored_hashed(site, app):
    from tests.webapp.site import login

    browser = login(app, "sponsor")
    browser.get("/account/tokens")
    response = browser.post("/account/tokens", {"name": "公文系统", "days": "30"})
    assert response.status_code == 201
    secret = response.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("df_")
    with site.db.connect() as connection:
        from sqlalchemy import text

        stored = connection.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    assert secret not in browser.get("/account/tokens").get_data(as_text=True)
    assert Api(app.test_client(), secret)("get", "/tasks/").status_code == 200



def test_nd10_the_registry_api_lists_documents_with_their_incidental_reviews(site, app, as_user, clock):
    from engine.demo_procedures import DOCUMENT_NUMBER, sister_samples
    from engine.workdays import local_date

    document, _case, appeal = sister_samples(site, clock, local_date(clock.now()))
    assert app.test_client().get("/api/v1/registry").status_code == 401  # a token, as everywhere in the API
    [entry] = as_user("auditor")("get", "/registry").json
    assert (entry["procedure_id"], entry["number"], entry["status"]) == (document, DOCUMENT_NUMBER, "in_force")
    [review] = entry["incidental_reviews"]
    applied = as_user("fuyi")("get", f"/procedures/{appeal}").json["started_at"][:10]
    assert review == {"procedure_id": appeal, "requested_on": applied, "handling": None, "conclusion": None,
                      "clauses": None, "concluded_on": None}
    assert as_user("sponsor")("get", "/registry/cleanups").json == []


def test_df_hardening_api_refuses_an_exe_sent_as_the_study_report_pdf_and_keeps_the_detected_type(site, as_user):
    procedure_id = _started(site)
    sponsor = as_user("sponsor")
    task = site.procedures.get(procedure_id).task("proposal")
    data = json.dumps({"proposal_source": "leadership", "summary": "优化线网"})
    exe = sponsor("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": data, "study_report": (io.BytesIO(documents.EXE), "研究论证报告.pdf", "application/pdf")})
    assert exe.status_code == 422 and exe.mimetype == PROBLEM
    assert exe.json["rule"] == "DF-DOCUMENT" and exe.json["field"] == "study_report"
    assert "application/x-msdownload" in exe.json["title"] and "PDF" in exe.json["title"]
    assert len(site.history.events(procedure_id)) == 1
    done = sponsor("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": data, "study_report": (io.BytesIO(documents.docx()), "研究论证报告.pdf", "application/pdf")})
    assert done.status_code == 200, done.json
    assert site.history.events(procedure_id)[-1].payload["data"]["study_report"]["media_type"] == documents.DOCX_TYPE


def test_md39_a_step_out_of_turn_is_a_problem_naming_what_it_waits_for(site, as_user, clock):
    from tests.helpers import fingerprint, pending_task_id

    procedure_id = _started(site)
    drive(Driver(site, clock, procedure_id), "sponsor", "2026-05", "review")
    task = pending_task_id(site, procedure_id, "legality_review")  # waits for the legal adviser's opinion
    before = fingerprint(site)
    refused = as_user("auditor")("post", f"/tasks/{task}/complete", json={"data": {}, "procedure_id": procedure_id},
                                 headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert refused.json["rule"] == "MD-39" and refused.json["article"]
    assert [w["step_kind"] for w in refused.json["waiting_for"]] == ["legal_opinion"]
    assert refused.json["waiting_for"][0]["title"] in refused.json["title"]
    hidden = as_user("housing")("post", f"/tasks/{task}/complete", json={"data": {}, "procedure_id": procedure_id})
    assert hidden.status_code == 404 and hidden.json["rule"] == "DF-NOT-FOUND"  # DF-VIEW: nothing of it is told
    assert "waiting_for" not in hidden.json and "missing" not in hidden.json
    no_procedure = as_user("auditor")("post", f"/tasks/{task}/complete", json={"data": {}})
    assert no_procedure.status_code == 404 and no_procedure.json["rule"] == "DF-NOT-FOUND"
    assert fingerprint(site) == before


def test_md25b_problem_json_carries_the_missing_steps_with_rule_and_article(app):
    from engine.domain.errors import StepNotReady
    from engine.domain.rulebook import rule
    from webapp.api.problems import from_domain

    missing = [{"step_kind": "legality_review", "title": "合法性审查", "rule": "MD-25b",
                "article": rule("MD-25b").article}]
    with app.test_request_context("/api/v1/tasks/x/complete", method="POST"):
        body = json.loads(from_domain(StepNotReady(step="集体讨论决定", step_kind="deliberation", state="FUTURE",
                                                   missing=missing), 422).get_data())
    assert body["rule"] == "MD-39" and body["missing"] == missing
    assert "合法性审查（MD-25b，《重大行政决策程序暂行条例》第二十五条第二款）尚未完成" in body["title"]
    assert "MD-25b" in body["detail"]


def test_md30d_a_member_s_view_counted_twice_is_422_naming_the_row_rule_and_article(site, as_user, clock):
    procedure_id = _started(site)
    d = Driver(site, clock, procedure_id)
    drive(d, "sponsor", "2026-05", "review")
    d.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                      "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    d.do("legality_review", "reviewer", {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                                         "finding_procedure": "已履行法定程序", "finding_content": "内容合法"},
         {"opinion_document": pdf("合法性审查意见书")})
    task, seen = site.procedures.get(procedure_id).task("deliberation"), len(site.history.events(procedure_id))
    views = [{"member": "副县长甲", "is_head": False, "position": "support"},
             {"member": "副县长甲 ", "is_head": False, "position": "support"},
             {"member": "孙县长", "is_head": True, "position": "support"}]
    meeting = {"meeting_type": "standing", "meeting_date": d.today(), "members_total": 5, "members_present": 3,
               "views": views, "decision_outcome": "adopt"}
    refused = as_user("secretary")("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": json.dumps(meeting), "minutes": (io.BytesIO(PDF), "会议纪要.pdf")})
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith(PROBLEM)
    body = refused.json
    assert (body["rule"], body["field"], body["entries"]) == ("MD-30d", "views.1", ["副县长甲 "])
    assert body["article"].endswith("第三十条第三款") and "副县长甲" in body["title"]
    assert len(site.history.events(procedure_id)) == seen  # nothing appended; the step stays open
    views[1]["member"] = "副县长乙"
    done = as_user("secretary")("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
        "data": json.dumps(meeting), "minutes": (io.BytesIO(PDF), "会议纪要.pdf")})
    assert done.status_code == 200, done.json


def test_md_12a_api_refuses_a_legal_basis_of_none_naming_rule_article_and_field(site, as_user, clock):
    procedure_id = _started(site)
    d = Driver(site, clock, procedure_id)
    d.do("proposal", "sponsor", {"proposal_source": "leadership", "summary": "按年度决策事项目录开展前期研究"},
         {"study_report": pdf("研究论证报告")})
    d.do("initiation", "head", {"launched": True, "reason": "列入年度重大行政决策事项目录", "decision_level": "county",
                                "matter_type": "major_decision", "category": "public_policy",
                                "category_justification": "涉及社会公众切身利益的重要政策", "catalogue_item": "2026-05",
                                "lead_sponsor": "dev_reform"})
    sponsor, seen = as_user("sponsor"), len(site.history.events(procedure_id))
    task = site.procedures.get(procedure_id).task("drafting")
    facts = {fact: False for fact in ("professional_technical", "stability_or_safety_risk", "affects_market_entities",
                                      "specific_group_affected", "directly_affects_interests",
                                      "hearing_required_by_law", "wide_public_concern", "major_divergence")}
    draft = {"options_count": 1, "cost_benefit_not_needed_reason": "不涉及新增财政支出", **facts}

    def post(basis: list[dict[str, str]]):  # type: ignore[no-untyped-def]
        return sponsor("post", f"/tasks/{task}/complete", content_type="multipart/form-data", data={
            "data": json.dumps({**draft, "legal_basis": basis}), "draft": (io.BytesIO(PDF), "决策草案.pdf"),
            "explanation": (io.BytesIO(PDF), "起草说明.pdf")})

    refused = post([{"instrument": "《重大行政决策程序暂行条例》", "article": "第十二条"},
                    {"instrument": " 无 ", "article": "第一条"}])
    assert refused.status_code == 422 and refused.headers["Content-Type"].startswith(PROBLEM)
    assert (refused.json["rule"], refused.json["field"]) == ("MD-12a", "legal_basis.1.instrument")
    assert "第十二条" in refused.json["article"] and "无" in refused.json["title"]
    assert len(site.history.events(procedure_id)) == seen
    done = post([{"instrument": "《重大行政决策程序暂行条例》", "article": "第十二条"}])
    assert done.status_code == 200, done.json
    stored = site.history.events(procedure_id)[-1].payload["data"]["legal_basis"]
    assert stored == [{"instrument": "《重大行政决策程序暂行条例》", "article": "第十二条"}]

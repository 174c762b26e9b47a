"""Documents in official form (issue 22 item 2): a step's legal document generated from the record in the
layout of GB/T 9704, as DOCX and PDF, for the person who does the step; its generation logged with its hash.

The legality review office's opinion (合法性审查意见书, MD-25a, MD-27, MD-28a) is filled from the procedure,
the sponsoring unit, what earlier steps recorded and the reviewer's saved draft.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from engine import official
from engine.demo_procedures import Driver, drive, pdf
from engine.domain import errors
from engine.services.official import _labeller
from tests.helpers import refused
from tests.webapp.site import login

FORMS = Path(__file__).resolve().parents[2] / "processes" / "forms"
TITLE = "县城公交线网优化调整方案"
DRAFT = {"review_outcome": "lawful", "finding_authority": "属于县人民政府法定职权范围",
         "finding_procedure": "已履行公众参与、合法性审查送审等程序", "finding_content": "未发现与上位法相抵触的内容"}


@pytest.fixture
def review_task(site, clock):  # type: ignore[no-untyped-def]
    """(procedure id, the open legality review step) with the reviewer's draft of the opinion saved."""
    view = site.procedures.start("major_decision", TITLE, "dev_reform", site.people.actor("sponsor"))
    driver = Driver(site, clock, view.id)
    drive(driver, "sponsor", "2026-05", "review")
    driver.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                           "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    task = site.procedures.get(view.id).task("legality_review")
    site.drafts.save(site.people.actor("reviewer"), task, DRAFT)
    return view.id, task


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_df_document_the_review_opinion_is_filled_from_the_record_and_the_draft_in_official_form(site, review_task):
    procedure_id, task = review_task
    reviewer = site.people.actor("reviewer")
    offered = site.official.offered(reviewer, task)
    assert [(d.key, d.title) for d in offered] == [("legality_opinion", "合法性审查意见书")]
    made = site.official.generate(reviewer, task, "legality_opinion", "docx")
    text = _text(made.content)
    names = site.people.names()
    issuer, sponsor = names.organisations["justice"], names.organisations["dev_reform"]
    lines = text.splitlines()
    assert lines[0] == issuer  # 版头: the issuing organ
    assert lines[1].endswith("〔" + str(site.clock.now().year) + "〕　　号")  # 发文字号, the number left to fill
    assert f"关于《{TITLE}》的合法性审查意见书" in lines and f"{sponsor}：" in lines  # 标题, 主送机关
    assert DRAFT["finding_authority"] in text and "审查结论：合法。" in text  # the draft, its choice by label
    today = site.clock.now().date()
    assert lines[-2:] == [issuer, f"{today.year}年{today.month}月{today.day}日"]  # 落款, 成文日期
    assert made.filename.endswith(".docx") and made.sha256 == hashlib.sha256(made.content).hexdigest()
    [entry] = [e for e in site.adminlog.events(site.people.actor("auditor")) if e.kind == "document_generated"]
    assert entry.actor == "reviewer" and entry.subject == f"procedure:{procedure_id}"
    assert entry.payload["sha256"] == made.sha256 and entry.payload["digest"] == made.digest
    assert entry.payload["digest"].startswith("sm3:")  # the deployment's suite
    assert site.adminlog.verify().ok


def test_df_document_the_opinion_as_pdf_reads_back_with_its_title_and_organ(site, review_task):
    _, task = review_task
    made = site.official.generate(site.people.actor("reviewer"), task, "legality_opinion", "pdf")
    assert made.content.startswith(b"%PDF") and made.media_type == "application/pdf"
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed here: the PDF is checked as a PDF only")
    text = subprocess.run(["pdftotext", "-", "-"], input=made.content, capture_output=True, check=True).stdout
    shown = "".join(text.decode("utf-8").split())  # pdftotext wraps lines as the page does
    assert "合法性审查意见书" in shown and TITLE in shown and "审查结论：合法" in shown


def test_df_document_only_who_may_do_the_step_generates_it_and_a_bad_request_changes_nothing(site, review_task):
    _, task = review_task
    before = len(site.adminlog.events(site.people.actor("auditor")))
    refused(site, errors.RoleRequired, "DF-ROLE", site.official.generate, site.people.actor("sponsor"), task,
            "legality_opinion", "docx")
    error = refused(site, errors.FormInvalid, "DF-FORM", site.official.generate, site.people.actor("reviewer"),
                    task, "legality_opinion", "odt")
    assert error.field == "format"
    error = refused(site, errors.FormInvalid, "DF-FORM", site.official.generate, site.people.actor("reviewer"),
                    task, "minutes", "docx")
    assert error.field == "kind"
    assert len(site.adminlog.events(site.people.actor("auditor"))) == before


def test_df_document_the_step_page_offers_it_and_the_post_returns_the_file_with_its_hash(site, app, review_task):
    _, task = review_task
    browser = login(app, "reviewer")
    page = browser.get(f"/tasks/{task}").get_data(as_text=True)
    assert "公文文书" in page and "合法性审查意见书" in page
    assert f'formaction="/tasks/{task}/documents/legality_opinion.docx"' in page
    response = browser.post(f"/tasks/{task}/documents/legality_opinion.docx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(response.data).hexdigest()
    assert "合法性审查意见书" in _text(response.data)
    assert login(app, "sponsor").post(f"/tasks/{task}/documents/legality_opinion.docx").status_code == 403
    no_csrf = app.test_client()
    assert no_csrf.post(f"/tasks/{task}/documents/legality_opinion.docx").status_code in (302, 400, 401)


def test_df_document_the_api_generates_it_for_a_token_of_who_may_do_the_step(site, app, review_task):
    _, task = review_task
    secret = site.tokens.issue(site.people.actor("reviewer"), "test").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    response = client.post(f"/api/v1/tasks/{task}/documents/legality_opinion.pdf", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(response.data).hexdigest()
    wrong = client.post(f"/api/v1/tasks/{task}/documents/legality_opinion.odt", headers=headers)
    assert wrong.status_code == 422 and wrong.json["field"] == "format"


@pytest.mark.parametrize(("statute", "step_kind", "key", "values", "expected"), [
    ("major_decision", "deliberation", "minutes",
     {"meeting_type": "standing", "meeting_date": "2026-12-10", "members_total": 5, "members_present": 3,
      "views": [{"member": "孙县长", "is_head": True, "position": "support"}], "decision_outcome": "adopt"},
     ["政府常务会议纪要", "会议组成人员5人，出席3人", "孙县长（行政首长）：同意", "会议决定：通过。"]),
    ("reconsideration", "acceptance_review", "correction_notice", {"gaps": "申请人身份证明复印件"},
     ["行政复议申请补正通知书", "某食品有限公司：", "申请人身份证明复印件", "十个工作日内补正"]),
    ("reconsideration", "reconsideration_decision", "decision",
     {"outcome": "decide", "decision_type": "revoke", "grounds": "事实不清、证据不足"},
     ["行政复议决定书", "被申请人：县市场监督管理局", "本机关决定：撤销。", "十五日内"]),
])
def test_df_document_each_statute_s_documents_state_the_record(statute, step_kind, key, values, expected):
    """The meeting's minutes (MD-30a…MD-30d), a correction notice (RC-5) and a reconsideration decision (RC-13)
    state the facts the record holds, choices by their labels, in the GB/T 9704 layout."""
    forms = {"deliberation": "md_deliberation", "acceptance_review": "rc_acceptance",
             "reconsideration_decision": "rc_decision"}
    schema = json.loads((FORMS / f"{forms[step_kind]}.json").read_text(encoding="utf-8"))
    before = {"applicant": "某食品有限公司", "respondent_organ": "县市场监督管理局", "act_description": "罚款决定",
              "applied_on": "2026-11-02"}
    [kind] = [k for k in official.kinds(statute, step_kind) if k.key == key]
    facts = official.Facts(1, "县城公交线网优化调整方案", "县发展和改革局", "县人民政府办公室", values, before,
                           date(2026, 12, 10), _labeller(schema))
    text = "\n".join(p.text for p in Document(io.BytesIO(official.docx(kind.build(facts)))).paragraphs)
    for part in expected:
        assert part in text, (part, text)
    assert text.rstrip().endswith("2026年12月10日")

"""The public consultation portal through the test client: no login, the engine's window, abuse limits."""

from __future__ import annotations

import io
import re
from datetime import datetime

from sqlalchemy import text

from engine.clock import CST
from engine.demo_procedures import Driver, drive
from tests import documents
from tests.webapp.site import Browser, login, make_app

QUESTION = re.compile(r"(\d+) 加 (\d+) 等于几")


def _call(site, clock) -> int:  # type: ignore[no-untyped-def]
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "comment")
    return view.id


def _send(browser: Browser, procedure_id: int, text: str, answer: str | None = None, **extra: str):  # type: ignore[no-untyped-def]
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page)
    a, b = QUESTION.search(page).groups() if QUESTION.search(page) else ("0", "0")
    data = {"text": text, "answer": answer if answer is not None else str(int(a) + int(b)),
            "challenge_token": token.group(1) if token else "", **extra}
    return browser.post(f"/public/consultations/{procedure_id}", data, content_type="multipart/form-data")


def test_md15a_anyone_sees_the_open_call_and_its_documents(site, app, clock):
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    index = browser.get("/public/").get_data(as_text=True)
    assert "县城公交线网优化调整方案" in index and "天" in index
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    call = site.consultation.get(procedure_id)
    assert call.draft_sha256 in page and 'id="opinion-form"' in page
    download = browser.get(f"/public/consultations/{procedure_id}/documents/{call.draft_sha256}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert browser.get(f"/public/consultations/{procedure_id}/documents/{'0' * 64}").status_code == 404


def test_md15b_an_opinion_gets_a_receipt_and_a_late_one_is_refused_with_the_closing_time(site, app, clock):
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    response = _send(browser, procedure_id, "建议增加夜班线", name="市民甲")
    assert response.status_code == 201
    receipt = re.search(r'id="receipt">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert site.opinions.opinions(site.people.actor("sponsor"), procedure_id)[0].receipt == receipt
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    clock.set(site.consultation.get(procedure_id).closes_at)
    closed = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    assert 'id="opinion-form"' not in closed
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    a, b = QUESTION.search(page).groups()
    late = browser.post(f"/public/consultations/{procedure_id}",
                        {"text": "迟到", "answer": str(int(a) + int(b)), "challenge_token": token},
                        content_type="multipart/form-data")
    assert late.status_code == 422
    body = late.get_data(as_text=True)
    assert "MD-15b" in body and re.search(r"20\d\d-\d\d-\d\d 00:00", body)
    assert len(site.opinions.opinions(site.people.actor("sponsor"), procedure_id)) == 1


def test_df_public_wrong_answer_missing_csrf_and_hostile_text(site, app, clock):
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    wrong = _send(browser, procedure_id, "意见", answer="999")
    assert wrong.status_code == 422 and re.search(r'has-error"><label for="answer"', wrong.get_data(as_text=True))
    no_csrf = app.test_client().post(f"/public/consultations/{procedure_id}", data={"text": "x"})
    assert no_csrf.status_code == 400
    assert _send(browser, procedure_id, '<script>alert("x")</script>').status_code == 201
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page and "&lt;script&gt;" in page
    assert len(site.opinions.opinions(site.people.actor("sponsor"), procedure_id)) == 1


def test_df_public_opinions_are_rate_limited_per_address(site, clock):
    app = make_app(site, PUBLIC_RATE_LIMIT="2 per minute")
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    statuses = [_send(browser, procedure_id, f"意见 {i}").status_code for i in range(3)]
    assert statuses == [201, 201, 429]


def test_md18_sponsor_marks_publishes_and_the_public_page_shows_the_handling(site, app, clock):
    procedure_id = _call(site, clock)
    receipt = site.consultation.submit(procedure_id, "降低票价", None, None, None, "x")
    assert login(app, "housing").get(f"/procedures/{procedure_id}/opinions/").status_code == 403
    assert login(app, "auditor").get(f"/procedures/{procedure_id}/opinions/").status_code == 403
    sponsor = login(app, "sponsor")
    assert sponsor.get(f"/procedures/{procedure_id}").get_data(as_text=True).count("/opinions/") >= 1
    sponsor.get(f"/procedures/{procedure_id}/opinions/")
    no_reason = sponsor.post(f"/procedures/{procedure_id}/opinions/{receipt}/mark",
                             {"topic": "票价", "adoption": "not_adopted", "adoption_reason": ""})
    assert no_reason.status_code == 422 and "MD-18" in no_reason.get_data(as_text=True)
    sponsor.get(f"/procedures/{procedure_id}/opinions/")
    assert sponsor.post(f"/procedures/{procedure_id}/opinions/{receipt}/mark",
                        {"topic": "票价", "adoption": "not_adopted",
                         "adoption_reason": "票价不属于本次决策范围"}).status_code == 302
    sponsor.get(f"/procedures/{procedure_id}/opinions/")
    assert sponsor.post(f"/procedures/{procedure_id}/opinions/publish").status_code == 302
    public = Browser(app.test_client()).get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    assert "票价不属于本次决策范围" in public
    assert site.consultation.get(procedure_id).adoption_sha256 in public
    assert datetime.now(CST)  # the page needed no login


def test_nd6_the_public_registry_page_lists_documents_without_login(site, app):
    page = Browser(app.test_client()).get("/public/normative-documents")
    assert page.status_code == 200
    assert "规范性文件" in page.get_data(as_text=True) or "Normative" in page.get_data(as_text=True)


def test_df_not_found_an_id_past_the_database_integer_range_is_404_not_a_server_error(site, app):
    client = app.test_client()
    for path in ("/public/consultations/99999999999", "/public/normative-documents/99999999999/" + "0" * 64):
        assert client.get(path).status_code == 404, path
    assert login(app, "auditor").get("/audit/procedures/99999999999").status_code == 404


def test_df_hardening_the_public_form_takes_an_attachment_only_of_an_allowed_type_read_from_its_content(
        site, app, clock):
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    assert re.search(r'name="attachment" type="file" accept="\.pdf,\.ofd,[^"]*image/png', page)
    exe = _send(browser, procedure_id, "附件是程序",
                attachment=(io.BytesIO(documents.EXE), "研究论证报告.pdf", "application/pdf"))
    assert exe.status_code == 422
    body = exe.get_data(as_text=True)
    assert re.search(r'has-error"><label for="attachment"', body) and "application/x-msdownload" in body
    sponsor = site.people.actor("sponsor")
    assert site.opinions.opinions(sponsor, procedure_id) == []
    png = _send(browser, procedure_id, "附站点示意图",
                attachment=(io.BytesIO(documents.png()), "站点.pdf", "application/pdf"))
    assert png.status_code == 201
    [opinion] = site.opinions.opinions(sponsor, procedure_id)
    with site.db.connect() as connection:
        media = connection.execute(text("SELECT media_type FROM documents WHERE sha256 = :s"),
                                   {"s": opinion.attachment_sha256}).scalar_one()
    assert media == "image/png"


def test_df_hardening_a_challenge_answer_sends_one_opinion_and_a_second_use_asks_for_a_new_answer(site, app, clock):
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    page = browser.get(f"/public/consultations/{procedure_id}").get_data(as_text=True)
    token = re.search(r'name="challenge_token" value="([^"]+)"', page).group(1)
    a, b = QUESTION.search(page).groups()
    answered = {"answer": str(int(a) + int(b)), "challenge_token": token}
    first = browser.post(f"/public/consultations/{procedure_id}", {"text": "第一条意见", **answered},
                         content_type="multipart/form-data")
    assert first.status_code == 201
    browser.get(f"/public/consultations/{procedure_id}")  # a fresh CSRF token; the old answer is replayed
    again = browser.post(f"/public/consultations/{procedure_id}", {"text": "同一回答的第二条意见", **answered},
                         content_type="multipart/form-data")
    assert again.status_code == 422
    body = again.get_data(as_text=True)
    assert re.search(r'has-error"><label for="answer"', body) and "新的验证问题" in body
    assert re.search(r'name="challenge_token" value="([^"]+)"', body).group(1) != token  # a new question is asked
    assert [o.text for o in site.opinions.opinions(site.people.actor("sponsor"), procedure_id)] == ["第一条意见"]


def test_md18_a_citizen_looks_up_a_receipt_with_its_time_and_later_its_handling(site, app, clock):
    """Issue 22 item 7: the receipt shows when the opinion arrived, prints, and can be looked up by number."""
    procedure_id = _call(site, clock)
    browser = Browser(app.test_client())
    sent = _send(browser, procedure_id, "建议增加夜班线", name="市民甲", contact="13800000000")
    body = sent.get_data(as_text=True)
    receipt = re.search(r'id="receipt">([^<]+)<', body).group(1)
    assert re.search(r'id="received-at">20\d\d-\d\d-\d\d \d\d:\d\d', body)
    assert "data-print" in body and "/static/js/print.js" in body and "onclick" not in body  # CSP: no inline script

    found = browser.get(f"/public/receipts?number={receipt.lower()}")  # as typed, in lower case
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and receipt in page and "县城公交线网优化调整方案" in page
    assert "尚未公布" in page and "市民甲" not in page and "13800000000" not in page  # no name, no contact

    missing = browser.get("/public/receipts?number=YJ-20000101-1-000000")
    assert missing.status_code == 404 and "没有回执号为 YJ-20000101-1-000000 的意见" in missing.get_data(as_text=True)
    assert browser.get("/public/receipts").status_code == 200  # the empty form

    sponsor = login(app, "sponsor")
    sponsor.get(f"/procedures/{procedure_id}/opinions/")
    sponsor.post(f"/procedures/{procedure_id}/opinions/{receipt}/mark",
                 {"topic": "夜班线", "adoption": "adopted", "adoption_reason": ""})
    sponsor.get(f"/procedures/{procedure_id}/opinions/")
    assert sponsor.post(f"/procedures/{procedure_id}/opinions/publish").status_code == 302
    handled = browser.get(f"/public/receipts?number={receipt}").get_data(as_text=True)
    assert "采纳" in handled and "夜班线" in handled


def test_md18_handling_is_chosen_never_preselected_as_adopted(site, app, clock):
    """Issue 22 item 10: an unmarked opinion's handling starts empty, so nobody records 采纳 by not looking."""
    procedure_id = _call(site, clock)
    site.consultation.submit(procedure_id, "延长运营时间", None, None, None, "x")
    page = login(app, "sponsor").get(f"/procedures/{procedure_id}/opinions/").get_data(as_text=True)
    assert re.search(r'<option value="" selected disabled>— 请选择 —</option>', page)
    assert '<option value="adopted" selected>' not in page

"""Security by default: CSRF on every form, escaped output, login limits, safe cookies."""

from __future__ import annotations

import hashlib

from tests.webapp.site import PASSWORD, Browser, login, make_app

HOSTILE = '<script>alert("x")</script>'


def test_every_form_post_without_csrf_token_is_refused_400_and_changes_nothing(site, app):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "标题", "dev_reform", sponsor)
    client = login(app, "sponsor").client
    posts = {
        f"/tasks/{view.task('proposal')}": {"proposal_source": "leadership", "summary": "x"},
        f"/tasks/{view.task('proposal')}/claim": {},
        "/procedures/new": {"key": "major_decision", "title": "另一个"},
        "/logout": {},
        "/language": {"lang": "en"},
    }
    for path, data in posts.items():
        assert client.post(path, data=data).status_code == 400, path
    anonymous = make_app(site).test_client()
    assert anonymous.post("/login", data={"username": "sponsor", "password": PASSWORD}).status_code == 400
    assert site.procedures.search()[0] == 1
    assert len(site.history.events(view.id)) == 1


def test_hostile_title_renders_as_text_everywhere(site, app):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", HOSTILE, "dev_reform", sponsor)
    for username, path in (("sponsor", "/procedures/mine"), ("sponsor", f"/procedures/{view.id}"),
                           ("sponsor", f"/tasks/{view.task('proposal')}"), ("auditor", "/audit/"),
                           ("auditor", f"/audit/procedures/{view.id}")):
        body = login(app, username).get(path).get_data(as_text=True)
        assert HOSTILE not in body, path
        assert "&lt;script&gt;alert(" in body, path


def test_hostile_form_values_are_escaped_when_a_refused_form_is_shown_again(site, app):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "标题", "dev_reform", sponsor)
    browser = login(app, "sponsor")
    browser.get(f"/tasks/{view.task('proposal')}")
    response = browser.post(f"/tasks/{view.task('proposal')}", {"summary": HOSTILE})  # proposal_source missing
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert HOSTILE not in body and "&lt;script&gt;" in body


def test_wrong_password_and_unknown_user_get_the_same_answer(app):
    answers = []
    for username, password in (("sponsor", "wrong-password"), ("nobody", PASSWORD)):
        browser = Browser(app.test_client())
        browser.get("/login")
        response = browser.post("/login", {"username": username, "password": password})
        answers.append((response.status_code, "login" in response.request.path))
    assert answers[0] == answers[1] == (401, True)


def test_login_attempts_are_rate_limited_per_address(site):
    app = make_app(site, LOGIN_RATE_LIMIT="3 per minute")
    browser = Browser(app.test_client())
    browser.get("/login")
    answers = [browser.post("/login", {"username": "sponsor", "password": "wrong"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert "秒后再试" in answers[-1].get_data(as_text=True)  # says how long to wait
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    other = Browser(app.test_client())
    other.get("/login")
    limited = other.post("/login", {"username": "sponsor", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert limited.status_code == 302  # another address is not limited by the first one's failures


def test_session_cookie_is_httponly_and_samesite_and_logout_ends_the_session(app):
    browser = login(app, "sponsor")
    cookie = browser.client.get_cookie("decisionflow_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert browser.post("/logout").status_code == 302
    assert browser.get("/procedures/mine").status_code == 302


def test_open_redirect_after_login_is_refused(app):
    browser = Browser(app.test_client())
    browser.get("/login")
    response = browser.post("/login?next=//evil.example/x", {"username": "sponsor", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_pages_carry_security_headers(app):
    response = login(app, "sponsor").get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_documents_download_as_attachments_with_their_sha256(site, app):
    from engine.services.tasks import Upload

    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "标题", "dev_reform", sponsor)
    # a PDF by its signature that a browser sniffing for HTML could still render, sent as text/html
    html = Upload("报告.html", "text/html", b"%PDF-1.4 <html><script>alert(1)</script></html>")
    site.tasks.complete(view.task("proposal"), sponsor, {"proposal_source": "leadership", "summary": "x"},
                        {"study_report": html})
    sha = hashlib.sha256(html.content).hexdigest()
    response = login(app, "sponsor").get(f"/procedures/{view.id}/documents/{sha}")
    assert response.status_code == 200 and response.data == html.content
    assert response.headers["X-Content-SHA256"] == sha
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/octet-stream"
    unknown = login(app, "sponsor").get(f"/procedures/{view.id}/documents/{'0' * 64}")
    assert unknown.status_code == 404


def test_a_deactivated_user_is_logged_out_at_the_next_request(site, app):
    browser = login(app, "sponsor")
    admin = site.people.actor("admin")
    site.accounts.update_user(admin, "sponsor", active=False)
    assert browser.get("/procedures/mine").status_code == 302

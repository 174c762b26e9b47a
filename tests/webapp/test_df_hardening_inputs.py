"""Bad input at the web doors is a 4xx naming the field, never a 500: problem+json for the API, the
error page for pages; malformed HTTP is refused at the edge; a 500 that remains carries a correlation id.
Run on SQLite and PostgreSQL (PostgreSQL refuses NUL in text inside the query, as a server error)."""

from __future__ import annotations

import json
import logging
import socket
import threading

import pytest
from werkzeug.serving import make_server

from engine.domain.inputs import DATE_PATTERN, FILLED_PATTERN
from tests.helpers import fingerprint
from tests.webapp.site import login

PROBLEM = "application/problem+json"


@pytest.fixture
def api(site, app):  # type: ignore[no-untyped-def]
    client, secret = app.test_client(), site.tokens.issue(site.people.actor("sponsor"), "t").secret

    def call(method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return client.open(f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {secret}"}, **kwargs)
    return call


@pytest.mark.parametrize(("body", "field"), [
    ({"definition": "major_decision", "title": "县城\x00公交"}, "title"),
    ({"definition": "major_decision", "title": "县城公交", "sponsor_org": "dev\x00reform"}, "sponsor_org"),
    ({"definition": "major\x00decision", "title": "县城公交"}, "definition"),
    ({"definition": "major_decision", "title": "\ud800"}, "title"),
    ({"definition": "major_decision", "title": " \t "}, "title"),
])
def test_df_form_api_start_with_unfit_text_is_422_naming_the_field(site, api, body, field):
    before = fingerprint(site)
    response = api("POST", "/procedures/", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["field"] == field
    assert fingerprint(site) == before


@pytest.mark.parametrize(("query", "field"), [
    ("title=%00", "title"), ("sponsor_org=a%00b", "sponsor_org"), ("started_from=0001-01-01", "started_from"),
    ("started_before=9999-12-31", "started_before"), ("started_from=1899-12-31", "started_from"),
    ("started_before=2100-01-01", "started_before"),
])
def test_df_form_api_search_with_unfit_text_or_dates_is_422_naming_the_field(api, query, field):
    response = api("GET", f"/procedures/?{query}")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.json["field"] == field


def test_df_form_api_search_takes_the_calendars_first_and_last_day(api):
    assert api("GET", "/procedures/?started_from=1900-01-01&started_before=2099-12-31").status_code == 200


@pytest.mark.parametrize("path", ["/definitions/major%00decision", "/tasks/a%00b/claim", "/tasks/%1b/complete"])
def test_df_form_api_path_with_a_control_character_is_404_problem(api, path):
    response = api("POST" if path.startswith("/tasks") else "GET", path, json={"data": {}})
    assert response.status_code == 404 and response.mimetype == PROBLEM


def test_df_form_api_withdraw_reason_with_a_nul_is_422(site, api):
    procedure = site.procedures.start("major_decision", "县城公交", "dev_reform", site.people.actor("sponsor"))
    response = api("POST", f"/procedures/{procedure.id}/withdraw", json={"reason": "撤回\x00"})
    assert response.status_code == 422 and response.json["field"] == "reason"


def test_df_form_json_nested_too_deep_is_400_not_a_crash(api):
    for body in ("[" * 100_000 + "]" * 100_000, '{"data": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"):
        response = api("POST", "/tasks/x/complete", data=body, content_type="application/json")
        assert response.status_code == 400 and response.mimetype == PROBLEM
        assert "nested more than 64 levels" in response.json["detail"]


def test_df_form_login_with_a_nul_in_the_username_is_refused_naming_it(app, site):
    browser = login(app, "sponsor")
    browser.client.post("/logout", data={"csrf_token": browser.token})
    browser.get("/login")
    before = site.adminlog.count(site.people.actor("auditor"))
    response = browser.post("/login", {"username": "sponsor\x00", "password": "x"})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "用户名" in response.get_data(as_text=True)  # the field, named as the login page names it
    assert site.adminlog.count(site.people.actor("auditor")) == before  # no login attempt was recorded


def test_df_form_new_procedure_title_with_a_nul_is_refused_and_nothing_started(app, site):
    sponsor = login(app, "sponsor")
    sponsor.get("/procedures/new")
    before = fingerprint(site)
    response = sponsor.post("/procedures/new", {"key": "major_decision", "title": "县城\x00公交",
                                                "catalogue_item": "2026-05"})
    assert response.status_code == 422 and "title" in response.get_data(as_text=True)
    assert fingerprint(site) == before


@pytest.mark.parametrize(("query", "field"), [
    ("title=%00", "标题"), ("org=a%00", "承办单位"), ("from=0001-01-01", "启动日期自"), ("to=9999-12-31", "启动日期至"),
    ("from=2026-13-01", "启动日期自"),
])
def test_df_form_audit_search_with_unfit_text_or_dates_is_the_error_page_naming_the_field(app, query, field):
    """The field is named as the page names it (issue 22 item 5), never by its key."""
    response = login(app, "auditor").get(f"/audit/?{query}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f"字段 “{field}”" in page and "字段 " + query.split("=")[0] not in page


def test_df_hardening_audit_search_page_past_the_last_is_bounded(app):
    assert login(app, "auditor").get("/audit/?page=99999999999999999999999").status_code == 200


@pytest.mark.parametrize("headers", [{"Transfer-Encoding": "chunked", "Content-Length": "5"},
                                     {"Transfer-Encoding": "gzip"}])
@pytest.mark.parametrize(("path", "mimetype"), [("/api/v1/procedures/", PROBLEM), ("/login", "text/html")])
def test_df_hardening_ambiguous_framing_is_400_before_the_body_is_read(app, headers, path, mimetype):
    response = app.test_client().post(path, data=b"0\r\n\r\n", headers=headers)
    assert response.status_code == 400 and response.mimetype == mimetype
    assert "Transfer-Encoding" in response.get_data(as_text=True)


def test_df_hardening_werkzeugs_server_passes_both_headers_and_the_app_refuses(app):
    """werkzeug's server dechunks and keeps Content-Length (gunicorn refuses such a request itself)."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", http.server_port), timeout=10) as connection:
            connection.sendall(b"POST /api/v1/procedures/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    finally:
        http.shutdown()
        thread.join(timeout=10)
    assert answer.startswith(b"HTTP/1.1 400") and b"application/problem+json" in answer


@pytest.mark.parametrize(("path", "mimetype"), [("/api/v1/procedures/", PROBLEM), ("/login", "text/html")])
@pytest.mark.parametrize("method", ["TRACE", "PUT"])
def test_df_hardening_405_names_the_allowed_methods(app, path, mimetype, method):
    response = app.test_client().open(path, method=method)
    assert response.status_code == 405 and response.mimetype == mimetype
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_df_hardening_options_answers_allow_without_a_token_or_data(app):
    response = app.test_client().options("/api/v1/procedures/")
    assert response.status_code == 200 and response.get_data() == b""
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(("path", "mimetype"), [("/api/v1/boom", PROBLEM), ("/boom", "text/html")])
def test_df_hardening_a_500_carries_a_correlation_id_logged_with_the_traceback(app, caplog, path, mimetype):
    def boom() -> None:
        raise RuntimeError("the disk is on fire")
    app.add_url_rule(path, "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get(path)
    assert response.status_code == 500 and response.mimetype == mimetype
    incident = response.headers["X-Correlation-ID"]
    body = response.get_data(as_text=True)
    assert incident in body and "disk is on fire" not in body
    if mimetype == PROBLEM:
        assert response.json["correlation_id"] == incident
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert len(logged) == 1 and "the disk is on fire" in str(logged[0].exc_info[1])


def test_df_hardening_the_openapi_document_states_the_limits(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    start = spec["components"]["schemas"]["ProcedureStart"]["properties"]
    assert start["title"]["maxLength"] == 300 and start["title"]["pattern"] == FILLED_PATTERN
    query = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert query["started_from"]["pattern"] == DATE_PATTERN and query["per_page"]["maximum"] == 100
    claim = spec["paths"]["/api/v1/tasks/{task_id}/claim"]["parameters"]
    assert claim[0]["schema"]["pattern"].startswith("^[^/\\x00")
    multipart = spec["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]["requestBody"]["content"][
        "multipart/form-data"]
    assert multipart["schema"]["properties"]["data"]["type"] == "object"

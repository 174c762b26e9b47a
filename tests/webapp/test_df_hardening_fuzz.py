"""Random input never makes a server error: text with NUL, control characters and (in JSON) lone
surrogates, and dates from 0001 to 9999, posted to the login, new-procedure and audit-search pages
and to the API's operations, on SQLite and PostgreSQL. Any 500 would raise here (TESTING propagates)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.webapp.site import Browser, login, make_app

NASTY = ["\x00", "a\x00b", "\x1b[2J", "\x7f", "\r\n", "\t", " ", "\u3000", "\ufeff", "𝕋", "' OR 1=1 --", "%00", "../"]
DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "2099-12-31", "2100-01-01", "2026-02-30",
        "2026-13-01", "20260101", ""]
form_text = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
json_text = st.one_of(form_text, st.sampled_from(["\ud800", "a\udfffb"]))
days = st.one_of(st.sampled_from(DAYS), st.dates().map(lambda d: d.isoformat()), form_text)
FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _answered(response, api: bool) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500
    if api and response.status_code >= 400:
        assert response.mimetype == "application/problem+json"


@dataclass
class Site:
    app: Flask
    sponsor: Browser
    auditor: Browser


@pytest.fixture
def pages(site) -> Site:  # type: ignore[no-untyped-def]
    app = make_app(site, LOGIN_RATE_LIMIT="100000 per minute")
    sponsor = login(app, "sponsor")
    sponsor.get("/procedures/new")
    return Site(app, sponsor, login(app, "auditor"))


@FUZZ
@given(username=form_text, password=form_text, title=form_text, item=form_text, key=form_text, org=form_text,
       start=days, end=days)
def test_df_hardening_pages_never_answer_500(pages, username, password, title, item, key, org, start, end):
    anonymous = Browser(pages.app.test_client())
    anonymous.get("/login")
    _answered(anonymous.post("/login", {"username": username, "password": password}), api=False)
    _answered(pages.sponsor.post("/procedures/new", {"key": key, "title": title, "catalogue_item": item}),
              api=False)
    _answered(pages.auditor.client.get("/audit/", query_string={"title": title, "org": org, "from": start,
                                                                 "to": end, "status": key, "page": item}), api=False)


@pytest.fixture
def api_token(site) -> str:  # type: ignore[no-untyped-def]
    return site.tokens.issue(site.people.actor("sponsor"), "fuzz").secret


@FUZZ
@given(title=json_text, org=json_text, definition=st.one_of(st.just("major_decision"), json_text),
       facts=st.dictionaries(json_text, st.one_of(json_text, st.integers(), st.none()), max_size=3),
       start=days, end=days, reason=json_text, task=form_text, words=form_text)
def test_df_hardening_api_never_answers_500(api_token, app, title, org, definition, facts, start, end, reason, task,
                                            words):
    client, headers = app.test_client(), {"Authorization": f"Bearer {api_token}"}

    def send(method: str, path: str, body: object = None, **kwargs: object):  # type: ignore[no-untyped-def]
        data = None if body is None else json.dumps(body)  # ASCII escapes carry lone surrogates as \\ud800
        return client.open(f"/api/v1{path}", method=method, headers=headers, data=data,
                           content_type="application/json", **kwargs)

    _answered(send("POST", "/procedures/", {"definition": definition, "title": title, "sponsor_org": org,
                                             "facts": facts}), api=True)
    _answered(send("GET", "/procedures/", query_string={"title": words, "sponsor_org": task,
                                                         "started_from": start, "started_before": end}), api=True)
    _answered(send("POST", "/procedures/1/withdraw", {"reason": reason}), api=True)
    _answered(send("POST", f"/tasks/{task}/complete", {"data": facts}), api=True)
    _answered(send("GET", f"/definitions/{task}"), api=True)

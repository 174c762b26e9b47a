"""DF-INTEGRITY on the web: a document whose bytes were replaced in the database is never served.

Each path that sends a stored document's bytes (the record's download page, the API, the public
consultation documents, the public registry of normative documents) answers a 500 naming the rule,
logs the incident at ERROR and counts it in /metrics; the altered bytes never leave.
"""

from __future__ import annotations

import hashlib
import logging

import pytest

from engine.demo_procedures import Driver, drive, sister_samples
from engine.workdays import local_date
from tests.helpers import replace_document
from tests.webapp.site import Browser, login

ALTERED = b"%PDF-1.4 altered behind the engine's back"
METRIC = "decisionflow_altered_documents_refused_total"


def refused_count(app) -> float:  # type: ignore[no-untyped-def]
    scrape = app.test_client().get("/metrics").get_data(as_text=True)
    [line] = [line for line in scrape.splitlines() if line.startswith(METRIC)]
    return float(line.split()[-1])


def assert_refused(app, response, caplog, sha256: str, before: float) -> None:  # type: ignore[no-untyped-def]
    body = response.get_data()
    assert response.status_code == 500
    assert ALTERED not in body and "X-Content-SHA256" not in response.headers
    assert "DF-INTEGRITY" in response.get_data(as_text=True)
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and sha256 in r.getMessage()]
    assert "DF-INTEGRITY" in logged.getMessage()
    assert refused_count(app) == before + 1


@pytest.fixture
def decided(site, clock) -> int:  # type: ignore[no-untyped-def]
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                 site.people.actor("sponsor"))
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "comment")
    return view.id


def test_df_integrity_the_record_page_and_the_api_refuse_an_altered_document(site, app, decided, caplog):
    sha = site.consultation.get(decided).draft_sha256
    sponsor = login(app, "sponsor")
    assert sponsor.get(f"/procedures/{decided}/documents/{sha}").status_code == 200
    replace_document(site, sha, ALTERED)
    before = refused_count(app)

    assert_refused(app, sponsor.get(f"/procedures/{decided}/documents/{sha}"), caplog, sha, before)
    caplog.clear()
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    api = app.test_client().get(f"/api/v1/procedures/{decided}/documents/{sha}",
                                headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"})
    assert_refused(app, api, caplog, sha, before + 1)
    assert api.mimetype == "application/problem+json" and api.json["rule"] == "DF-INTEGRITY"
    assert "altered" in api.json["title"]


def test_df_integrity_the_public_consultation_refuses_an_altered_draft(site, app, decided, caplog):
    sha = site.consultation.get(decided).draft_sha256
    replace_document(site, sha, ALTERED)
    before = refused_count(app)
    page = Browser(app.test_client()).get(f"/public/consultations/{decided}/documents/{sha}")
    assert_refused(app, page, caplog, sha, before)
    assert "已被改动" in page.get_data(as_text=True)


def test_df_integrity_the_public_registry_refuses_an_altered_normative_document(site, app, clock, caplog):
    document, _case, _appeal = sister_samples(site, clock, local_date(clock.now()))
    [entry] = [e for e in site.registry.entries() if e.procedure_id == document]
    sha = entry.document_sha256
    path = f"/public/normative-documents/{document}/{sha}"
    served = Browser(app.test_client()).get(path)
    assert served.status_code == 200 and hashlib.sha256(served.get_data()).hexdigest() == sha
    replace_document(site, sha, ALTERED)
    before = refused_count(app)
    assert_refused(app, Browser(app.test_client()).get(path), caplog, sha, before)

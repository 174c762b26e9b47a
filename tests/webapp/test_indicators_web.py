"""The 法治指数 report on the REST API and the pages: roles, figures linked to their procedures (DF-INDICATOR)."""

from __future__ import annotations

import io

import pytest
from docx import Document

from engine.demo_procedures import Driver, drive
from tests.webapp.site import login
from tests.webapp.test_api import as_user  # noqa: F401 (the API caller fixture)


@pytest.fixture
def decided(site, clock) -> int:  # type: ignore[no-untyped-def]
    """One major decision of dev_reform, adopted, published and archived in November–December 2026."""
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "archived")
    return view.id


def test_df_indicator_api_gives_each_figure_with_its_procedures_to_readers_only(decided, app, as_user):  # noqa: F811
    query = "/indicators?from=2026-01-01&to=2026-12-31"
    assert app.test_client().get(f"/api/v1{query}").status_code == 401
    for reader in ("auditor", "reviewer", "head"):
        body = as_user(reader)("get", query).json
        taken = next(i for i in body["indicators"] if i["id"] == "md_taken")
        assert (taken["value"], taken["procedures"], taken["name_zh"]) == (1, [decided], "作出的重大行政决策数")
        legality = next(i for i in body["indicators"] if i["id"] == "md_legality_share")
        assert (legality["value"], legality["meets"], legality["target_min"]) == (100.0, True, 100.0)
        assert body["from"] == "2026-01-01" and body["units"][0]["unit"] == "dev_reform"
    refused = as_user("sponsor")("get", query)
    assert refused.status_code == 403 and refused.json["rule"] == "DF-INDICATOR"
    bad = as_user("auditor")("get", "/indicators?from=2026-12-31&to=2026-01-01")
    assert bad.status_code == 422 and bad.json["rule"] == "DF-INDICATOR" and bad.json["field"] == "to"


def test_df_indicator_page_in_chinese_links_every_figure_to_the_procedures_behind_it(decided, app):
    browser = login(app, "head")
    page = browser.get("/indicators?from=2026-01-01&to=2026-12-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "作出的重大行政决策数" in html and "目标考核" in html and "<svg" in html
    link = "/indicators/procedures?indicator=md_taken&amp;from=2026-01-01&amp;to=2026-12-31"
    assert link in html
    listing = browser.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f"#{decided}" in listing and "县城公交线网优化调整方案" in listing
    unit = browser.get("/indicators/procedures?indicator=md_published_share&of_unit=dev_reform"
                       "&from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert f"#{decided}" in unit
    assert browser.get("/indicators?from=2026-02-30").status_code == 422
    assert login(app, "sponsor").get("/indicators").status_code == 403


def test_df_indicator_statistical_annex_as_docx_and_pdf_holds_the_figures(decided, app):
    browser = login(app, "auditor")
    word = browser.get("/indicators/annex.docx?from=2026-01-01&to=2026-12-31")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(word.data))
    assert document.paragraphs[0].text == "法治政府建设情况统计附表"
    cells = {row.cells[1].text: row.cells[2].text for row in document.tables[0].rows}
    assert cells["作出的重大行政决策数"] == "1 件"
    assert cells["经合法性审查的重大行政决策占比"] == "100%（1/1）"
    assert cells["已公布的重大行政决策占比"] == "100%（1/1）"
    pdf = browser.get("/indicators/annex.pdf?from=2026-01-01&to=2026-12-31")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert login(app, "sponsor").get("/indicators/annex.pdf").status_code == 403


def test_df_indicator_monthly_bulletin_offered_on_the_page_as_docx_and_pdf(decided, app, site):
    browser = login(app, "auditor")
    page = browser.get("/indicators?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    assert "/indicators/bulletin.docx" in page and "/indicators/bulletin.pdf" in page and "月度工作通报" in page
    report = site.indicators.report("2026-12-01", "2026-12-31")
    taken = int(report.line("md_taken").figure.value or 0)
    word = browser.get("/indicators/bulletin.docx?month=2026-12&issue=7&issuer=示范县司法局")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(word.data))
    assert [p.text for p in document.paragraphs[:3]] == ["示范县司法局", "法治政府建设工作通报", "第7期"]
    assert any(f"共作出重大行政决策{taken}件" in p.text for p in document.paragraphs)
    pdf = browser.get("/indicators/bulletin.pdf?month=2026-12")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = browser.get("/indicators/bulletin.pdf?month=2026-13")
    assert bad.status_code == 422 and "month" in bad.get_data(as_text=True)
    assert login(app, "sponsor").get("/indicators/bulletin.docx?month=2026-12").status_code == 403

"""The monthly 法治政府建设工作通报 (DF-INDICATOR): its figures, ranking and problems, worked out by hand from the
scripted procedures of tests/processes/test_indicators.py, read back from the DOCX and the PDF, on both databases.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from engine import indicator_bulletin
from engine.cli import cli
from engine.domain import errors
from tests.processes.test_indicators import decisions, reviews  # noqa: F401 (the scripted procedures)


def bulletin(engine, month: str, issue: int = 1) -> indicator_bulletin.Bulletin:  # type: ignore[no-untyped-def]
    start, end = indicator_bulletin.month_period(month)
    return indicator_bulletin.Bulletin(engine.indicators.report(start, end), "示范县司法局", issue, date(2027, 2, 3))


def paragraphs(body: bytes) -> tuple[list[str], list[list[str]]]:
    document = Document(io.BytesIO(body))
    return ([p.text for p in document.paragraphs],
            [[cell.text for cell in row.cells] for row in document.tables[0].rows])


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        print("pdftotext is not installed: the PDF's text is not checked")
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(text.split())  # lines wrap where the page ends them


def test_df_indicator_bulletin_of_january_names_the_unpublished_decision(decisions, engine, tmp_path):  # noqa: F811
    # January 2027: md2 was adopted on 2027-01-09 and not published; md1 (December) and md3 (no decision) don't
    # count; no step was completed late. So 1 decision taken, 0 published, 公布率 0.0 %, one problem.
    made = bulletin(engine, "2027-01", issue=1)
    text, table = paragraphs(indicator_bulletin.docx(made))
    assert text[:3] == ["示范县司法局", "法治政府建设工作通报", "第1期"]
    assert "2027年2月3日" in text[3] and text[4] == "2027年1月法治政府建设工作情况"
    situation = text[text.index("一、基本情况") + 1]
    assert "共作出重大行政决策1件，已公布0件，公布率0.0%；超期办结的步骤0个" in situation
    assert table[0] == list(indicator_bulletin.HEADERS)
    assert table[1:] == [["1", "县发展和改革局", "1", "0", "0", "0"]]
    assert text[text.index("三、存在问题") + 1] == "县发展和改革局：作出的重大行政决策中有1件尚未公布。"
    assert "四、下一步要求" in text and text[-2:] == ["示范县司法局", "2027年2月3日"]
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(indicator_bulletin.pdf(made))
    printed = pdf_text(path)
    assert "法治政府建设工作通报" in printed and "第1期" in printed
    assert "县发展和改革局：作出的重大行政决策中有1件尚未公布。" in printed


def test_df_indicator_bulletin_of_december_finds_no_problem(decisions, engine):  # noqa: F811
    # December 2026: md1 adopted 2026-12-05 and published → 1 taken, 1 published, 100.0 %
    text, table = paragraphs(indicator_bulletin.docx(bulletin(engine, "2026-12", issue=12)))
    assert text[2] == "第12期"
    assert "共作出重大行政决策1件，已公布1件，公布率100.0%" in text[text.index("一、基本情况") + 1]
    assert table[1:] == [["1", "县发展和改革局", "1", "1", "0", "0"]]
    assert text[text.index("三、存在问题") + 1] == "本月未发现超期办结的步骤和未公布的重大行政决策。"


def test_df_indicator_bulletin_cli_writes_docx_and_pdf_with_the_overdue_step(reviews, engine, db_url,  # noqa: F811
                                                                             tmp_path):
    # October 2026: er2's legal review, due 2026-10-10, was completed on 2026-10-20 (1 overdue step); the
    # supervisor's reminder of 2026-10-12 was past the due day (1 reminder, 1 on an overdue step); no decision.
    word, pdf = tmp_path / "通报.docx", tmp_path / "通报.pdf"
    result = CliRunner().invoke(cli, ["indicators", "--from", "2026-10-01", "--to", "2026-10-31", "--bulletin-docx",
                                      str(word), "--bulletin-pdf", str(pdf), "--issue", "10", "--database", db_url])
    assert result.exit_code == 0, result.output
    text, table = paragraphs(word.read_bytes())
    assert text[2] == "第10期" and text[0] == "司法局"  # no …司法局 in this record: the default name
    assert ("共作出重大行政决策0件，已公布0件；超期办结的步骤1个，发出催办通知1次，其中超期督办1次。"
            in text[text.index("一、基本情况") + 1])
    assert table[1:] == [["1", "market_enforcement", "0", "0", "1", "1"]]
    assert text[text.index("三、存在问题") + 1] == "market_enforcement：超期办结步骤1个。"
    assert "market_enforcement：超期办结步骤1个。" in pdf_text(pdf)


def test_df_indicator_bulletin_month_must_be_a_month():
    with pytest.raises(errors.IndicatorQueryInvalid) as refused:
        indicator_bulletin.month_period("2026-13")
    assert refused.value.rule == "DF-INDICATOR" and refused.value.field == "month"
    assert indicator_bulletin.month_period("2028-02") == ("2028-02-01", "2028-02-29")
    assert indicator_bulletin.month_period("2026-12") == ("2026-12-01", "2026-12-31")

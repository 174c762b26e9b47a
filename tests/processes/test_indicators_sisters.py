"""法治指数 indicators of reconsideration and normative documents, from procedures driven through the engine
(DF-INDICATOR). Expected figures are worked out by hand from each script, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from click.testing import CliRunner

from engine.cli import cli
from engine.clock import CST
from engine.services.indicators import Report
from tests.processes.md_scenario import pdf
from tests.processes.test_normative_document import (
    Document,
    nd,  # noqa: F401 (the first document's fixture)
)
from tests.processes.test_reconsideration import Case, rc  # noqa: F401 (the first case's fixture)


def figure(report: Report, indicator: str):  # type: ignore[no-untyped-def]
    return next(line.figure for line in report.totals if line.indicator.id == indicator)


def _case(first: Case, title: str) -> Case:
    view = first.engine.procedures.start("reconsideration", title, "fuyi_office", first.people["office"])
    return Case.of(first.engine, first.people, view)


@pytest.fixture
def cases(rc: Case) -> tuple[Case, Case, Case, Case]:  # noqa: F811
    """All on Monday 2026-11-02: c1 revoked (a correction), c2 upheld, c3 mediated, c4 incomplete (not accepted)."""
    c2, c3, c4 = (_case(rc, f"申请人{n}不服行政处罚申请行政复议") for n in ("乙", "丙", "丁"))
    rc.to_decision()
    rc.decide("revoke")
    c2.to_decision()
    c2.decide("uphold", grounds="事实清楚，证据确凿，适用依据正确")
    c3.to_decision()
    c3.do("decision", "head", {"outcome": "mediate", "mediation_signed_by_parties": True, "mediation_sealed": True},
          {"mediation_document": pdf("行政复议调解书")})
    c4.apply()
    c4.notify_correction()
    return rc, c2, c3, c4


def test_df_indicator_reconsideration_received_accepted_decided_corrected_mediated(cases, engine):
    c1, c2, c3, c4 = cases
    report = engine.indicators.report("2026-11-01", "2026-11-30")
    assert figure(report, "rc_received").procedures == tuple(sorted(c.procedure_id for c in cases))
    assert figure(report, "rc_accepted").procedures == (c1.procedure_id, c2.procedure_id, c3.procedure_id)
    decided = figure(report, "rc_decided")  # the mediated case ends without a decision (RC-15)
    assert decided.value == 2
    assert {k: v.procedures for k, v in decided.breakdown.items()} == {
        "revoke": (c1.procedure_id,), "uphold": (c2.procedure_id,)}
    corrected = figure(report, "rc_corrected_share")  # 撤销 corrects, 维持 does not: 1 of 2
    assert (corrected.value, corrected.procedures, corrected.denominator) == (50.0, (c1.procedure_id,), 2)
    assert figure(report, "rc_decided_on_time_share").value == 100.0  # decided the day they were accepted
    assert figure(report, "rc_mediated").procedures == (c3.procedure_id,)
    assert figure(report, "rc_incidental_reviews").value == 0  # no application asked for one
    assert c4.procedure_id not in figure(report, "rc_accepted").procedures


@pytest.fixture
def documents(nd: Document, clock) -> tuple[Document, Document]:  # noqa: F811
    """Both published 2026-11-02 (filing due 2026-12-02, ND-7): d1 filed the same day, d2 on 2026-12-03."""
    view = nd.engine.procedures.start("normative_document", "示范县优化营商环境若干措施", "county_market",
                                      nd.people["drafter"])
    d2 = Document.of(nd.engine, nd.people, view)
    nd.to_publication()
    nd.publish()
    nd.file("government")
    d2.to_collective_review(document_title="示范县优化营商环境若干措施")
    d2.collective()
    d2.sign()
    d2.register("示范府规〔2026〕4号")
    d2.publish()
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CST))
    d2.file("government")
    return nd, d2


def test_df_indicator_normative_documents_reviewed_published_and_filed_on_time(documents, engine):
    d1, d2 = documents
    report = engine.indicators.report("2026-11-01", "2026-12-31")
    reviewed = figure(report, "nd_reviewed")
    assert (reviewed.value, {k: v.value for k, v in reviewed.breakdown.items()}) == (2, {"lawful": 2})
    published = figure(report, "nd_published_reviewed_share")  # both reviewed lawful before publication (ND-4)
    assert (published.value, published.denominator) == (100.0, 2)
    assert figure(report, "nd_filed").procedures == (d1.procedure_id, d2.procedure_id)
    on_time = figure(report, "nd_filed_on_time_share")  # d2 filed on day 31
    assert (on_time.value, on_time.procedures) == (50.0, (d1.procedure_id,))
    assert figure(report, "steps_overdue").procedures == (d2.procedure_id,)
    november = engine.indicators.report("2026-11-01", "2026-11-30")  # d2's filing falls in December
    assert (figure(november, "nd_filed").value, figure(november, "nd_filed_on_time_share").value) == (1, 100.0)


def test_df_indicator_cli_prints_the_report_and_its_json_and_refuses_a_bad_date(cases, db_url, tmp_path,
                                                                               monkeypatch):
    c1, *_ = cases
    monkeypatch.setenv("DECISIONFLOW_CHECKPOINT_DIR", str(tmp_path / "none-yet"))
    runner = CliRunner()
    text = runner.invoke(cli, ["indicators", "--from", "2026-11-01", "--to", "2026-11-30", "--database", db_url])
    assert text.exit_code == 0, text.output
    assert "行政复议纠错率（撤销、变更、确认违法、责令履行）：50.0% (1/2)" in text.output
    assert "尚无检查点" in text.output
    as_json = runner.invoke(cli, ["indicators", "--from", "2026-11-01", "--to", "2026-11-30", "--unit", "fuyi_office",
                                  "--json", "--database", db_url])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    corrected = next(i for i in data["indicators"] if i["id"] == "rc_corrected_share")
    assert (corrected["value"], corrected["procedures"]) == (50.0, [c1.procedure_id])
    assert [u["unit"] for u in data["units"]] == ["fuyi_office"]
    bad = runner.invoke(cli, ["indicators", "--from", "2026-11-31", "--to", "2026-12-01", "--database", db_url])
    assert bad.exit_code == 2 and "DF-INDICATOR" in bad.output and "from" in bad.output

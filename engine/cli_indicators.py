"""The 法治指数 commands of `decisionflow` (engine/cli.py's group): the report with its annex and monthly 通报,
and the rebuild of the indicator_facts projection it reads (docs/indicators.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine.cli import _engine, cli, database_option
from engine.domain.errors import DomainError
from engine.workdays import local_date


@cli.command("indicators")
@click.option("--from", "start", required=True, help="First day of the period, YYYY-MM-DD (local date).")
@click.option("--to", "end", required=True, help="Last day of the period, YYYY-MM-DD (included).")
@click.option("--unit", default=None, help="Only this sponsoring unit (organisation code).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, with every figure's procedures.")
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the statistical annex (统计附表) as PDF to this file.")
@click.option("--docx", "docx_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the statistical annex as DOCX to this file.")
@click.option("--bulletin-docx", "bulletin_docx", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the monthly 法治政府建设工作通报 of the period (a month) as DOCX to this file.")
@click.option("--bulletin-pdf", "bulletin_pdf", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the monthly 通报 as PDF to this file.")
@click.option("--issue", type=click.IntRange(min=1), default=None, help="The 通报's 期号 (default: the month).")
@click.option("--issuer", default=None, help="The bureau issuing the 通报 (default: the …司法局 in the record).")
@database_option
def indicators_command(start: str, end: str, unit: str | None, as_json: bool, pdf_out: Path | None,
                       docx_out: Path | None, bulletin_docx: Path | None, bulletin_pdf: Path | None,
                       issue: int | None, issuer: str | None, database_url: str | None) -> None:
    """The 法治指数 indicators over a period, from the chained history only (DF-INDICATOR)."""
    engine = _engine(database_url)
    try:
        report = engine.indicators.report(start, end, unit)
        today = local_date(engine.clock.now())
    except DomainError as error:
        click.echo(f"{error.rule}: {error.message()}\n  {error.message('en')}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    from engine import indicator_annex, indicator_bulletin

    if bulletin_docx or bulletin_pdf:
        bulletin = indicator_bulletin.Bulletin(report, issuer or indicator_bulletin.default_issuer(report),
                                               issue or report.start.month, today)
        if bulletin_docx:
            bulletin_docx.write_bytes(indicator_bulletin.docx(bulletin))
        if bulletin_pdf:
            bulletin_pdf.write_bytes(indicator_bulletin.pdf(bulletin))
    if pdf_out:
        pdf_out.write_bytes(indicator_annex.pdf(report))
    if docx_out:
        docx_out.write_bytes(indicator_annex.docx(report))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    note = report.checkpoint
    named = f"（{report.unit_names.get(unit, unit)}）" if unit else ""
    click.echo(f"法治指数 {report.start} 至 {report.end}{named}")
    click.echo(f"依据检查点：{'第 ' + str(note.seq) + ' 号（' + str(note.at) + '）' if note.seq else '尚无检查点'}；"
               f"其后有新记录的程序 {len(note.moved_after)} 件，共计 {report.procedures} 件程序")
    for line in report.totals:
        figure = line.figure
        value = "—" if figure.value is None else f"{figure.value}{line.indicator.unit}"
        extra = f" ({figure.numerator}/{figure.denominator})" if figure.numerator is not None else ""
        flag = {True: " ✓", False: " ✗", None: ""}[line.meets]
        click.echo(f"{line.indicator.name_zh}：{value}{extra}{flag}  [{', '.join(line.indicator.rules)}]")
        for key, sub in figure.breakdown.items():
            click.echo(f"    {key}：{sub.value}")


@cli.group("indicator-facts")
def indicator_facts_group() -> None:
    """The indicator_facts projection the 法治指数 report reads (engine/indicator_facts.py)."""


@indicator_facts_group.command("rebuild")
@database_option
def indicator_facts_rebuild(database_url: str | None) -> None:
    """Fold every procedure's rows again from its events, in one transaction: run it after an indicator file
    under processes/indicators/ changed, then `decisionflow verify` finds the projection clean again."""
    engine = _engine(database_url)
    try:
        done = engine.indicators.rebuild_facts()
    except DomainError as error:  # a bad indicator file: nothing was written
        click.echo(f"{error.rule}: {error.message()}\n  {error.message('en')}", err=True)
        sys.exit(2)
    finally:
        engine.dispose()
    click.echo(f"indicator_facts rebuilt: {done.added + done.removed + done.changed} row(s) changed "
               f"({done.added} added, {done.removed} removed, {done.changed} changed); {done.rows} row(s) in all")

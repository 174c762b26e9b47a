"""The 法治指数 pages for leaders and the justice bureau: the report by period and unit, the 目标考核 ranking,
charts, and for every figure the list of procedures behind it (DF-INDICATOR).

The engine computes and checks who may see (engine/services/indicators.py); these views only translate.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext

from engine import indicator_annex, indicator_bulletin
from engine.domain.errors import Refused
from engine.services.indicators import READERS, Report
from engine.workdays import local_date
from webapp.auth import actor, requires
from webapp.charts import Bar, bars
from webapp.i18n import is_english, refusal
from webapp.pages.common import args_without, engine, per_page

bp = Blueprint("indicators", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def period() -> tuple[str, str, str | None]:
    """The period and unit asked for; by default this year up to today (local dates)."""
    today = local_date(engine().clock.now())
    start = request.args.get("from") or date(today.year, 1, 1).isoformat()
    end = request.args.get("to") or today.isoformat()
    return start, end, request.args.get("unit") or None


def _report() -> tuple[Report | None, dict[str, Any] | None]:
    start, end, unit = period()
    try:
        return engine().indicators.report(start, end, unit, actor=actor()), None
    except Refused as refused:  # Forbidden goes to the error page
        return None, refusal(refused)


def name(line: Any) -> str:
    return line.indicator.name_en if is_english() else line.indicator.name_zh


def charts(report: Report) -> list[Any]:
    """Shares of the major decisions against their targets, and targets met per unit."""
    shares = [line for line in report.totals if line.indicator.unit == "%" and line.indicator.group == "重大行政决策"]
    made = [bars(report.totals[0].indicator.group if not is_english() else "Major decisions",
                 [Bar(name(line), line.figure.value, line.indicator.target_min) for line in shares], 100, "%",
                 (gettext("Actual"), gettext("Target")))]
    ranking = report.ranking()
    if ranking:
        made.append(bars("目标考核：达标项数" if not is_english() else "Targets met per unit",
                         [Bar(report.unit_names.get(unit, unit), float(met)) for unit, met, _ in ranking]))
    return made


def _grouping(formula: Any) -> tuple[str, str] | None:
    """The (definition, field) a count is broken down by, wherever it sits in the formula."""
    if isinstance(formula, dict):
        if isinstance(formula.get("by"), str) and isinstance(formula.get("definition"), str):
            return formula["definition"], formula["by"]
        for value in formula.values():
            if (found := _grouping(value)) is not None:
                return found
    return None


def breakdown_label(line: Any, key: str) -> str:
    """A breakdown key (a stored choice such as "lawful") under the label its form gives it (合法)."""
    grouping = _grouping(line.indicator.formula)
    if grouping is None or is_english():
        return key
    definition, field = grouping
    for form in engine().definitions.source(definition)[2].values():
        prop = (form.get("properties") or {}).get(field) if isinstance(form, dict) else None
        if isinstance(prop, dict) and key in (prop.get("x-labels") or {}):
            return str(prop["x-labels"][key])
    return key


@bp.get("/indicators")
@requires(*READERS)
def overview() -> Any:
    start, end, unit = period()
    report, error = _report()
    page = render_template("pages/indicators.html", report=report, error=error, start=start, end=end, unit=unit,
                           name=name, charts=charts(report) if report else [], breakdown_label=breakdown_label)
    return (page, 422) if error else page


@bp.get("/indicators/procedures")
@requires(*READERS)
def behind() -> Any:
    """The procedures behind one figure: of one indicator, in total or for one unit, or one breakdown key."""
    start, end, unit = period()
    report, error = _report()
    if error or report is None:
        return render_template("pages/indicators.html", report=None, error=error, start=start, end=end,
                               unit=unit, name=name, charts=[]), 422
    try:
        line = report.line(request.args.get("indicator", ""), request.args.get("of_unit") or None)
    except KeyError:
        abort(404)
    key = request.args.get("key")
    figure = line.figure.breakdown.get(key) if key else line.figure
    if figure is None:
        abort(404)
    after = request.args.get("after") or None
    found = report.behind(figure, after, per_page())
    return render_template("pages/indicator_procedures.html", report=report, line=line, figure=figure, key=key,
                           of_unit=request.args.get("of_unit"), start=start, end=end, unit=unit, name=name,
                           breakdown_label=breakdown_label, procedures=found.items, next=found.next,
                           query=args_without("after"), paged=bool(after))



@bp.get("/indicators/annex.<any(pdf, docx):kind>")
@requires(*READERS)
def annex(kind: str) -> Any:
    """The statistical annex (统计附表) of the period and unit, as PDF or DOCX (engine/indicator_annex.py)."""
    report, error = _report()
    if error or report is None:
        start, end, unit = period()
        return render_template("pages/indicators.html", report=None, error=error, start=start, end=end,
                               unit=unit, name=name, charts=[]), 422
    body = indicator_annex.pdf(report) if kind == "pdf" else indicator_annex.docx(report)
    mimetype = "application/pdf" if kind == "pdf" else DOCX
    filename = f"法治政府建设统计附表_{report.start}_{report.end}.{kind}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@bp.get("/indicators/bulletin.<any(pdf, docx):kind>")
@requires(*READERS)
def bulletin(kind: str) -> Any:
    """The monthly 法治政府建设工作通报 of one month (engine/indicator_bulletin.py), as PDF or DOCX."""
    today = local_date(engine().clock.now())
    month = request.args.get("month") or f"{today.year}-{today.month:02d}"
    try:
        start, end = indicator_bulletin.month_period(month)
        report = engine().indicators.report(start, end, None, actor=actor())
    except Refused as refused:  # a bad month names the field; nothing is computed
        first, last, unit = period()
        return render_template("pages/indicators.html", report=None, error=refusal(refused), start=first,
                               end=last, unit=unit, name=name, charts=[]), 422
    issue = request.args.get("issue", "")
    made = indicator_bulletin.Bulletin(
        report, request.args.get("issuer") or indicator_bulletin.default_issuer(report),
        int(issue) if issue.isdigit() and int(issue) > 0 else report.start.month, today)
    body = indicator_bulletin.pdf(made) if kind == "pdf" else indicator_bulletin.docx(made)
    filename = f"法治政府建设工作通报_{month}_第{made.issue}期.{kind}"
    return Response(body, mimetype="application/pdf" if kind == "pdf" else DOCX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})

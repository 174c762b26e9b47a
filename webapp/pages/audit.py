"""Auditors (审计/监督): every procedure, searchable; a procedure's timeline, path and integrity.

The diagram is an SVG drawn on the server from the definition's own diagram information,
so nothing loads from the internet and it prints. The integrity check recomputes the
whole history chain each time the page is shown.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from engine.clock import CST
from webapp import diagram, metrics
from webapp.auth import actor, requires
from webapp.pages.common import args_without, engine, page_args, pages, today
from webapp.pages.procedures import step_displays
from webapp.progress_text import blockers

bp = Blueprint("audit", __name__, url_prefix="/audit")
STATUSES = ("running", "completed", "withdrawn")


@bp.get("/")
@requires("auditor")
def search() -> Any:
    filters = {k: (request.args.get(k) or "").strip() for k in ("title", "org", "status", "from", "to")}
    page, size = page_args()
    total, views = engine().procedures.search(
        title=filters["title"] or None, sponsor_org=filters["org"] or None,
        status=filters["status"] if filters["status"] in STATUSES else None,
        started_from=_day_start(filters["from"]), started_before=_day_start(filters["to"], 1),
        limit=size, offset=(page - 1) * size)
    organisations = engine().accounts.organisations()
    return render_template("pages/audit_search.html", views=views, total=total, filters=filters,
                           organisations=organisations, statuses=STATUSES, page=page, pages=pages(total, size),
                           query=args_without("page"))


@bp.get("/procedures/<int:procedure_id>")
@requires("auditor")
def procedure(procedure_id: int) -> Any:
    record = engine().record.procedure(actor(), procedure_id)
    report = engine().history.verify(procedure_id)
    metrics.verification(report.ok)
    current = {i.spec for i in record.procedure.open_items} | {t.spec for t in record.procedure.timers}
    svg = diagram.render_svg(record.bpmn, done=record.done_specs - current, current=current)
    return render_template("pages/audit_procedure.html", record=record, report=report,
                           diagram=Markup(svg), steps=step_displays(record),  # noqa: S704 - escaped by render_svg
                           blockers=blockers(record.procedure, today()))


@bp.get("/procedures/<int:procedure_id>/archive.zip")
@requires("auditor")
def archive(procedure_id: int) -> Response:
    """The sealed decision archive (决策档案), verifiable offline with the verify.py inside it."""
    data = engine().archive.export(actor(), procedure_id)
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="decision-archive-{procedure_id}.zip"'
    response.headers["X-Content-SHA256"] = hashlib.sha256(data).hexdigest()
    return response


def _day_start(value: str, plus_days: int = 0) -> datetime | None:
    """The start of a local day (or the next one), from YYYY-MM-DD; anything else is no filter."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=plus_days), time(0), tzinfo=CST)

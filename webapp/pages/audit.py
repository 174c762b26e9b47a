"""Auditors (审计/监督): every procedure, searchable; a procedure's timeline, path and integrity;
the administration log (DF-AUDIT) with its own integrity check.

The diagram is an SVG drawn on the server from the definition's own diagram information,
so nothing loads from the internet and it prints. The integrity check recomputes the
whole history chain each time the page is shown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import lazy_gettext
from markupsafe import Markup

from engine.clock import CST
from engine.domain import inputs, stages
from engine.domain.errors import FormInvalid
from engine.services.procedures import COUNT_LIMIT
from webapp import diagram, metrics
from webapp.auth import actor, requires
from webapp.downloads import download
from webapp.pages.common import args_without, engine, page_args, per_page, today
from webapp.pages.procedures import stage_board, step_displays
from webapp.progress_text import blockers

bp = Blueprint("audit", __name__, url_prefix="/audit")
STATUSES = ("running", "completed", "withdrawn")
ADMIN_KINDS = {
    "login": lazy_gettext("Login"),
    "login_failed": lazy_gettext("Failed login"),
    "lockout": lazy_gettext("Account locked"),
    "password_changed": lazy_gettext("Password changed"),
    "roles_changed": lazy_gettext("Roles changed"),
    "grant_requested": lazy_gettext("Role grant asked for"),
    "grant_approved": lazy_gettext("Role grant approved"),
    "grant_rejected": lazy_gettext("Role grant rejected"),
    "active_changed": lazy_gettext("Account enabled or disabled"),
    "user_changed": lazy_gettext("User details changed"),
    "user_created": lazy_gettext("User created"),
    "organisation_created": lazy_gettext("Organisation created"),
    "role_defined": lazy_gettext("Role defined"),
    "accounts_baseline": lazy_gettext("Accounts baseline recorded"),
    "migration_proposed": lazy_gettext("Migration proposed"),
    "migration_decided": lazy_gettext("Migration decided"),
    "migration_results": lazy_gettext("Migration results recorded"),
    "document_generated": lazy_gettext("Official document generated"),
    "token_issued": lazy_gettext("API token issued"),
    "token_revoked": lazy_gettext("API token revoked"),
    "definition_deployed": lazy_gettext("Process definition deployed"),
    "catalogue_loaded": lazy_gettext("Decision catalogue loaded"),
}
LOGIN_REFUSALS = {
    "unknown_user": lazy_gettext("unknown user"),
    "wrong_password": lazy_gettext("wrong password"),
    "locked": lazy_gettext("account locked"),
    "inactive": lazy_gettext("account disabled"),
}


@bp.get("/")
@requires("auditor")
def search() -> Any:
    filters = {k: (request.args.get(k) or "").strip() for k in ("title", "org", "status", "from", "to")}
    page, size = page_args()
    after = request.args.get("after") or None
    total, found = engine().procedures.search_page(
        title=filters["title"] or None, sponsor_org=filters["org"] or None,
        status=filters["status"] if filters["status"] in STATUSES else None,
        started_from=_day_start("from", filters["from"]), started_before=_day_start("to", filters["to"], 1),
        limit=size, offset=(page - 1) * size, after=after)
    organisations = engine().accounts.organisations()
    query = {k: v for k, v in request.args.items() if k not in ("page", "after")}
    return render_template("pages/audit_search.html", views=found.items, total=total,
                           count_limit=COUNT_LIMIT, filters=filters,
                           organisations=organisations, statuses=STATUSES, next=found.next, query=query,
                           paged=bool(after) or page > 1)


@bp.get("/procedures/<id:procedure_id>")
@requires("auditor")
def procedure(procedure_id: int) -> Any:
    record = engine().record.procedure(actor(), procedure_id)
    report = engine().history.verify(procedure_id)
    metrics.verification(report.ok)
    current = {i.spec for i in record.procedure.open_items} | {t.spec for t in record.procedure.timers}
    svg = diagram.render_svg(record.bpmn, done=record.done_specs - current, current=current)
    return render_template("pages/audit_procedure.html", record=record, report=report,
                           diagram=Markup(svg),  # noqa: S704 - escaped by render_svg
                           steps=step_displays(record), stages=stage_board(record),
                           migrations=stages.migrations(record.events), blockers=blockers(record.procedure, today()))


@bp.get("/admin-log")
@requires("auditor")
def admin_log() -> Any:
    """The administration log, newest first, a keyset page at a time after `after` (issue 21), of the kind
    chosen, and the result of recomputing its newest entries up to the head (`verify_recent`): a view's cost
    is bounded by the page, not the log, so there is no count of all entries either."""
    kind = request.args.get("kind") or None
    kind = kind if kind in ADMIN_KINDS else None
    size = per_page() or int(current_app.config["PAGE_SIZE"])  # the page's size before it was keyset-paged
    entries = engine().adminlog.events_page(actor(), kind=kind, after=request.args.get("after"), limit=size)
    return render_template("pages/admin_log.html", entries=entries, report=engine().adminlog.verify_recent(),
                           kind=kind, kinds=ADMIN_KINDS, refusals=LOGIN_REFUSALS, query=args_without("after"),
                           paged=bool(request.args.get("after")))


@bp.get("/procedures/<id:procedure_id>/archive.zip")
@requires("auditor")
def archive(procedure_id: int) -> Response:
    """The sealed decision archive (决策档案), verifiable offline with the verify.py inside it."""
    data = engine().archive.export(actor(), procedure_id)
    return download(data, f"decision-archive-{procedure_id}.zip", mimetype="application/zip")


def _day_start(field: str, value: str, plus_days: int = 0) -> datetime | None:
    """The start of a local day (or the next one), from YYYY-MM-DD; empty is no filter, and a value that
    is not a date the engine accepts (engine.domain.inputs) is refused naming the field."""
    if not value:
        return None
    problem = inputs.date_problem(value)
    if problem:
        raise FormInvalid(field=field, problem=problem[0], problem_zh=problem[1])
    return datetime.combine(date.fromisoformat(value) + timedelta(days=plus_days), time(0), tzinfo=CST)

"""/api/v1/procedures: start, search, read, withdraw; history events, verification, documents."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from engine.clock import CST
from engine.services.procedures import COUNT_LIMIT
from webapp import metrics
from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import (
    CursorArgs,
    EventSchema,
    ProcedurePageSchema,
    ProcedureQuerySchema,
    ProcedureSchema,
    ProcedureStartSchema,
    VerifySchema,
    WithdrawSchema,
)
from webapp.downloads import download
from webapp.pages.common import engine

bp = Blueprint("api_procedures", __name__, url_prefix="/api/v1/procedures",
               description="Procedures: the running and ended instances of a definition, with their history")
bp.before_request(access.authenticate)
@bp.post("/")
@bp.arguments(ProcedureStartSchema)
@bp.response(201, ProcedureSchema)
@errors(bp, 403, 404, 422)
def start(body: dict[str, Any]) -> Any:
    """Start a procedure on the latest version of a definition, sponsored by the caller's unit."""
    actor = access.actor()
    return engine().procedures.start(body["definition"], body["title"], body.get("sponsor_org", actor.org), actor,
                                     body["facts"])


@bp.get("/")
@bp.arguments(ProcedureQuerySchema, location="query")
@bp.response(200, ProcedurePageSchema)
@errors(bp, 403, 422)
def search(query: dict[str, Any]) -> Any:
    """Procedures the caller may see, newest first: all for auditors and the decision organ,
    otherwise the caller's own unit's; none for administrators (403, DF-ADMIN-SEPARATION).
    Pass the page's `next` as `after` for the following page (keyset: its cost does not grow with the
    page number); `page` still works and costs the rows it skips."""
    page, per_page = query["page"], query["per_page"]
    total, found = engine().procedures.search_visible_page(
        access.actor(), title=query.get("title"), sponsor_org=query.get("sponsor_org"), status=query.get("status"),
        started_from=_day(query.get("started_from")), started_before=_day(query.get("started_before")),
        limit=per_page, offset=(page - 1) * per_page, after=query.get("after"))
    return {"total": min(total, COUNT_LIMIT), "total_exact": total <= COUNT_LIMIT, "page": page, "per_page": per_page,
            "items": found.items, "next": found.next}


@bp.get("/<id:procedure_id>")
@bp.response(200, ProcedureSchema)
@errors(bp, 403, 404)
def get(procedure_id: int) -> Any:
    """One procedure with its open steps and running statutory periods."""
    return engine().record.procedure(access.actor(), procedure_id).procedure


@bp.post("/<id:procedure_id>/withdraw")
@bp.arguments(WithdrawSchema)
@bp.response(200, ProcedureSchema)
@errors(bp, 403, 404, 422)
def withdraw(body: dict[str, Any], procedure_id: int) -> Any:
    """End a running procedure as withdrawn, with the reason (the decision organ only)."""
    return engine().procedures.withdraw(procedure_id, access.actor(), body["reason"])


@bp.get("/<id:procedure_id>/events")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, EventSchema(many=True))
@errors(bp, 403, 404, 422)
def events(args: dict[str, Any], procedure_id: int) -> Any:
    """The chained history, in order; each event's hash covers the one before. A page of `per_page` (50);
    when there are more, a `Link: <…?after=…>; rel="next"` header names the next."""
    page = engine().record.events(access.actor(), procedure_id, args.get("after"), args["per_page"])
    return linked(page, "api_procedures.events", procedure_id=procedure_id, per_page=args["per_page"])


@bp.get("/<id:procedure_id>/verify")
@bp.response(200, VerifySchema)
@errors(bp, 403, 404)
def verify(procedure_id: int) -> Any:
    """Recompute the history chain; `first_bad_seq` names the first event that does not match."""
    report = engine().record.verify(access.actor(), procedure_id)
    metrics.verification(report.ok)
    return report


@bp.get("/<id:procedure_id>/documents/<string:sha256>")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
             headers={"X-Content-SHA256": {"description": "SHA-256 of the content", "schema": {"type": "string"}}})
@errors(bp, 403, 404)
def document(procedure_id: int, sha256: str) -> Response:
    """A document of the procedure, as stored; the SHA-256 is in `X-Content-SHA256`."""
    doc = engine().record.document(access.actor(), procedure_id, sha256)
    return download(doc.content, doc.filename, doc.sha256)


def _day(value: date | None) -> datetime | None:
    return datetime.combine(value, time(0), tzinfo=CST) if value else None

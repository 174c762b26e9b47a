"""/api/v1/migrations: migrate running procedures to another definition version (issue 24, DF-MIGRATE-*).

The dry run (`POST /check`) returns the proof per procedure in Chinese and English; a proposal
(`POST /`) comes from the legality review office with its reason and is carried out when another
authorised person approves it (`POST /{id}/approve`). The plan is the JSON of docs/migration.md;
the service checks every field of it and names the one at fault.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import CursorArgs, Strict, text
from webapp.pages.common import engine

bp = Blueprint("api_migrations", __name__, url_prefix="/api/v1/migrations",
               description="Migrating running procedures to another definition version, proven lawful (four eyes)")
bp.before_request(access.authenticate)


class PlanBodySchema(Strict):
    plan = fields.Dict(required=True, metadata={"description": "key, source_version, target_version, mapping, "
                                                "redo, timer_rules, procedures, sponsor_org (docs/migration.md)"})


class ProposeSchema(PlanBodySchema):
    reason = text(2000, required=True)


class FindingSchema(Schema):
    rule = fields.String(required=True)
    ok = fields.Boolean(required=True)
    en = fields.String(required=True)
    zh = fields.String(required=True)


class ReportSchema(Schema):
    procedure_id = fields.Integer(required=True)
    title = fields.String(required=True)
    lawful = fields.Boolean(required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)


class OutcomeSchema(Schema):
    procedure_id = fields.Integer(required=True)
    migrated = fields.Boolean(required=True)
    rule = fields.String(allow_none=True)
    message = fields.String(required=True)
    message_zh = fields.String(required=True)
    seq = fields.Integer(allow_none=True)


class ProposalSchema(Schema):
    id = fields.Integer(required=True)
    plan = fields.Method("_plan", required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True)
    proposed_by = fields.String(required=True)
    proposed_at = fields.DateTime(required=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    results = fields.List(fields.Nested(OutcomeSchema), required=True)

    def _plan(self, view: Any) -> dict[str, Any]:
        return view.plan.as_payload()


@bp.post("/check")
@bp.arguments(PlanBodySchema)
@bp.response(200, ReportSchema(many=True))
@errors(bp, 403, 422)
def check(body: dict[str, Any]) -> Any:
    """The dry run: per procedure, whether it may migrate lawfully and why (rule ids); changes nothing."""
    return [_report(r) for r in engine().migration.check(access.actor(), body["plan"])]


@bp.get("/")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, ProposalSchema(many=True))
@errors(bp, 403, 422)
def listing(args: dict[str, Any]) -> Any:
    """Migration proposals, newest first, with the per-procedure results of the approved ones.
    A page of `per_page` (50); when there are more, a `Link: <…?after=…>; rel="next"` header names the next."""
    page = engine().migration.proposals(access.actor(), after=args.get("after"), limit=args["per_page"])
    return linked(page, "api_migrations.listing", per_page=args["per_page"])


@bp.post("/")
@bp.arguments(ProposeSchema)
@bp.response(201, ProposalSchema)
@errors(bp, 403, 422)
def propose(body: dict[str, Any]) -> Any:
    """The legality review office proposes a plan with its reason; nothing migrates until another person approves."""
    return engine().migration.propose(access.actor(), body["plan"], body["reason"])


@bp.post("/<id:proposal_id>/approve")
@bp.response(200, ProposalSchema)
@errors(bp, 403, 404, 409)
def approve(proposal_id: int) -> Any:
    """A second authorised person approves: each procedure migrates in its own transaction, or is refused."""
    return engine().migration.approve(access.actor(), proposal_id)


@bp.post("/<id:proposal_id>/reject")
@bp.response(200, ProposalSchema)
@errors(bp, 403, 404, 409)
def reject(proposal_id: int) -> Any:
    """Reject a proposal: nothing migrates."""
    return engine().migration.reject(access.actor(), proposal_id)


def _report(report: Any) -> dict[str, Any]:
    return report.as_payload()

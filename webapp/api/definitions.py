"""/api/v1/definitions: list, read with the BPMN, check and deploy (administrators)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.services.views import DefinitionView
from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import (
    CheckResultSchema,
    CursorArgs,
    DefinitionQuerySchema,
    DefinitionSchema,
    DefinitionSourceSchema,
    DefinitionUploadSchema,
)
from webapp.pages.common import engine

bp = Blueprint("api_definitions", __name__, url_prefix="/api/v1/definitions",
               description="Process definitions (BPMN with their forms), by key and version")
bp.before_request(access.authenticate)


@bp.get("/")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, DefinitionSchema(many=True))
@errors(bp, 422)
def list_definitions(args: dict[str, Any]) -> Any:
    """Deployed versions, by key and version.
    A page of `per_page` (50); when there are more, a `Link: <…?after=…>; rel="next"` header names the next."""
    page = engine().definitions.list_page(args.get("after"), args["per_page"])
    return linked(page, "api_definitions.list_definitions", per_page=args["per_page"])


@bp.get("/<string:key>")
@bp.arguments(DefinitionQuerySchema, location="query")
@bp.response(200, DefinitionSourceSchema)
@errors(bp, 404, 422)
def get_definition(query: dict[str, Any], key: str) -> Any:
    """One version (the latest unless `version` is given) with its BPMN and forms."""
    view, bpmn, forms = engine().definitions.source(key, query.get("version"))
    return {**_plain(view), "bpmn": bpmn, "forms": forms}


@bp.post("/check")
@bp.arguments(DefinitionUploadSchema)
@bp.response(200, CheckResultSchema)
@errors(bp, 403, 422)
def check_definition(body: dict[str, Any]) -> Any:
    """The static compliance report of a definition; deploys nothing (administrators)."""
    analysis = engine().definitions.check_as(access.actor(), body["bpmn"].encode("utf-8"), body["forms"])
    compiled = analysis.compiled
    return {"ok": analysis.ok, "key": compiled.key if compiled else None, "statute": analysis.statute,
            "problems": [str(p) for p in analysis.problems], "rules_checked": analysis.rules_checked}


@bp.post("/")
@bp.arguments(DefinitionUploadSchema)
@bp.response(201, DefinitionSchema)
@errors(bp, 403, 422)
def deploy_definition(body: dict[str, Any]) -> Any:
    """Deploy: the same content returns the existing version; a change becomes version n+1."""
    return engine().definitions.deploy_as(access.actor(), body["bpmn"].encode("utf-8"), body["forms"])


def _plain(view: DefinitionView) -> dict[str, Any]:
    return {k: getattr(view, k) for k in ("id", "key", "version", "name", "sha256", "deployed_by", "deployed_at")}

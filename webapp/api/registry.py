"""/api/v1/registry: the registry of normative documents and the published clean-ups, for filing systems.

The same view as the public page (/public/normative-documents): number, title, validity, status,
filings, the last clean-up's decision and the incidental reviews asked in reconsideration cases
(ND-6 to ND-10). An API token is required, as everywhere in the API.

Both collections are keyset pages (issue 21): a page of `per_page` (50), the body a list as before; when
there are more, a `Link: <…?after=…>; rel="next"` header names the next page, as the inbox does.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import CleanupSchema, CursorArgs, RegistryEntrySchema
from webapp.pages.common import engine

bp = Blueprint("api_registry", __name__, url_prefix="/api/v1",
               description="The registry of normative documents (ND-6 to ND-10) and the published clean-ups (ND-9)")
bp.before_request(access.authenticate)


@bp.get("/registry")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, RegistryEntrySchema(many=True))
@errors(bp, 422)
def entries(args: dict[str, Any]) -> Any:
    """Registered normative documents, newest first, with their status as history leaves it: a page of
    `per_page`; a `Link: <…>; rel="next"` header names the next while there is one."""
    return linked(engine().registry.entries_page(args.get("after"), args["per_page"]), "api_registry.entries",
                  per_page=args["per_page"])


@bp.get("/registry/cleanups")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, CleanupSchema(many=True))
@errors(bp, 422)
def cleanups(args: dict[str, Any]) -> Any:
    """Published clean-ups with their continuing, to-be-amended, repealed and lapsed lists, newest first: a
    page of `per_page`; a `Link: <…>; rel="next"` header names the next while there is one."""
    return linked(engine().registry.cleanups_page(args.get("after"), args["per_page"]),
                  "api_registry.cleanups", per_page=args["per_page"])

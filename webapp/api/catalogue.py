"""/api/v1/catalogue and /api/v1/tokens: the decision catalogue, and the caller's API tokens."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import CatalogueItemSchema, CursorArgs, TokenSchema
from webapp.pages.common import engine

bp = Blueprint("api_catalogue", __name__, url_prefix="/api/v1",
               description="The year's decision catalogue (MD-3c) and the caller's API tokens")
bp.before_request(access.authenticate)


@bp.get("/catalogue/<int:year>")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, CatalogueItemSchema(many=True))
@errors(bp, 422)
def catalogue(args: dict[str, Any], year: int) -> Any:
    """The items of a year's decision catalogue by code, with their status (only published ones can be
    chosen). A page of `per_page` (50); when there are more, a `Link: <…?after=…>; rel="next"` header
    names the next."""
    if not 1900 <= year <= 9999:
        return []
    page = engine().catalogue.items_page(year, args.get("after"), args["per_page"])
    return linked(page, "api_catalogue.catalogue", year=year, per_page=args["per_page"])


@bp.get("/tokens")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, TokenSchema(many=True))
@errors(bp, 422)
def tokens(args: dict[str, Any]) -> Any:
    """The caller's tokens, newest first (never their secrets: those are shown once, when issued on the web page).
    A page of `per_page` (50); when there are more, a `Link: <…?after=…>; rel="next"` header names the next."""
    page = engine().tokens.mine(access.actor(), args.get("after"), args["per_page"])
    return linked(page, "api_catalogue.tokens", per_page=args["per_page"])


@bp.delete("/tokens/<id:token_id>")
@bp.response(200, TokenSchema)
@errors(bp, 404)
def revoke(token_id: int) -> Any:
    """Revoke one of the caller's tokens; it stops working at once."""
    return engine().tokens.revoke(access.actor(), token_id)

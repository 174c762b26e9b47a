"""/api/v1/registry: the registry of normative documents and the published clean-ups, for filing systems.

The same view as the public page (/public/normative-documents): number, title, validity, status,
filings, the last clean-up's decision and the incidental reviews asked in reconsideration cases
(ND-6 to ND-10). An API token is required, as everywhere in the API.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from webapp.api import access
from webapp.api.docs import errors
from webapp.api.schemas import CleanupSchema, RegistryEntrySchema
from webapp.pages.common import engine

bp = Blueprint("api_registry", __name__, url_prefix="/api/v1",
               description="The registry of normative documents (ND-6 to ND-10) and the published clean-ups (ND-9)")
bp.before_request(access.authenticate)


@bp.get("/registry")
@bp.response(200, RegistryEntrySchema(many=True))
@errors(bp)
def entries() -> Any:
    """Every registered normative document, newest first, with its status as history leaves it."""
    return engine().registry.entries()


@bp.get("/registry/cleanups")
@bp.response(200, CleanupSchema(many=True))
@errors(bp)
def cleanups() -> Any:
    """Every published clean-up with its continuing, to-be-amended, repealed and lapsed lists, newest first."""
    return engine().registry.cleanups()

"""/api/v1/checkpoints: the signed checkpoints of every chain head, for anyone to keep copies (DF-CHECKPOINT).

No token: a checkpoint holds ids, numbers and hashes only, and its worth is that many parties keep it.
Each file is served byte for byte as written, so a copy verifies with the public key alone
(docs/checkpoints.md). The list is a keyset page (issue 21): `per_page` (50) newest first, the body a list
as before, and a `Link: <…?after=…>; rel="next"` header while there are more.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from webapp.api.docs import DESCRIPTIONS, errors
from webapp.api.keyset import linked
from webapp.api.problems import MEDIA_TYPE
from webapp.api.schemas import CheckpointSchema, CursorArgs, ProblemSchema, SignedCheckpointSchema
from webapp.pages.common import engine

bp = Blueprint("api_checkpoints", __name__, url_prefix="/api/v1",
               description="Signed checkpoints of every history chain's head, public (DF-CHECKPOINT)")


@bp.get("/checkpoints")
@bp.doc(security=[])
@bp.arguments(CursorArgs, location="query")
@bp.response(200, CheckpointSchema(many=True))
@errors(bp, 422)
def listing(args: dict[str, Any]) -> Any:
    """Checkpoints, newest first: number, time, Merkle root and signing key. No token needed. A page of
    `per_page`; a `Link: <…>; rel="next"` header names the next while there is one."""
    page = engine().checkpoints.listing_page(args.get("after"), args["per_page"])
    return linked(page, "api_checkpoints.listing", per_page=args["per_page"])


@bp.get("/checkpoints/<int:checkpoint_seq>")
@bp.doc(security=[])
@bp.response(200, SignedCheckpointSchema)
@bp.alt_response(404, schema=ProblemSchema, description=DESCRIPTIONS[404], content_type=MEDIA_TYPE)
def signed(checkpoint_seq: int) -> Any:
    """One checkpoint's signed file, byte for byte as written: keep it, and check it with the public key."""
    return Response(engine().checkpoints.document(checkpoint_seq), mimetype="application/json")

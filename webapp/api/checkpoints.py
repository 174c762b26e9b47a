"""/api/v1/checkpoints: the signed checkpoints of every chain head, for anyone to keep copies (DF-CHECKPOINT).

No token: a checkpoint holds ids, numbers and hashes only, and its worth is that many parties keep it.
Each file is served byte for byte as written, so a copy verifies with the public key alone
(docs/checkpoints.md).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from webapp.api.docs import DESCRIPTIONS
from webapp.api.problems import MEDIA_TYPE
from webapp.api.schemas import CheckpointSchema, ProblemSchema, SignedCheckpointSchema
from webapp.pages.common import engine

bp = Blueprint("api_checkpoints", __name__, url_prefix="/api/v1",
               description="Signed checkpoints of every history chain's head, public (DF-CHECKPOINT)")


@bp.get("/checkpoints")
@bp.doc(security=[])
@bp.response(200, CheckpointSchema(many=True))
def listing() -> Any:
    """Every checkpoint, newest first: number, time, Merkle root and signing key. No token needed."""
    return engine().checkpoints.listing()


@bp.get("/checkpoints/<int:checkpoint_seq>")
@bp.doc(security=[])
@bp.response(200, SignedCheckpointSchema)
@bp.alt_response(404, schema=ProblemSchema, description=DESCRIPTIONS[404], content_type=MEDIA_TYPE)
def signed(checkpoint_seq: int) -> Any:
    """One checkpoint's signed file, byte for byte as written: keep it, and check it with the public key."""
    return Response(engine().checkpoints.document(checkpoint_seq), mimetype="application/json")

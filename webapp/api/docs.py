"""Documentation helpers: the error responses each operation declares, as problem+json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from webapp.api.problems import MEDIA_TYPE
from webapp.api.schemas import ProblemSchema

DESCRIPTIONS = {
    400: "The request could not be read (malformed JSON or form)",
    401: "No valid bearer token",
    403: "The user's role or separation of duties forbids this (rule and article in the body)",
    404: "Unknown id",
    409: "The procedure changed meanwhile (expected_version)",
    413: "An upload is over the size limit",
    422: "Refused: invalid input (fields named) or a procedural rule (rule and article)",
}


def errors(bp: Blueprint, *codes: int) -> Callable[[Any], Any]:
    """Declare problem+json responses for `codes` (400 and 401 are always possible)."""
    def decorate(view: Any) -> Any:
        for code in sorted({400, 401, *codes}, reverse=True):
            view = bp.alt_response(code, schema=ProblemSchema, description=DESCRIPTIONS[code],
                                   content_type=MEDIA_TYPE)(view)
        return view
    return decorate

"""The request-size limit, enforced at the edge: 413 before a byte of the body is read.

Flask's MAX_CONTENT_LENGTH defaults to None (no limit), so the app sets it from the engine's
document limit: a step may carry several documents, so a request may be a few times one
document, plus room for the form. A request that declares a larger Content-Length is refused
by the first hook of the app, before the session, the login check or CSRF parse anything; a
chunked request without a length is cut off by werkzeug's LimitedStream at the same number, so
memory stays bounded either way. One document over the engine's own limit is a 413 too
(DocumentTooLarge, webapp/errors.py), naming the field.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

DOCUMENTS_PER_REQUEST = 4
"""How many documents of the largest size one request may carry (steps upload one to three)."""
FORM_ALLOWANCE = 1024 * 1024
"""Room for the form fields beside the documents."""


def megabytes(size: int) -> str:
    """A byte count as the MB people read: 52428800 → "50"."""
    return f"{size / (1024 * 1024):g}"


def init_app(app: Flask, max_document_bytes: int) -> None:
    """Set MAX_CONTENT_LENGTH (unless configured) and refuse larger requests before reading them."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = max_document_bytes * DOCUMENTS_PER_REQUEST + FORM_ALLOWANCE
    app.jinja_env.globals["max_document_mb"] = megabytes(max_document_bytes)  # stated beside every file input

    def refuse_oversized_requests() -> None:
        limit = app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None and request.content_length > limit:
            raise RequestEntityTooLarge(f"the request is {request.content_length} bytes; at most {limit} are accepted")

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_oversized_requests)

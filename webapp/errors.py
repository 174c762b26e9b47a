"""Refusals and HTTP errors as pages: the engine's class decides the status (STYLE.md table).

An unexpected failure is a 500 with a correlation id: a random id in the answer (problem+json
for the API, the error page otherwise) and in the log line that carries the traceback, so a
user's report finds the cause without the answer revealing it.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.domain.errors import (
    Conflict,
    DocumentAltered,
    DocumentTooLarge,
    DomainError,
    Forbidden,
    NotFound,
    Refused,
)
from webapp import limits
from webapp.api import problems
from webapp.i18n import refusal

STATUS: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403, Conflict: 409,
                                       DocumentTooLarge: 413, Refused: 422, DocumentAltered: 500}
"""The first class an error is an instance of decides its status: a subclass stands before its base.
An altered document (DF-INTEGRITY) is a 500: the stored record is damaged, not the user's request."""

TITLES = {
    400: lazy_gettext("The request could not be accepted"),
    403: lazy_gettext("You may not do this"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Someone else changed this in the meantime"),
    413: lazy_gettext("The upload is too large"),
    422: lazy_gettext("Refused"),
    429: lazy_gettext("Too many attempts; wait a little and try again"),
    500: lazy_gettext("Something went wrong on our side"),
}


def status_of(error: DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(error, cls)), 422)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        status = status_of(error)
        if problems.is_api_request():
            return problems.from_domain(error, status)
        return render_template("error.html", status=status, title=TITLES.get(status),
                               refusal=refusal(error)), status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if problems.is_api_request():
            return problems.from_http(error)
        if request.method == "POST" and request.form and request.blueprint != "auth":
            from webapp.pages.auth import keep_input

            return keep_input(400)
        return render_template("error.html", status=400, title=TITLES[400], detail=error.description), 400

    for code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429):
        app.register_error_handler(code, _http_error(code))
    app.register_error_handler(Exception, unexpected)
    app.register_error_handler(InternalServerError, unexpected)


def _http_error(code: int) -> Any:
    def handle(error: HTTPException) -> Any:
        if problems.is_api_request():
            return problems.from_http(error)
        headers = problems.passed_headers(error)  # Allow on a 405, Retry-After, …
        if request.path.startswith("/healthz"):
            return {"status": code}, code, headers
        wait = limits.retry_after() if code == 429 else None
        detail = gettext("Try again in %(n)s seconds.", n=wait) if wait else None
        return render_template("error.html", status=code, title=TITLES.get(code), detail=detail), code, headers
    return handle


def unexpected(error: Exception) -> Any:
    """A 500 with a correlation id, logged with the traceback; tests and the debugger see the exception."""
    propagate = current_app.config["PROPAGATE_EXCEPTIONS"]
    if propagate or (propagate is None and (current_app.testing or current_app.debug)):
        raise error
    cause = getattr(error, "original_exception", None) or error
    incident = secrets.token_hex(8)
    current_app.logger.error("Unexpected error, correlation id %s, on %s %s", incident, request.method,
                             request.path, exc_info=cause)
    headers = {"X-Correlation-ID": incident}
    if problems.is_api_request():
        response = problems.respond(500, "Internal Server Error", correlation_id=incident,
                                    detail="Something went wrong on our side; quote the correlation id.")
        response.headers.update(headers)
        return response
    try:
        return render_template("error.html", status=500, title=TITLES[500], incident=incident), 500, headers
    except Exception:  # the page itself failed (a database gone away): the id still reaches the user
        current_app.logger.exception("The error page failed, correlation id %s", incident)
        return f"500 · correlation id {incident}", 500, {**headers, "Content-Type": "text/plain; charset=utf-8"}

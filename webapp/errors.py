"""Refusals and HTTP errors as pages: the engine's class decides the status (STYLE.md table)."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.domain.errors import Conflict, DocumentTooLarge, DomainError, Forbidden, NotFound, Refused
from webapp import limits
from webapp.api import problems
from webapp.i18n import refusal

STATUS: dict[type[DomainError], int] = {NotFound: 404, Forbidden: 403, Conflict: 409,
                                       DocumentTooLarge: 413, Refused: 422}
"""The first class an error is an instance of decides its status: a subclass stands before its base."""

TITLES = {
    400: lazy_gettext("The request could not be accepted"),
    403: lazy_gettext("You may not do this"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Someone else changed this in the meantime"),
    413: lazy_gettext("The upload is too large"),
    422: lazy_gettext("Refused"),
    429: lazy_gettext("Too many attempts; wait a little and try again"),
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
        return render_template("error.html", status=400, title=TITLES[400], detail=error.description), 400

    for code in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429):
        app.register_error_handler(code, _http_error(code))


def _http_error(code: int) -> Any:
    def handle(error: HTTPException) -> Any:
        if problems.is_api_request():
            return problems.from_http(error)
        if request.path.startswith("/healthz"):
            return {"status": code}, code
        wait = limits.retry_after() if code == 429 else None
        detail = gettext("Try again in %(n)s seconds.", n=wait) if wait else None
        return render_template("error.html", status=code, title=TITLES.get(code), detail=detail), code
    return handle

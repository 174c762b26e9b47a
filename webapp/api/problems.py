"""Errors of the API as `application/problem+json` (RFC 9457).

A refusal carries the engine's rule id and article and, for invalid input, the field
(and every field) it concerns; `title` is in the caller's language (Accept-Language:
zh-CN by default, en on request), `detail` always in English for logs.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from werkzeug.exceptions import HTTPException

from engine.domain.errors import DomainError, FormInvalid, StepNotReady

API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def language() -> str:
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else "zh_CN"


def respond(status: int, title: str, problem_type: str = "about:blank", **extra: Any) -> Response:
    body = {"type": problem_type, "title": title, "status": status, "instance": request.path,
            **{k: v for k, v in extra.items() if v is not None}}
    response = Response(json.dumps(body, ensure_ascii=False, default=str), status, mimetype=MEDIA_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="decisionflow"'
    return response


def from_domain(error: DomainError, status: int) -> Response:
    from webapp import metrics

    metrics.refusal(error.rule)
    errors = None
    if isinstance(error, FormInvalid) and error.context.get("errors"):
        key = "problem" if language() == "en" else "problem_zh"
        errors = [{"field": str(e.get("field")), "problem": str(e.get(key) or e.get("problem"))}
                  for e in error.context["errors"]]  # type: ignore[union-attr]
    order = {key: error.context[key] for key in ("missing", "waiting_for") if isinstance(error, StepNotReady)
             and error.context.get(key)}  # MD-39: what the step waits for
    entries = error.context.get("entries")  # a list refused: the entries missing, repeated or not known
    return respond(status, error.message(language()), f"/problems/{error.rule}", detail=error.message("en"),
                   rule=error.rule, article=error.article, field=error.field, errors=errors,
                   entries=entries if isinstance(entries, list) else None, **order)


def passed_headers(error: HTTPException) -> dict[str, str]:
    """The headers an HTTP error carries besides its content type: `Allow` on a 405 (RFC 9110 §15.5.6)."""
    return {name: value for name, value in error.get_headers() if name.lower() != "content-type"}


def from_http(error: HTTPException) -> Response:
    """Werkzeug's errors with their headers, and webargs' 422 with the fields marshmallow named."""
    status = error.code or 500
    errors = None
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(messages, dict):
        errors = [{"field": name, "problem": "; ".join(_flatten(problem))}
                  for location in messages.values() if isinstance(location, dict)
                  for name, problem in location.items()]
    title = error.name if status != 422 else "The request does not match the schema"
    response = respond(status, title, detail=error.description if status != 422 else None, errors=errors,
                       field=errors[0]["field"] if errors else None, rule="DF-FORM" if status == 422 else None)
    response.headers.update(passed_headers(error))
    return response


def _flatten(problem: Any) -> list[str]:
    if isinstance(problem, dict):
        return [f"{k}: {m}" for k, v in problem.items() for m in _flatten(v)]
    if isinstance(problem, list):
        return [m for item in problem for m in _flatten(item)]
    return [str(problem)]

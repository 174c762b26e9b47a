"""The edge of the web layer: what the app cannot read safely is refused before any view runs.

- **Framing** (RFC 9112 §6.3): a request with both Transfer-Encoding and Content-Length, or with a
  Transfer-Encoding that does not end in chunked, is answered 400 by WSGI middleware before its
  body is read: a proxy in front may have framed it differently (request smuggling). gunicorn
  refuses such a request itself; werkzeug's server would read the chunked body and pass the
  Content-Length on. The middleware keeps the app safe behind either.
- **JSON** nested deeper than MAX_JSON_DEPTH is 400: Python's parser, and every walk after it,
  would exhaust the stack on it.
- **Text of pages**: a query or form field holding text the engine does not store
  (engine.domain.inputs) is refused naming the field, before a view looks anything up with it.
  The API states the same rule in its schemas (webapp/api/schemas.py) and answers 422 from them.
- **Path segments**: the URL converters of webapp.ids, for pages and API alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from werkzeug import Response
from werkzeug.exceptions import BadRequest

from engine.domain.errors import FormInvalid
from engine.domain.inputs import unfit_text
from webapp.api.problems import API_PREFIX, MEDIA_TYPE
from webapp.ids import SegmentConverter

MAX_JSON_DEPTH = 64
AMBIGUOUS_FRAMING = "The request's length is ambiguous: Transfer-Encoding with Content-Length, or not ending in chunked"


def init_app(app: Flask) -> None:
    """Register before any blueprint: the converters apply to rules as they are added."""
    app.url_map.converters["default"] = app.url_map.converters["string"] = SegmentConverter
    app.wsgi_app = FramingGuard(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(refuse_unreadable_json)
    app.before_request(refuse_unfit_page_input)


class FramingGuard:
    """WSGI middleware: 400 for a request whose body length two parties could read differently."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        codings = [c.strip().lower() for c in environ.get("HTTP_TRANSFER_ENCODING", "").split(",") if c.strip()]
        if codings and (environ.get("CONTENT_LENGTH") or codings[-1] != "chunked"):
            return _framing_refused(environ)(environ, start_response)
        return self.app(environ, start_response)


def _framing_refused(environ: dict[str, Any]) -> Response:
    path = environ.get("PATH_INFO", "")
    if path.startswith(API_PREFIX):
        body = json.dumps({"type": "about:blank", "title": "Bad Request", "status": 400, "instance": path,
                           "detail": AMBIGUOUS_FRAMING})
        return Response(body, 400, mimetype=MEDIA_TYPE)
    page = ("<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>400</title>"
            f"<h1>请求无法接受 · The request could not be accepted</h1><p>{AMBIGUOUS_FRAMING}.</p></html>")
    return Response(page, 400, mimetype="text/html", headers={"X-Content-Type-Options": "nosniff"})


def load_json(data: str | bytes) -> Any:
    """json.loads, refusing with ValueError what is nested deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(f"nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def refuse_unreadable_json() -> None:
    """`before_request`: a JSON body must parse within MAX_JSON_DEPTH (400 naming why, otherwise)."""
    if not request.is_json or not request.content_length:
        return
    try:
        load_json(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The JSON body cannot be read: {error}") from None


def refuse_unfit_page_input() -> None:
    """`before_request` of pages: every query and form field, and every upload's file name, holds fit text."""
    if request.path.startswith(API_PREFIX):
        return
    fields = [*request.args.items(multi=True), *request.form.items(multi=True),
              *((f"{name}.filename", upload.filename or "") for name, upload in request.files.items(multi=True))]
    for name, value in fields:
        for field, problem, problem_zh in unfit_text({name: value}, ""):
            raise FormInvalid(field=field, problem=problem, problem_zh=problem_zh)

"""/api/v1/tasks: the caller's inbox, claiming a step, completing it with data and documents.

`complete` takes JSON (`{"data": {...}, "expected_version": n}`) or multipart/form-data:
a `data` part holding that JSON object, an optional `expected_version`, and one file part
per document field (`experts.0.declaration` for a document inside a row). An optional
`procedure_id` names the step's procedure: a step of it not open yet is then refused with
the steps still missing before it (MD-39), to a caller who may see the procedure.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError, fields, validate

from engine.services.tasks import Upload
from webapp.api import access
from webapp.api.docs import errors
from webapp.api.keyset import linked
from webapp.api.schemas import CompleteSchema, CursorArgs, StepResultSchema, WorkItemSchema
from webapp.downloads import download
from webapp.inputs import load_json
from webapp.pages.common import engine

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1/tasks",
               description="Steps: the caller's open work, claimed and completed one at a time")
bp.before_request(access.authenticate)

_COMPLETE_DOC = {
    "requestBody": {"required": True, "content": {
        "application/json": {"schema": "CompleteSchema"},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["data"],
            "properties": {"data": {"type": "object", "description": "the step's data: a JSON object"},
                           "expected_version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                           "procedure_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
            "additionalProperties": {"type": "string", "format": "binary"}},
            "encoding": {"data": {"contentType": "application/json"}}}}},
}


@bp.get("/")
@bp.arguments(CursorArgs, location="query")
@bp.response(200, WorkItemSchema(many=True))
@errors(bp, 403, 422)
def inbox(args: dict[str, Any]) -> Any:
    """Open steps the caller may do, soonest deadline first; administrators have none (403, DF-ADMIN-SEPARATION).
    A page of `per_page` (50); when there are more, a `Link: <…?after=…>; rel="next"` header names the next."""
    page = engine().tasks.inbox_page(access.actor(), args.get("after"), args["per_page"])
    return linked(page, "api_tasks.inbox", per_page=args["per_page"])


class ClaimArgs(Schema):
    procedure_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1),
                                  metadata={"description": "the step's procedure: a step of it not open yet is "
                                            "refused naming the statutory steps still missing before it"})


@bp.post("/<string:task_id>/claim")
@bp.arguments(ClaimArgs, location="query")
@bp.response(200, WorkItemSchema)
@errors(bp, 403, 404, 422)
def claim(args: dict[str, Any], task_id: str) -> Any:
    """Take a step, so colleagues with the same role see it is being handled."""
    return engine().tasks.claim(task_id, access.actor(), procedure_id=args.get("procedure_id"))


@bp.post("/<string:task_id>/complete")
@bp.doc(**_COMPLETE_DOC)
@bp.response(200, StepResultSchema)
@errors(bp, 403, 404, 409, 413, 422)
def complete(task_id: str) -> Any:
    """Complete a READY step: every check runs first, and a refusal changes nothing."""
    data, expected, uploads, procedure_id = _body()
    return engine().tasks.complete(task_id, access.actor(), data, uploads, expected_version=expected,
                                   procedure_id=procedure_id)


@bp.post("/<string:task_id>/documents/<string:kind>.<string:fmt>")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
             headers={"X-Content-SHA256": {"description": "SHA-256 of the content", "schema": {"type": "string"}}})
@errors(bp, 403, 404, 422)
def document(task_id: str, kind: str, fmt: str) -> Response:
    """The step's official document (`kind`, e.g. `legality_opinion`) generated from the record and the
    caller's draft, as `docx` or `pdf` in the layout of GB/T 9704; the generation is logged with its hash."""
    made = engine().official.generate(access.actor(), task_id, kind, fmt)
    return download(made.content, made.filename, made.sha256, made.media_type)


def _body() -> tuple[dict[str, Any], int | None, dict[str, Upload], int | None]:
    if request.mimetype == "multipart/form-data":
        try:
            posted = {"data": load_json(request.form.get("data", "null"))}
        except ValueError as error:
            abort(422, messages={"form": {"data": [f"not JSON: {getattr(error, 'msg', error)}"]}})
        for name in ("expected_version", "procedure_id"):
            if request.form.get(name):
                posted[name] = request.form[name]
        uploads = {name: Upload(f.filename or name, f.mimetype or "application/octet-stream", f.read())
                   for name, f in request.files.items()}
    else:
        posted, uploads = request.get_json(silent=True), {}
        if not isinstance(posted, dict):
            abort(422, messages={"json": {"data": ["a JSON object with a data field is required"]}})
    try:
        body = CompleteSchema().load(posted)
    except ValidationError as error:
        abort(422, messages={"json": error.messages})
    return body["data"], body.get("expected_version"), uploads, body.get("procedure_id")

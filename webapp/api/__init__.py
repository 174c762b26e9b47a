"""The REST API at /api/v1 (flask-smorest): the same services as the pages, behind bearer tokens.

The services decide (roles, separation of duties, the law's order); the API only
translates requests into calls and refusals into problem+json. The OpenAPI document is
at /api/v1/openapi.json and a reference page drawn from it at /api/v1/docs, served from
this app alone: nothing loads from a CDN.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from webapp.api.problems import MEDIA_TYPE
from webapp.api.schemas import ProblemSchema
from webapp.extensions import csrf
from webapp.ids import IdConverter, SegmentConverter, openapi_schema, segment_schema

API_CONFIG = {
    "API_TITLE": "DecisionFlow API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "重大行政决策程序引擎 — the statutory procedure of major administrative decisions. "
                                "Authenticate with `Authorization: Bearer df_…` (tokens are issued on the web page "
                                "账户 › API 令牌). Errors are application/problem+json (RFC 9457) with the rule id "
                                "and article of every refusal."},
        "security": [{"bearerAuth": []}],
    },
}


class ProblemApi(Api):
    """flask-smorest's Api with every error response documented as problem+json (RFC 9457)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = ProblemSchema
                prepare_response(response, self.spec, MEDIA_TYPE)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as problem+json", "schema": ProblemSchema}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _with_limits(app: Flask) -> dict[str, Any]:
    """The spec options with this deployment's size and type limits stated, so a client knows them in advance."""
    from engine import doctypes
    from webapp.body_limit import megabytes

    document = app.extensions["decisionflow"].settings.max_document_bytes
    request_limit = app.config["MAX_CONTENT_LENGTH"]
    limits = (f" Limits: a request body of at most {request_limit} bytes is read (a larger one is answered 413 "
              f"before it is read); each document at most {document} bytes ({megabytes(document)} MB; 413 naming "
              f"its field), of the types {', '.join(doctypes.labels())}, recognised by their content, not their "
              "name (a form may narrow a slot with `x-accept`; GET /definitions/{key} serves the forms).")
    options = dict(app.config["API_SPEC_OPTIONS"])
    info = dict(options.get("info", {}))
    info["description"] = info.get("description", "") + limits
    info["x-max-request-bytes"], info["x-max-document-bytes"] = request_limit, document
    options["info"] = info
    return options


def init_app(app: Flask) -> Api:
    from webapp.api import catalogue, checkpoints, definitions, indicators, migrations, procedures, registry, tasks

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.config["API_SPEC_OPTIONS"] = _with_limits(app)
    api = ProblemApi(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_converter(IdConverter, openapi_schema)
    api.register_converter(SegmentConverter, segment_schema)
    for module in (definitions, procedures, tasks, catalogue, registry, checkpoints, indicators, migrations):
        csrf.exempt(module.bp)  # bearer tokens, no cookies: nothing for a forged request to ride on
        api.register_blueprint(module.bp)
    reference = Blueprint("api_reference", __name__)

    @reference.get("/api/v1/docs")
    def docs() -> Any:
        return render_template("api_reference.html", spec=api.spec.to_dict())

    app.register_blueprint(reference)
    return api

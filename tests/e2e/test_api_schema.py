"""The API held to its own OpenAPI document: schemathesis against the live app on loopback.

Every operation, DELETE included, is exercised with generated requests (a bounded number each,
valid and invalid) by a user who holds many content roles (not admin: deploying answers the 403 the
document declares), over a seeded database with a procedure that has documents. No response may be a
5xx, and every response must be declared: its status, content type and body schema. A request the
document calls valid must not be refused for its shape: the document states every limit the server
applies (lengths, ranges, enums, the text and date patterns of engine.domain.inputs), so only the
engine's procedural refusals may answer it 422.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.demo_procedures import Driver, drive

REVOKE = "DELETE /api/v1/tokens/{token_id}"
TOKEN: dict[str, Any] = {}


@schemathesis.check
def valid_requests_are_not_refused_for_their_shape(ctx, response, case):  # type: ignore[no-untyped-def]
    """Positive data: no 400, and no 422 of the schema layer (problem type about:blank). A 422 of the
    engine (type /problems/<rule>) is a procedural refusal the document cannot state."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    refused_for_shape = response.status_code == 400 or (
        response.status_code == 422 and response.json().get("type") == "about:blank")
    if refused_for_shape:
        raise AssertionError(f"{case.operation.label}: valid by the OpenAPI document, refused "
                             f"{response.status_code}: {response.text[:400]}")
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          valid_requests_are_not_refused_for_their_shape]


@pytest.fixture
def api_schema(server, e2e_engine, clock):  # type: ignore[no-untyped-def]
    people = e2e_engine.people
    fuzzer = people.ensure_user("fuzzer", "dev_reform", ["sponsor", "auditor", "decision_organ", "legal_adviser"],
                                "模糊测试")  # not admin too: an administrator holds no other role (DF-ADMIN-SEPARATION)
    view = e2e_engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", fuzzer)
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "review")
    issued = e2e_engine.tokens.issue(fuzzer, "schemathesis")
    TOKEN.update(value=issued.secret, id=issued.token.id,
                 revocable=lambda: e2e_engine.tokens.issue(fuzzer, "schemathesis-revocable").token.id)
    return schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_documented(case):  # type: ignore[no-untyped-def]
    if case.operation.label == REVOKE and (case.meta.generation.mode.is_positive
                                           or str(case.path_parameters.get("token_id")) == str(TOKEN["id"])):
        case.path_parameters["token_id"] = TOKEN["revocable"]()  # a fresh token to revoke, never the caller's
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN['value']}"}, checks=CHECKS)

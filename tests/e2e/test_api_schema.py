"""The API held to its own OpenAPI document: schemathesis against the live app on loopback.

Every operation is exercised with generated requests (a bounded number each) by a user who
holds many content roles (not admin: deploying answers the 403 the document declares), over a
seeded database with a procedure that has documents. No response may be a 5xx, and every response
must be declared: its status, content type and body schema.
"""

from __future__ import annotations

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

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
TOKEN: dict[str, str] = {}


@pytest.fixture
def api_schema(server, e2e_engine, clock):  # type: ignore[no-untyped-def]
    people = e2e_engine.people
    fuzzer = people.ensure_user("fuzzer", "dev_reform", ["sponsor", "auditor", "decision_organ", "legal_adviser"],
                                "模糊测试")  # not admin too: an administrator holds no other role (DF-ADMIN-SEPARATION)
    view = e2e_engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", fuzzer)
    drive(Driver(e2e_engine, clock, view.id), "sponsor", "2026-05", "review")
    TOKEN["value"] = e2e_engine.tokens.issue(fuzzer, "schemathesis").secret
    return schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_documented(case):  # type: ignore[no-untyped-def]
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN['value']}"}, checks=CHECKS)

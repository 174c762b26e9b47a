"""The fixtures' statute: tests/fixtures/*.bpmn declare `statute="fixture"`.

The fixtures are small procedures with statutory step kinds (a draft, its legality review,
the deliberation) but without the whole of a statute's order, so they cannot pass a real
profile. The tests register a statute of their own with no ordering rules and the major
decision's roles per step kind; production knows no such statute, so it deploys nowhere else.
"""

from __future__ import annotations

from engine.bpmn import profiles

FIXTURE = "fixture"
ORDERED = "fixture_ordered"
"""A test statute with one ordering rule of the real profile (MD-25b), for migration tests."""
TEST_STATUTES = frozenset({FIXTURE, ORDERED})
"""Statutes only the tests register: never a statute of the law."""


def register() -> None:
    profiles.PROFILES.setdefault(FIXTURE, ())
    profiles.STEP_ROLES.setdefault(FIXTURE, profiles.STEP_ROLES["major_decision"])

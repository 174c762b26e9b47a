"""The statutes' compliance profiles, gathered from their homes (engine/statutes/<statute>/profile.py).

A process declares its statute with `spiffworkflow:property name="statute"`; deploy
and `decisionflow check` then refuse it unless every rule of that statute holds on
every path, each step is a step kind of its statute in a lane of a role the statute names for it,
and its timers and due dates name only dates the statute's guards compute.

Each profile declares `CHECKS` (the ordering rules every path of a definition declaring the statute
must satisfy), `STEP_ROLES` (the roles whose lane may hold each statutory step), `FORM_PREFIX` (the
prefix of its forms), `TIMER_DATES` and `DUE_DATES` (the dates its guards compute that a timeDate or a
step's `due_from` may name) and `DUTIES` (the steps one person never does both of in one procedure:
separation of duties, gathered by engine/domain/duties.py).
"""

from __future__ import annotations

from engine.bpmn.compliance import Check
from engine.domain.known_facts import Staff
from engine.statutes import modules

_PROFILES = {module.__name__.split(".")[2]: module for module in modules("profile")}

PROFILES: dict[str, tuple[Check, ...]] = {statute: profile.CHECKS for statute, profile in _PROFILES.items()}
"""Statute → the ordering rules every path of its definitions satisfies."""

NOT_STATUTORY = "none"
"""`statute="none"`: a definition that runs no statutory procedure (generic steps and forms only)."""

STEP_ROLES: dict[str, dict[str, frozenset[str]]] = {
    statute: profile.STEP_ROLES for statute, profile in _PROFILES.items()}
"""Statute → the statutory step kinds it has → the roles whose lane may hold each (regulation.md's
glossary: the sponsoring unit drafts, the justice bureau reviews legality, the organ's meeting decides…).
A kind its statute does not list is not a step of that procedure; `generic` steps go in any lane."""

FORM_PREFIXES: dict[str, str] = {statute: profile.FORM_PREFIX for statute, profile in _PROFILES.items()}
"""Statute → the prefix of its forms (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: dict[str, frozenset[str]] = {
    statute: profile.TIMER_DATES for statute, profile in _PROFILES.items() if profile.TIMER_DATES}
"""Statute → the dates its guards compute (engine/statutes/<statute>/guards.py) that a timeDate may name."""

STAFF: dict[str, tuple[Staff, ...]] = {
    form: staff for profile in _PROFILES.values() for form, staff in getattr(profile, "STAFF", {}).items()}
"""Form → the people it names who must be the registry's (engine/domain/known_facts.py `Staff`)."""

TRIGGERS: dict[str, dict[str, str]] = {
    statute: getattr(profile, "TRIGGERS", {}) for statute, profile in _PROFILES.items()}
"""Statute → step kind → what the step's completion hands on to ("consultation": the public call)."""

DUE_DATES: dict[str, frozenset[str]] = {statute: profile.DUE_DATES for statute, profile in _PROFILES.items()}
"""Statute → the due dates its guards compute that a step's `due_from` property may name."""

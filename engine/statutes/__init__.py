"""One home per statute: each package holds its procedure's rules, refusals, guards, limits and
compliance profile, so changing a rule touches one package (docs/adding-a-rule.md).

A home has up to six modules, each optional: `rules` (RULES, the statute's entries of the rule
table), `errors` (its refusals), `guards` (its statutory guards, registered by step kind),
`limits` (its configurable numbers), `profile` (the ordering checks deploy runs on its BPMN and the
names it shares with it) and `documents` (the official documents its steps produce).
`decisionflow` is the engine's own home (DF-… rules: order, integrity, input, accounts).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

STATUTES: tuple[str, ...] = ("major_decision", "decision_execution", "normative_document", "nd_cleanup",
                             "enforcement_review", "reconsideration")
"""The statutes a process definition may declare (`spiffworkflow:property name="statute"`)."""
HOMES: tuple[str, ...] = (*STATUTES, "decisionflow")


def modules(part: str) -> list[ModuleType]:
    """Each home's module `part` ("rules", "errors", "guards", "limits", "profile", "documents") where it
    has one."""
    found = []
    for home in HOMES:
        name = f"engine.statutes.{home}.{part}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found

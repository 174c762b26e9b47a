"""The catalogue of rules: the one table that domain errors cite and that legal staff read.

Each rule maps an id to its article, a one-sentence statement in Chinese and in English,
how sure we are of it and the phase of the procedure it governs (engine/statutes/rule.py).
Each statute declares its own rules in its home, `engine/statutes/<statute>/rules.py`; this
module gathers them into one table, in the order of the procedure (id prefix, then phase,
then article number), so a refusal, `decisionflow rules`, the docs and the tests all name
the same rule, and a rule declared in two homes fails at import.

Ids of the law (MD-…, SC-…, ND-…, ER-…, RC-…) are exactly those of
../shared/domain/regulation.md (tests/unit/test_rulebook.py keeps the two in step); in
MD ids the number is the article of the national Regulation and a letter splits an
article. DF-… ids are the engine's own rules that keep the law's order in a computer
(no skipping, no editing history, valid input).
"""

from __future__ import annotations

import re

from engine.statutes import modules
from engine.statutes.rule import CERTAINTY, DECISION_MAKING_PHASES, MD_PHASES, PHASES, Rule

__all__ = ["CERTAINTY", "DECISION_MAKING_PHASES", "MD_PHASES", "PHASES", "RULES", "Rule", "decision_making", "rule"]

_PREFIXES = tuple(PHASES)
_NUMBERED = re.compile(r"[A-Z]+-(\d+)([a-z]*)$")


def _place(numbered: tuple[int, Rule]) -> tuple[int, int, tuple[int, str], int]:
    """Where a rule stands in the table: prefix, then MD phase, then article number and letter; rules
    without a number (DF-…) keep the order their home declares."""
    declared, entry = numbered
    phase = MD_PHASES.index(entry.phase) if entry.prefix == "MD" else 0
    match = _NUMBERED.match(entry.id)
    return (_PREFIXES.index(entry.prefix), phase, (int(match[1]), match[2]) if match else (0, ""), declared)


def _index(rules: list[Rule]) -> dict[str, Rule]:
    index: dict[str, Rule] = {}
    for entry in rules:
        if entry.id in index:
            raise ValueError(f"rule {entry.id} is declared twice")
        index[entry.id] = entry
    return index


RULES: dict[str, Rule] = _index([entry for _, entry in sorted(
    enumerate(entry for home in modules("rules") for entry in home.RULES), key=_place)])


def decision_making(rule: Rule | str) -> bool:
    """Whether the rule (or rule id) governs the decision-making phase of a major decision."""
    return (RULES[rule] if isinstance(rule, str) else rule).decision_making


def rule(rule_id: str) -> Rule:
    """The rule with this id; an unknown id is a programming error, not a refusal."""
    return RULES[rule_id]

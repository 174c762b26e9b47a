"""The compliance profile of executing a major decision:
what deploy checks on its BPMN, and the names it shares with it.

The names it declares are explained where they are gathered: engine/bpmn/profiles.py.
"""

from __future__ import annotations

from engine.bpmn.compliance import Check, Graph, PathRule, RequiredKinds
from engine.domain import errors
from engine.domain.separation import Apart, Duty
from engine.domain.steps import StepKind as K

CHECKS: tuple[Check, ...] = (
    RequiredKinds("MD-34", (K.execution,), "naming the execution unit is missing"),
    RequiredKinds("MD-37b", (K.suspension,), "the head's decision on reported problems (suspension) is missing"),
    PathRule("MD-34", Graph.starts, (K.execution_report, K.post_evaluation), (K.execution,),
             "a path reports or evaluates before the execution unit is named"),
)

STEP_ROLES: dict[str, frozenset[str]] = {
    K.execution: frozenset({"decision_organ"}), K.execution_report: frozenset({"executor"}),
    K.post_evaluation: frozenset({"decision_organ", "evaluator"}),
    K.suspension: frozenset({"head"}), K.adjustment: frozenset({"head"}),
}
"""Statutory step kind → the roles whose lane may hold it (regulation.md's glossary)."""

FORM_PREFIX = "ex_"
"""Its forms' names begin so (processes/forms/): a non-statutory definition uses none of them."""

TIMER_DATES: frozenset[str] = frozenset()
"""The dates its guards compute (guards.py) that a timeDate may name."""

DUE_DATES: frozenset[str] = frozenset()
"""The due dates its guards compute (guards.py) that a step's `due_from` property may name."""

DUTIES: tuple[Duty, ...] = (
    # MD-36b bars the unit that argued or assessed (an organisation, checked by the evaluator's appointment);
    # within one procedure the person never evaluates their own argumentation or assessment.
    Apart((K.expert_argumentation, K.risk_assessment), (K.post_evaluation,), errors.AssessorMayNotEvaluate),
)

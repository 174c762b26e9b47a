"""Restricted expressions for BPMN (DESIGN invariant 7).

SpiffWorkflow's default script engine is plain `eval`/`exec` with full builtins, and
emptying `__builtins__` is escapable through `().__class__.__bases__…`. Every
expression here goes through one evaluator instead: literals, names of task data,
comparisons, boolean and arithmetic operators, containers and subscripts. No calls,
no attribute access, no lambdas, no comprehensions. The same whitelist is checked at
deploy time, so a definition that would need anything else is refused before it runs.

Script tasks are allowed only as lines of `name = <restricted expression>`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from simpleeval import EvalWithCompoundTypes
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.domain.errors import ExpressionForbidden

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.Constant, ast.Name, ast.Load,
    ast.BoolOp, ast.And, ast.Or,
    ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot,
    ast.IfExp, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Subscript, ast.Slice,
)
_MAX_LENGTH = 2000


def expression_problem(expression: str) -> str | None:
    """Why `expression` is not allowed, or None. Used at deploy and before every evaluation."""
    if len(expression) > _MAX_LENGTH:
        return f"longer than {_MAX_LENGTH} characters"
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        return f"syntax error: {error.msg}"
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            return f"{type(node).__name__} is not allowed (no calls, attributes, lambdas or imports)"
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            return f"name {node.id} is not allowed"
    return None


def evaluate(expression: str, names: Mapping[str, Any]) -> Any:
    """Evaluate one restricted expression over task data; refuse anything else."""
    problem = expression_problem(expression)
    if problem is not None:
        raise ExpressionForbidden(expression=expression, problem=problem)
    evaluator = EvalWithCompoundTypes(names=dict(names), functions={})
    return evaluator.eval(expression.strip())


def parse_assignments(script: str) -> list[tuple[str, str]] | str:
    """Split a script into `name = expression` lines, or say why it is not such a script."""
    assignments: list[tuple[str, str]] = []
    for number, line in enumerate(script.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        target, sep, expression = text.partition("=")
        target = target.strip()
        if not sep or expression.startswith("=") or not target.isidentifier() or target.startswith("_"):
            return f"line {number} is not 'name = expression'"
        problem = expression_problem(expression)
        if problem is not None:
            return f"line {number}: {problem}"
        assignments.append((target, expression.strip()))
    return assignments


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment hook, answered only by the restricted evaluator."""

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        names = dict(external_context or {})
        names.update(context)
        return evaluate(expression, names)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        assignments = parse_assignments(script)
        if isinstance(assignments, str):
            raise ExpressionForbidden(expression=script, problem=assignments)
        for target, expression in assignments:
            context[target] = self.evaluate(expression, context, external_context)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: object) -> Any:
        raise ExpressionForbidden(expression="service task", problem="service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    """The only script engine a workflow ever carries, on creation and after every load."""

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

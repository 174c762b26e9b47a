"""Restricted expressions for BPMN (DESIGN invariant 7).

SpiffWorkflow's default script engine is plain `eval`/`exec` with full builtins, and
emptying `__builtins__` is escapable through `().__class__.__bases__…`. Every
expression here goes through one evaluator instead: literals, names of task data,
comparisons, boolean and arithmetic operators, containers and subscripts. No calls,
no attribute access, no lambdas, no comprehensions. The same whitelist is checked at
deploy time, so a definition that would need anything else is refused before it runs.

Script tasks are allowed only as lines of `name = <restricted expression>`.

Every evaluation, and every script as a whole, runs under the budgets of
engine/bpmn/budgets.py (time, operations, size of what it builds). What can be known
before running is checked at deploy too: nesting, operation counts, `%` widths, products
of task data, and every part whose value is already known (literals, earlier script
lines), evaluated under the same budgets.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from simpleeval import EvalWithCompoundTypes
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.bpmn import budgets as b
from engine.domain.errors import ExpressionBudgetExceeded, ExpressionForbidden

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
_BUILDERS = (ast.BinOp, ast.UnaryOp, ast.List, ast.Tuple, ast.Set, ast.Dict)
"""Nodes that make a new value; names and subscripts only read task data."""
_UNKNOWN = object()
Timer = Callable[[], float]


class _Forbidden(Exception):
    """Internal: outside the whitelist; the callers turn it into a problem or a DomainError."""


def expression_problem(expression: str) -> str | None:
    """Why `expression` is not allowed, or None. Used at deploy and before every evaluation."""
    try:
        _checked(expression)
    except (_Forbidden, b.OverBudget) as problem:
        return str(problem)
    return None


def evaluate(expression: str, names: Mapping[str, Any], *, timer: Timer = time.monotonic,
             script_budget: b.Budget | None = None) -> Any:
    """Evaluate one restricted expression over task data under its budgets; refuse anything else."""
    try:
        tree = _checked(expression)
        budget = b.Budget(b.MAX_OPERATIONS, b.MAX_SECONDS, timer())
        budgets = (budget,) if script_budget is None else (budget, script_budget)
        return _BudgetedEval(names, budgets, timer).eval(expression, tree.body)
    except _Forbidden as problem:
        raise ExpressionForbidden(expression=expression, problem=str(problem)) from None
    except b.OverBudget as over:
        raise exceeded(over, expression) from None


def exceeded(over: b.OverBudget, expression: str, element: str = "?") -> ExpressionBudgetExceeded:
    """The refusal for a budget, in both languages; the runtime fills in the element."""
    english, chinese = b.LABELS[over.budget]
    return ExpressionBudgetExceeded(element=element, expression=expression, budget=english, budget_zh=chinese,
                                    limit=over.limit, needed=over.needed)


def parse_assignments(script: str) -> list[tuple[str, str]] | str:
    """Split a script into `name = expression` lines, or say why it is not such a script."""
    try:
        return _assignments(script)
    except (_Forbidden, b.OverBudget) as problem:
        return str(problem)


def _assignments(script: str) -> list[tuple[str, str]]:
    analysis = _Analysis()
    assignments: list[tuple[str, str]] = []
    for number, line in enumerate(script.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        target, sep, expression = text.partition("=")
        target = target.strip()
        if not sep or expression.startswith("=") or not target.isidentifier() or target.startswith("_"):
            raise _Forbidden(f"line {number} is not 'name = <restricted expression>'")
        try:
            _check(expression, analysis, target)
        except (_Forbidden, b.OverBudget) as problem:
            problem.args = (f"line {number}: {problem}",)
            raise
        assignments.append((target, expression.strip()))
    return assignments


@lru_cache(maxsize=1024)
def _checked(expression: str) -> ast.Expression:
    """A standalone expression checked once: conditions are evaluated on every completion."""
    return _check(expression, _Analysis())


def _check(expression: str, analysis: _Analysis, target: str | None = None) -> ast.Expression:
    """The parsed expression if the whitelist admits it; raise _Forbidden or OverBudget if not."""
    if len(expression) > _MAX_LENGTH:
        raise _Forbidden(f"longer than {_MAX_LENGTH} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise _Forbidden(f"syntax error: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise _Forbidden(f"{type(node).__name__} is not allowed (no calls, attributes, lambdas or imports)")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise _Forbidden(f"name {node.id} is not allowed")
    analysis.check(tree, target)
    return tree


@dataclass
class _Analysis:
    """The budgets checked before running; for a script, what earlier lines tell later ones."""

    operations: int = 0
    factors: dict[str, int] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)

    def check(self, tree: ast.Expression, target: str | None) -> None:
        depth = _depth(tree.body)
        if depth > b.MAX_DEPTH:
            raise b.OverBudget("depth", b.MAX_DEPTH, depth)
        count = sum(isinstance(node, ast.expr) for node in ast.walk(tree))
        self.operations += count
        for spent, limit in ((count, b.MAX_OPERATIONS), (self.operations, b.MAX_SCRIPT_OPERATIONS)):
            if spent > limit:
                raise b.OverBudget("operations", limit, spent)
        for node in ast.walk(tree):
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant)
                    and isinstance(node.left.value, str | bytes)):
                b.format_conversions(node.left.value)
        factors = self._factors(tree.body)
        if factors > b.MAX_PRODUCT_FACTORS:
            raise b.OverBudget("product_factors", b.MAX_PRODUCT_FACTORS, factors)
        value = self._fold(tree.body)
        if target is not None:
            self.factors[target] = factors
            self.constants.pop(target, None)
            if value is not _UNKNOWN:
                self.constants[target] = value

    def _factors(self, node: ast.expr) -> int:
        """How many task-data values `node` may multiply together (repeated squaring doubles it)."""
        if isinstance(node, ast.Name):
            return self.factors.get(node.id, 1)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Mod):
            return self._factors(node.left) + self._factors(node.right)
        if isinstance(node, ast.Compare) or (isinstance(node, ast.BinOp | ast.UnaryOp)
                                             and isinstance(node.op, ast.Div | ast.Not)):
            return 0  # a truth value or a float
        if isinstance(node, ast.IfExp):
            children: list[ast.expr] = [node.body, node.orelse]
        elif isinstance(node, ast.Subscript):
            children = [node.value]
        else:
            children = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
        return max((self._factors(child) for child in children), default=0)

    def _fold(self, root: ast.expr) -> Any:
        """Evaluate every part whose value is known now: a budget it exceeds now, it exceeds at run time.

        Returns the value of the whole expression when it is known. Other errors (a zero
        division in a branch never taken) are left to run time.
        """
        pending = [root]
        while pending:
            node = pending.pop()
            if any(isinstance(n, ast.Name) and n.id not in self.constants for n in ast.walk(node)):
                pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
                continue
            try:
                value = _BudgetedEval(self.constants, (b.Budget(b.MAX_OPERATIONS, b.MAX_SECONDS, time.monotonic()),),
                                      time.monotonic).eval("", node)
            except b.OverBudget:
                raise
            except Exception:  # anything else (a type error, a zero division) is the run time's to report
                value = _UNKNOWN
            if node is root:
                return value
        return _UNKNOWN


def _depth(root: ast.expr) -> int:
    deepest, pending = 0, [(root, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


class _BudgetedEval(EvalWithCompoundTypes):
    """simpleeval with our operators; every node spends its budgets, every built value is measured."""

    def __init__(self, names: Mapping[str, Any], budgets: tuple[b.Budget, ...], timer: Timer) -> None:
        super().__init__(operators=b.OPERATORS, functions={}, names=dict(names))
        self.functions = {}  # no builtin types by name either: a name is task data or nothing
        self._budgets = budgets
        self._timer = timer

    def _eval(self, node: ast.AST) -> Any:
        now = self._timer()
        for budget in self._budgets:
            budget.spend(now)
        value = super()._eval(node)
        if isinstance(node, _BUILDERS):
            b.require_built(value)
        return value


SCRIPT_NAMES = "__df_script_names__"
"""The names scripts assigned in a workflow's data: only these a later script may assign again. What a
person recorded in a form, what a guard derived and the start facts are the record the statutory guards
read (DESIGN 3); a definition's script that rewrote them (say `review_outcome = "lawful"` after a review
found otherwise) would leave the law while its steps stay in order, so it is refused when it runs, and
deploy refuses the assignments it can see (engine/bpmn/definition.py)."""


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment hook, answered only by the restricted evaluator."""

    def __init__(self, timer: Timer = time.monotonic) -> None:
        super().__init__()
        self._timer = timer

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        return evaluate(expression, {**(external_context or {}), **context}, timer=self._timer)

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Run the lines in order under one script budget on top of each line's own."""
        try:
            assignments = _assignments(script)
        except _Forbidden as problem:
            raise ExpressionForbidden(expression=script, problem=str(problem)) from None
        except b.OverBudget as over:
            raise exceeded(over, script) from None
        script_budget = b.Budget(b.MAX_SCRIPT_OPERATIONS, b.MAX_SCRIPT_SECONDS, self._timer())
        owned = set(context.get(SCRIPT_NAMES) or ())
        for target, expression in assignments:
            if target in context and target not in owned:
                raise ExpressionForbidden(expression=script, problem=(
                    f"{target} is on the record (a step's form, the engine's derivation or the start); a script "
                    "computes new names and never rewrites the record"))
            names = {**(external_context or {}), **context}
            context[target] = evaluate(expression, names, timer=self._timer, script_budget=script_budget)
            owned.add(target)
        context[SCRIPT_NAMES] = sorted(owned)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: object) -> Any:
        raise ExpressionForbidden(expression="service task", problem="service tasks are not supported")


class RestrictedScriptEngine(PythonScriptEngine):
    """The only script engine a workflow ever carries, on creation and after every load."""

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

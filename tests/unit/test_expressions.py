"""Restricted expressions: classic Python sandbox escapes fail (DESIGN invariant 7)."""

from __future__ import annotations

import pytest

from engine.bpmn.evaluator import RestrictedEnvironment, evaluate, parse_assignments
from engine.domain.errors import ExpressionForbidden

ESCAPES = [
    "__import__('os').system('id')",
    "__import__('os')",
    "open('/etc/passwd').read()",
    "().__class__.__bases__[0].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]",
    "__builtins__",
    "(lambda: 1)()",
    "getattr(outcome, 'upper')()",
    "outcome.upper()",
    "eval('1+1')",
    "exec('import os')",
    "globals()",
    "'a' * 10 ** 9",
    "_hidden",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_escape_fails(expression):
    with pytest.raises(ExpressionForbidden) as refused:
        evaluate(expression, {"outcome": "lawful", "_hidden": 1})
    assert refused.value.rule == "DF-EXPRESSION"


@pytest.mark.parametrize("expression", ESCAPES)
def test_escape_fails_through_the_spiffworkflow_hook(expression):
    with pytest.raises(ExpressionForbidden):
        RestrictedEnvironment().evaluate(expression, {"outcome": "lawful"})


def test_repetition_bomb_is_bounded_at_run_time():
    with pytest.raises(Exception, match=r"(?i)long"):
        evaluate("s * n", {"s": "a", "n": 10**9})


@pytest.mark.parametrize(("expression", "expected"), [
    ('outcome == "lawful"', True),
    ('outcome in ("lawful", "lawful_with_changes") and not returned', True),
    ("days >= 30 or urgent", True),
    ("(impact_scope) == (\"citywide\")", False),
    ('"P30D"', "P30D"),
    ("votes['for'] > votes['against']", True),
    ("count - 1 if count else 0", 2),
])
def test_ordinary_conditions_work(expression, expected):
    names = {"outcome": "lawful", "returned": False, "days": 31, "urgent": False, "impact_scope": "county",
             "votes": {"for": 5, "against": 2}, "count": 3}
    assert evaluate(expression, names) == expected


def test_scripts_are_only_assignments_of_restricted_expressions():
    assert parse_assignments("a = 1\n# note\nb = a == 1") == [("a", "1"), ("b", "a == 1")]
    for script in ("import os", "os.system('id')", "a == 1", "__x = 1", "a = open('x')", "def f(): pass"):
        assert isinstance(parse_assignments(script), str), script
    context = {"outcome": "lawful"}
    RestrictedEnvironment().execute("reviewed = outcome == 'lawful'", context)
    assert context["reviewed"] is True
    with pytest.raises(ExpressionForbidden):
        RestrictedEnvironment().execute("import os", {})

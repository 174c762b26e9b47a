"""Restricted expressions: classic Python sandbox escapes fail, resource bombs meet a budget (DESIGN invariant 7)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.budgets import LABELS, MAX_FORMAT_WIDTH, MAX_SCRIPT_SECONDS, MAX_SECONDS, Budget
from engine.bpmn.evaluator import RestrictedEnvironment, evaluate, expression_problem, parse_assignments
from engine.domain.errors import ExpressionBudgetExceeded, ExpressionForbidden

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
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate("s * n", {"s": "a", "n": 10**9})
    assert refused.value.context["budget"] == LABELS["value_size"][0]


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


# --- budgets (engine/bpmn/budgets.py) --------------------------------------------------

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BIG = "9" * 700  # 2,326 bits: two of them multiplied exceed the integer budget
SQUARING = "\n".join(f"a = a * a  # {line}" for line in range(36))

STATIC_BOMBS = [
    ("'%0999999999d' % 1 == 'x'", "format_width"),
    ("'%0999999999d' % n", "format_width"),
    ("'%.999999999f' % x", "format_width"),
    (f"'%{MAX_FORMAT_WIDTH + 1}s' % x", "format_width"),
    ("'%*d' % (n, 1)", "format_width"),
    ("b'%0999999999d' % 1", "format_width"),
    ("'x' * 100001", "value_size"),
    ("'x' * 1000 * 1000", "value_size"),
    ("('%s' * 60000) % x", "value_size"),
    ("[[[0] * 1000] * 1000] * 1000", "value_size"),
    ("[0] * 60000 + [0] * 60000", "value_size"),
    ("{'k': 'x' * 99999, 'l': 'y' * 99999}", "value_size"),
    (f"{BIG} * {BIG}", "integer_bits"),
    ("a * a * a * a * a * a * a * a * a", "product_factors"),
    ("(s * n) * (s * n) * (s * n) * (s * n) * (s * n)", "product_factors"),
    ("-" * 40 + "1", "depth"),
    ("[" * 40 + "]" * 40, "depth"),
    ("not " * 40 + "x", "depth"),
    ("[" + "a, " * 600 + "]", "operations"),
]


@pytest.mark.parametrize(("expression", "budget"), STATIC_BOMBS)
def test_df_hardening_bomb_is_refused_at_check_and_before_it_runs(expression, budget):
    problem = expression_problem(expression)
    assert problem is not None and LABELS[budget][0] in problem
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate(expression, {"a": 3, "n": 10**9, "s": "x", "x": 1.5})
    assert refused.value.rule == "DF-EXPRESSION"
    assert refused.value.context["budget"] == LABELS[budget][0]


@pytest.mark.parametrize("expression", [
    "f'{x:>999999999}'",
    "'{:>999999999}'.format(1)",
    "2 ** 100000000",
    "'x' * 10 ** 9",
    "[x for x in range(10 ** 9)]",
    "x << 100000000",
])
def test_df_hardening_bombs_needing_forbidden_syntax_are_refused_by_the_whitelist(expression):
    assert expression_problem(expression) is not None
    with pytest.raises(ExpressionForbidden):
        evaluate(expression, {"x": 1})


DATA_BOMBS = [
    ("s * n", {"s": "a", "n": 10**9}, "value_size"),
    ("a * a", {"a": 10**2000}, "integer_bits"),
    ("a + 1", {"a": 2**5000}, "integer_bits"),
    ("fmt % 1 == 'x'", {"fmt": "%0999999999d"}, "format_width"),
    ("fmt % (n, 1)", {"fmt": "%*d", "n": 10**9}, "format_width"),
    ("'%s %s %s' % (t, t, t)", {"t": "x" * 40_000}, "value_size"),
    ("t + t + t", {"t": "x" * 40_000}, "value_size"),
    ("[row] * n", {"row": [0] * 1000, "n": 1000}, "value_size"),
    ("[[row] * 1000] * 1000", {"row": [0]}, "value_size"),
]


@pytest.mark.parametrize(("expression", "names", "budget"), DATA_BOMBS)
def test_df_hardening_data_dependent_bomb_passes_check_but_is_refused_at_run_time(expression, names, budget):
    assert expression_problem(expression) is None
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate(expression, names)
    assert refused.value.context["budget"] == LABELS[budget][0]


def test_df_hardening_refusal_names_the_budget_in_chinese_and_english():
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate("'%0999999999d' % 1 == 'x'", {})
    english, chinese = LABELS["format_width"]
    assert english in refused.value.message("en") and "999999999 > 100" in refused.value.message("en")
    assert chinese in refused.value.message("zh_CN") and "已拒绝执行" in refused.value.message("zh_CN")


def test_df_hardening_repeated_squaring_script_is_refused_at_check_and_at_run_time():
    problem = parse_assignments(SQUARING)
    assert isinstance(problem, str) and LABELS["product_factors"][0] in problem and problem.startswith("line 4:")
    context = {"a": 3}
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        RestrictedEnvironment().execute(SQUARING, context)
    assert refused.value.context["budget"] == LABELS["product_factors"][0]
    assert context == {"a": 3}  # refused before the first line ran


def test_df_hardening_squaring_a_literal_is_folded_and_refused_at_check():
    problem = parse_assignments("a = 2\n" + SQUARING)
    assert isinstance(problem, str) and LABELS["integer_bits"][0] in problem


def test_df_hardening_doubling_task_data_is_refused_at_run_time():
    doubling = "\n".join(["u = t", *("u = u + u" for _ in range(36))])  # doubles its own name, from the data
    assert isinstance(parse_assignments(doubling), list)
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        RestrictedEnvironment().execute(doubling, {"t": "x"})
    assert refused.value.context["budget"] == LABELS["value_size"][0]


def ticking(step: float):
    """A stopwatch that moves `step` seconds each time it is read: time budgets without sleeping."""
    moments = itertools.count(0.0, step)
    return lambda: next(moments)


def test_df_hardening_one_evaluation_stops_at_its_time_budget():
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate("a + a + a + a + a", {"a": 1}, timer=ticking(MAX_SECONDS / 4))
    assert refused.value.context["budget"] == LABELS["seconds"][0]
    assert refused.value.context["limit"] == MAX_SECONDS
    assert evaluate("a + a + a + a + a", {"a": 1}) == 5


def test_df_hardening_a_script_stops_at_its_time_budget_though_each_line_is_quick():
    script = "\n".join(f"x{line} = a + 1" for line in range(10))
    context = {"a": 1}
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        RestrictedEnvironment(timer=ticking(MAX_SECONDS / 4)).execute(script, context)
    assert refused.value.context["limit"] == MAX_SCRIPT_SECONDS
    assert "x9" not in context


def test_df_hardening_operations_are_counted_at_run_time():
    script_budget = Budget(operations=2, seconds=MAX_SCRIPT_SECONDS, started=0.0)
    with pytest.raises(ExpressionBudgetExceeded) as refused:
        evaluate("a + 1", {"a": 1}, timer=lambda: 0.0, script_budget=script_budget)
    assert refused.value.context["budget"] == LABELS["operations"][0] and refused.value.context["limit"] == 2


def test_df_hardening_names_are_task_data_only_not_builtin_types():
    with pytest.raises(Exception, match="list"):
        evaluate("list", {})


def expressions_of(path: Path) -> list[tuple[str, str]]:
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
          "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
    root = etree.parse(str(path)).getroot()
    found = [("expression", node.text or "") for node in root.xpath(
        ".//bpmn:conditionExpression | .//bpmn:timeDuration | .//bpmn:timeDate | .//bpmn:timeCycle", namespaces=ns)]
    found += [("script", node.text or "") for node in root.xpath(
        ".//bpmn:script | .//spiffworkflow:preScript | .//spiffworkflow:postScript", namespaces=ns)]
    return found


@pytest.mark.parametrize("path", sorted(PROCESSES.glob("*.bpmn")), ids=lambda p: p.name)
def test_df_hardening_every_expression_of_the_shipped_processes_is_within_budget(path):
    found = expressions_of(path)
    assert found, path
    for kind, text in found:
        if kind == "expression":
            assert expression_problem(text) is None, text
        else:
            assert isinstance(parse_assignments(text), list), text

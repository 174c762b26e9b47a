"""Budgets of the restricted evaluator: time, operations and the size of what it builds.

The whitelist (engine/bpmn/evaluator.py) keeps expressions from escaping; these limits
keep the allowed operators from being turned into resource bombs (`'%0999999999d' % 1`
builds a 1 GB string, a script of repeated squarings never ends). Every operator that
can grow a value checks the size of its result *before* computing it, and the evaluator
checks every value it built, its operation count and its wall-clock time after each node.

The numbers are far above what processes/*.bpmn needs (its conditions compare a form
field with a literal; form strings are at most 8,000 characters) and far below harm.
"""

from __future__ import annotations

import ast
import operator as op
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_OPERATIONS = 500
"""Nodes one expression may evaluate (checked statically, and counted at run time).
The longest condition in processes/ has about a dozen; without loops or calls a node is
evaluated at most once, so 500 bounds the work of any expression of 2,000 characters."""

MAX_SCRIPT_OPERATIONS = 2_000
"""Nodes all lines of one script may evaluate together: four full-size expressions."""

MAX_SECONDS = 1.0
"""Wall-clock time of one evaluation. Ours take microseconds; one second is a safety net
behind the size budgets, short enough that a completion never hangs."""

MAX_SCRIPT_SECONDS = 2.0
"""Wall-clock time of all lines of one script together."""

MAX_VALUE_SIZE = 100_000
"""Characters of any value an expression builds, printed (containers counted deeply, so
`[[0] * 1000] * 1000` counts a million zeros). simpleeval's own MAX_STRING_LENGTH; twelve
times the longest form field, and a few hundred kilobytes at worst."""

MAX_INT_BITS = 4_096
"""Bits of any integer arithmetic builds (about 1,233 decimal digits). Counts and sums of
money fit in 64; multiplying two 4,096-bit integers takes microseconds."""

MAX_FORMAT_WIDTH = 100
"""Width or precision of a `%` conversion (`'%05d' % n`, `'%.2f' % x`): `'%0999999999d'`
is the 1 GB bomb. A `*` (width taken from the data) is refused outright."""

MAX_DEPTH = 32
"""Nesting of an expression. Ours nest three or four levels; deeper nesting only serves to
exhaust the interpreter's stack (`- - - … 1`)."""

MAX_PRODUCT_FACTORS = 8
"""Task-data factors one value may multiply together across a script (`b = a * a` has two,
`c = b * b` four). Repeated squaring, the other bomb, doubles them each line; no statutory
step multiplies more than two or three quantities."""

LABELS: dict[str, tuple[str, str]] = {
    "operations": ("operations", "运算次数"),
    "seconds": ("time in seconds", "运行时间（秒）"),
    "value_size": ("value size in characters", "值的大小（字符数）"),
    "integer_bits": ("integer size in bits", "整数位数"),
    "format_width": ("format width or precision", "格式宽度或精度"),
    "depth": ("nesting depth", "嵌套层数"),
    "product_factors": ("task-data factors in one product", "连乘的任务数据因子数"),
}
"""Each budget's name in English and Chinese, for ExpressionBudgetExceeded."""


class OverBudget(Exception):
    """Internal: a budget would be exceeded. The evaluator turns it into a DomainError."""

    def __init__(self, budget: str, limit: object, needed: object) -> None:
        super().__init__(f"exceeds its budget of {LABELS[budget][0]}: {needed} > {limit}")
        self.budget, self.limit, self.needed = budget, limit, needed


@dataclass
class Budget:
    """Operations and time one evaluation (or one whole script) may still spend."""

    operations: int
    seconds: float
    started: float
    spent: int = 0

    def spend(self, now: float) -> None:
        """One node evaluated at `now`: refuse past the operation count or the deadline."""
        self.spent += 1
        if self.spent > self.operations:
            raise OverBudget("operations", self.operations, self.spent)
        if now - self.started > self.seconds:
            raise OverBudget("seconds", self.seconds, round(now - self.started, 3))


def size_of(value: Any, limit: int = MAX_VALUE_SIZE) -> int:
    """Characters of `value` printed (an upper estimate), counted only until past `limit`.

    Shared elements count each time they appear: that is what printing or comparing
    them costs. The count stops early, so measuring costs at most `limit` steps.
    """
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 2
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2  # decimal digits < bits / 3 + 1
        elif isinstance(item, list | tuple | set | frozenset | dict):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += 24  # float, None, bool: at most the repr of a float
    return total


def require_size(size: int) -> None:
    if size > MAX_VALUE_SIZE:
        raise OverBudget("value_size", MAX_VALUE_SIZE, size)


def require_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise OverBudget("integer_bits", MAX_INT_BITS, bits)


def require_built(value: Any) -> None:
    """A value an operator or a display built stays within the size budgets."""
    if isinstance(value, int):
        require_bits(value.bit_length())
    else:
        require_size(size_of(value))


_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.S)
_FLOAT_DIGITS = 320
"""The longest `%f` of a float before its precision: 1.8e308 has 309 integer digits."""


def format_conversions(template: str | bytes) -> int:
    """How many `%` conversions `template` has; refuse a width or precision over budget."""
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    count = 0
    for match in _CONVERSION.finditer(text):
        width, precision, conversion = match.groups()
        for number in (width, precision):
            if number == "*":
                raise OverBudget("format_width", MAX_FORMAT_WIDTH, "'*' (taken from the data)")
            if number and int(number) > MAX_FORMAT_WIDTH:
                raise OverBudget("format_width", MAX_FORMAT_WIDTH, int(number))
        count += conversion != "%"
    return count


def _int_pair(a: Any, b: Any) -> bool:
    return isinstance(a, int) and isinstance(b, int)


def _sequence_times(a: Any, b: Any) -> bool:
    return isinstance(a, str | bytes | list | tuple) and isinstance(b, int)


def _multiply(a: Any, b: Any) -> Any:
    if _int_pair(a, b):
        require_bits(a.bit_length() + b.bit_length())
    elif _sequence_times(a, b) or _sequence_times(b, a):
        sequence, times = (a, b) if _sequence_times(a, b) else (b, a)
        require_size(2 + (size_of(sequence) - 2) * max(times, 0))
    return a * b


def _add(a: Any, b: Any) -> Any:
    if _int_pair(a, b):
        require_bits(max(a.bit_length(), b.bit_length()) + 1)
    elif isinstance(a, str | bytes | list | tuple) and isinstance(b, str | bytes | list | tuple):
        require_size(size_of(a) + size_of(b))
    return a + b


def _subtract(a: Any, b: Any) -> Any:
    if _int_pair(a, b):
        require_bits(max(a.bit_length(), b.bit_length()) + 1)
    return a - b


def _modulo(a: Any, b: Any) -> Any:
    """`%`: a remainder, or printf-style formatting, whose output is bounded before it is built."""
    if isinstance(a, str | bytes):
        conversions = format_conversions(a)
        arguments = size_of(b) if isinstance(b, tuple) else conversions * size_of(b)
        require_size(len(a) + conversions * (MAX_FORMAT_WIDTH + _FLOAT_DIGITS) + arguments)
    return a % b


OPERATORS: dict[type[ast.AST], Callable[..., Any]] = {
    ast.Add: _add, ast.Sub: _subtract, ast.Mult: _multiply, ast.Mod: _modulo,
    ast.Div: op.truediv, ast.FloorDiv: op.floordiv,
    ast.Eq: op.eq, ast.NotEq: op.ne, ast.Gt: op.gt, ast.Lt: op.lt, ast.GtE: op.ge, ast.LtE: op.le,
    ast.Not: op.not_, ast.USub: op.neg, ast.UAdd: op.pos,
    ast.In: lambda x, y: op.contains(y, x), ast.NotIn: lambda x, y: not op.contains(y, x),
    ast.Is: op.is_, ast.IsNot: op.is_not,
}
"""Exactly the operators the whitelist admits; those that can grow a value check first."""

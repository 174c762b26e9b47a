"""Codes and usernames a person types: a field that names a unit or a person names one the registry
holds (issue 19 items 2 and 4).

A form marks such a field with `"x-names": "organisation"` (an organisation's code) or `"person"` (a
username); the pages show the name behind it (webapp/schema_form.py). The engine refuses, before
anything changes, a value the registry does not hold — a unit that does not exist or a person who
left — so a typed code never stands in for the registry. Checked at deploy (`names_problem`) that
the keyword names one of `KINDS`, so a misspelt kind cannot switch the check off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain.errors import FormInvalid
from engine.form_dates import subschemas, values_at

KEYWORD = "x-names"
KINDS: dict[str, tuple[str, str]] = {
    "organisation": ("no organisation with code {value} in the registry",
                     "组织机构登记中没有代码为 {value} 的单位"),
    "person": ("no active user {value} in the registry", "组织机构登记中没有在职用户 {value}"),
}
"""What an `x-names` field holds, with the refusal for a value the registry does not hold."""


@dataclass(frozen=True)
class NamedField:
    """A field naming a unit or a person: its path (`*` for every row of an array) and its kind."""

    path: tuple[str, ...]
    kind: str


def named_fields(schema: Mapping[str, Any]) -> tuple[NamedField, ...]:
    """The fields of a form that name a unit or a person, in the order of the schema."""
    return tuple(NamedField(path, sub[KEYWORD]) for path, sub in subschemas(schema, ())
                 if path is not None and sub.get(KEYWORD) in KINDS)


def names_problem(schema: Mapping[str, Any]) -> str | None:
    """Why the form's named fields cannot be checked, or None. Checked at deploy."""
    for path, sub in subschemas(schema, ()):
        if KEYWORD not in sub:
            continue
        where = ".".join(path) if path else "(form)"
        if sub[KEYWORD] not in KINDS:
            return f'field {where}: "{KEYWORD}" {sub[KEYWORD]!r} is not one of {", ".join(KINDS)}'
        if path is None:
            return f'field {where}: a "{KEYWORD}" field outside "properties"/"items" cannot be checked'
    return None


def typed(fields: Iterable[NamedField], data: Mapping[str, Any]) -> dict[str, set[str]]:
    """Kind → the values the data gives for it: what the service looks up, and nothing more."""
    wanted: dict[str, set[str]] = {}
    for spec in fields:
        for _, value in values_at(data, spec.path, ()):
            if isinstance(value, str) and value:
                wanted.setdefault(spec.kind, set()).add(value)
    return wanted


def check(fields: Iterable[NamedField], data: Mapping[str, Any],
          held: Callable[[str, set[str]], set[str]]) -> None:
    """Refuse the first value the registry does not hold, naming its field. `held(kind, values)` answers
    which of the values the registry holds (the service's lookup, inside the step's unit of work)."""
    fields = tuple(fields)
    found = {kind: held(kind, values) for kind, values in typed(fields, data).items()}
    for spec in fields:
        for name, value in values_at(data, spec.path, ()):
            if isinstance(value, str) and value and value not in found.get(spec.kind, set()):
                problem, problem_zh = KINDS[spec.kind]
                raise FormInvalid(field=name, problem=problem.format(value=value),
                                  problem_zh=problem_zh.format(value=value))

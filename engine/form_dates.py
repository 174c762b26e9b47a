"""Dates a person types: every date field of a form says how it relates to time (DF-DATE).

A field with `"format": "date"` (or `"date-time"`) carries `"x-df-date"`, one of `KINDS`.
The check at deploy (`date_problem`) refuses a form whose date field declares none, so a
new form cannot forget. At completion one check (`check`) applies the declared kinds to
every date in the data, rows of arrays included, against what the engine knows itself:
today (the server clock, an Asia/Shanghai date), the day this step opened (its work item
became READY) and the day the procedure started — never a date the client sent.

What a statute adds on top (MD-26b's review time before a meeting, the order of dates
within a step) is the step's guard's, in engine/statutes/<statute>/guards.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.clock import CST
from engine.domain.errors import DateTooEarly, DateTooLate, FormInvalid

KEYWORD = "x-df-date"
FORMATS = ("date", "date-time")

KINDS: dict[str, str] = {
    "done": "something done in this step: not after today, not before the day the step opened",
    "during": "something that happened in this procedure, perhaps before this step opened (materials delivered, "
              "a reporting period's end): not after today, not before the day the procedure started",
    "past": "a fact from before the procedure (the act, when the applicant learnt of it, an earlier assessment, "
            "a reviewer's qualification): not after today",
    "planned": "a date to come (a hearing announced, a meeting requested, the end of a comment period, the end "
               "of a validity): not before today",
    "effective": "the day something takes effect: not before the day this step opened; it may lie ahead",
}
"""The kinds a date field declares; regulation.md §8: dates are Asia/Shanghai local dates."""

_SAME_PLACE = ("allOf", "anyOf", "oneOf", "if", "then", "else", "not")
"""Keywords whose subschemas describe the same value as their parent."""


@dataclass(frozen=True)
class DateField:
    """A date field of a form: its path (`*` for every row of an array) and its declared kind."""

    path: tuple[str, ...]
    kind: str | None
    format: str

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Moments:
    """What the engine knows of time when a step is completed; none of it comes from the client."""

    today: date
    opened: date | None = None    # the day this step's work item became READY
    started: date | None = None   # the day the procedure started


def date_fields(schema: Mapping[str, Any]) -> tuple[DateField, ...]:
    """The date fields of a form, in the order of the schema."""
    return tuple(DateField(path, sub.get(KEYWORD), sub["format"])
                 for path, sub in subschemas(schema, ()) if path is not None and _is_date(sub))


def date_problem(schema: Mapping[str, Any]) -> str | None:
    """Why the form's dates cannot be checked, or None. Checked at deploy (`decisionflow check`)."""
    for path, sub in subschemas(schema, ()):
        where = ".".join(path) if path else "(form)"
        if _is_date(sub):
            if path is None:
                return (f'a {sub["format"]} field outside "properties"/"items" cannot be checked: declare it as a '
                        "property of the form or of an array's rows")
            kind = sub.get(KEYWORD)
            if kind is None:
                return (f'date field {where} declares no "{KEYWORD}": add "{KEYWORD}": one of '
                        f'{", ".join(KINDS)} (engine/form_dates.py says what each means)')
            if kind not in KINDS:
                return f'date field {where}: "{KEYWORD}" {kind!r} is not one of {", ".join(KINDS)}'
        elif KEYWORD in sub:
            return f'field {where} has "{KEYWORD}" but is not a date ("format": "date" or "date-time")'
    return None


def check(fields: tuple[DateField, ...], data: Mapping[str, Any], moments: Moments) -> None:
    """Refuse the first date that lies outside what its kind allows, naming the field, the date and the
    lawful bound. A field of a version deployed before kinds were required (no kind) is left to its guard."""
    for spec in fields:
        if spec.kind is None:
            continue
        for name, value in values_at(data, spec.path, ()):
            day = _day(value, spec.format, name)
            if day is None:
                continue
            earliest, latest = _window(spec.kind, moments)
            if earliest is not None and day < earliest[0]:
                raise DateTooEarly(field=name, date=str(value), earliest=earliest[0].isoformat(),
                                   kind=spec.kind, reason=earliest[1], reason_zh=earliest[2])
            if latest is not None and day > latest[0]:
                raise DateTooLate(field=name, date=str(value), latest=latest[0].isoformat(),
                                  kind=spec.kind, reason=latest[1], reason_zh=latest[2])


Bound = tuple[date, str, str]  # the day, why in English, why in Chinese


def _window(kind: str, m: Moments) -> tuple[Bound | None, Bound | None]:
    today_done = (m.today, "what has happened is not dated after today", "已经发生的事项不能晚于今天")
    opened = (m.opened, "this step opened on that day: what is done in it is not dated before",
              "本步骤于该日开始办理，在本步骤中办理的事项不能早于该日") if m.opened else None
    if kind == "done":
        return opened, today_done
    if kind == "during":
        started = (m.started, "the procedure started on that day", "本程序于该日启动，程序中发生的事项不能早于该日") \
            if m.started else None
        return started, today_done
    if kind == "past":
        return None, today_done
    if kind == "planned":
        return (m.today, "a date to come is not before today", "计划或者预定的日期不能早于今天"), None
    if kind == "effective":
        return opened, None
    raise ValueError(f"unknown date kind {kind!r}")  # date_problem refuses it at deploy


def _is_date(sub: Mapping[str, Any]) -> bool:
    return sub.get("format") in FORMATS


def subschemas(schema: Any, path: tuple[str, ...] | None) -> Iterator[tuple[tuple[str, ...] | None, dict[str, Any]]]:
    """Every subschema with the data path it describes, or None where no fixed path reaches it."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from subschemas(sub, None if path is None else (*path, name))
    items = schema.get("items")
    yield from subschemas(items, None if path is None else (*path, "*"))
    for keyword in _SAME_PLACE:
        value = schema.get(keyword)
        for sub in value if isinstance(value, list) else [value]:
            yield from subschemas(sub, path)
    for keyword in ("$defs", "definitions", "patternProperties", "dependentSchemas"):
        for sub in (schema.get(keyword) or {}).values():
            yield from subschemas(sub, None)
    for keyword in ("additionalProperties", "unevaluatedProperties", "contains", "propertyNames",
                    "unevaluatedItems", "additionalItems"):
        yield from subschemas(schema.get(keyword), None)
    for sub in schema.get("prefixItems") or []:
        yield from subschemas(sub, None)


def values_at(data: Any, path: tuple[str, ...], done: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """The values at a field path, each with the posted name of its place (`deliveries.0.delivered_on`)."""
    if not path:
        yield ".".join(done), data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, row in enumerate(data):
                yield from values_at(row, rest, (*done, str(i)))
    elif isinstance(data, Mapping) and head in data:
        yield from values_at(data[head], rest, (*done, head))


def _day(value: Any, fmt: str, name: str) -> date | None:
    """The local date a value names; the form's validator has checked the format already."""
    if not isinstance(value, str):
        return None
    try:
        if fmt == "date":
            return date.fromisoformat(value)
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise FormInvalid(field=name, problem=f"not a {fmt}", problem_zh="日期格式不正确") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=CST)).astimezone(CST).date()

"""The 法治指数 indicators: definitions as data (processes/indicators/*.json) and their evaluation over history.

An indicator is a JSON file in a small declarative vocabulary, checked here when loaded and never run as
code (DF-INDICATOR). Its formula reads only the chained events of each procedure (the `events` table,
which verify recomputes), never a mutable column, so every figure is as good as the record is verified.

Vocabulary (docs/indicators.md):
- EVENT, a matcher of one history event: `kind` (required), and optionally `step` (a step id or a list),
  `opened` (the event opened that step), `data` ({field: value or [values]} over the completed form's data
  and derived values), `payload` ({field: value or [values]} over the event's own payload) and `late`
  (true/false: the step was completed after its due day, engine/deadlines.py).
- SELECT, a set of procedures: `definition` (a key or a list of keys), `in_period` (an EVENT whose first
  occurrence falls in the period places the procedure in it), and optionally `with` / `without` (lists
  of EVENTs that must / must not have occurred by the end of the period).
- A formula is exactly one of
  `count` (SELECT, optional `by`: a data field of the `in_period` event to break the count down by),
  `share` ({`of`: SELECT, `where`: {`with`, `without`}}: the percentage of `of` that also meets `where`),
  `median_days` ({`of`: SELECT, `from`: EVENT, `to`: EVENT}: calendar days from the first `from` event
  to the first `to` event after it, median over the procedures),
  `count_events` ({`definition`, `event`: EVENT, optional `distinct`: a payload field}: events in the period),
  `share_events` ({`definition`, `among`: EVENT, `of`: EVENT, `key`: a payload field}: the percentage of
  the keys of `among` events in the period whose latest event of the `of` kind by the end of it matches).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from engine import deadlines
from engine.domain.errors import IndicatorInvalid
from engine.domain.rulebook import RULES

DIRECTORY = Path(__file__).resolve().parent.parent / "processes" / "indicators"
KINDS = frozenset({"procedure_started", "task_completed", "task_claimed", "timer_fired", "reminder_sent",
                   "procedure_withdrawn", "opinion_received", "opinion_marked", "opinion_hidden",
                   "adoption_published"})
FORMULAS = ("count", "share", "median_days", "count_events", "share_events")
UNITS = frozenset({"件", "%", "日", "条", "次", "个"})
PERIODS = frozenset({"month", "quarter", "year"})
_TOP = {"id", "name_zh", "name_en", "rules", "index_item", "unit", "period", "formula", "target", "group",
        "order"}
_EVENT = {"kind", "step", "opened", "data", "payload", "late"}
_SELECT = {"definition", "in_period", "with", "without"}


@dataclass(frozen=True)
class Event:
    """What an indicator reads of one history event; `late` is worked out from the due day its step was
    opened with (in the same chain), for task_completed events only."""

    procedure_id: int
    at: datetime
    kind: str
    payload: Mapping[str, Any]
    late: bool | None = None


@dataclass
class Procedure:
    """A procedure as its chain tells it: the definition key and sponsor come from `procedure_started`."""

    id: int
    definition: str
    sponsor_org: str
    events: list[Event] = field(default_factory=list)
    title: str = ""
    _by_kind: dict[str, list[Event]] | None = field(default=None, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Event]:
        """The procedure's events of one kind, in chain order (indexed once)."""
        if self._by_kind is None:
            self._by_kind = {}
            for event in self.events:
                self._by_kind.setdefault(event.kind, []).append(event)
        return self._by_kind.get(kind, [])


@dataclass(frozen=True)
class Figure:
    """One computed figure: its value (None when nothing to measure), the procedures behind it, and for
    shares the numerator and denominator; `breakdown` holds the sub-figures of a `by` count."""

    value: float | int | None
    procedures: tuple[int, ...]
    numerator: int | None = None
    denominator: int | None = None
    breakdown: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    rules: tuple[str, ...]
    index_item: str
    unit: str
    period: str
    formula: Mapping[str, Any]
    group: str
    order: int
    target_min: float | None = None

    def meets(self, figure: Figure) -> bool | None:
        """Whether the figure reaches its target (None without a target or without a value)."""
        if self.target_min is None or figure.value is None:
            return None
        return float(figure.value) >= self.target_min

    @cached_property
    def definitions(self) -> frozenset[str]:
        """The procedure definitions this indicator reads."""
        kind, body = next(iter(self.formula.items()))
        wanted = body["definition"] if kind in ("count_events", "share_events") else (
            body if kind == "count" else body["of"])["definition"]
        return frozenset(wanted if isinstance(wanted, list) else [wanted])


def _bad(indicator: str, where: str, problem: str, problem_zh: str) -> IndicatorInvalid:
    return IndicatorInvalid(indicator=indicator, field=where, problem=problem, problem_zh=problem_zh)


def _check_event(name: str, where: str, event: Any) -> None:
    if not isinstance(event, dict):
        raise _bad(name, where, "must be an object", "须为对象")
    extra = set(event) - _EVENT
    if extra:
        raise _bad(name, where, f"has unknown keys {sorted(extra)}", f"含未知键 {sorted(extra)}")
    if event.get("kind") not in KINDS:
        raise _bad(name, f"{where}.kind", f"must be one of {sorted(KINDS)}", f"须为 {sorted(KINDS)} 之一")
    for key in ("data", "payload"):
        if key in event and not (isinstance(event[key], dict) and all(
                isinstance(v, (str, bool, int, list)) for v in event[key].values())):
            raise _bad(name, f"{where}.{key}", "must map field names to a value or a list of values",
                       "须为字段名到取值或取值列表的映射")
    if "late" in event and not isinstance(event["late"], bool):
        raise _bad(name, f"{where}.late", "must be true or false", "须为 true 或 false")
    if "late" in event and event["kind"] != "task_completed":
        raise _bad(name, f"{where}.late", "applies to task_completed only", "只适用于 task_completed")
    for key in ("step", "opened"):
        value = event.get(key)
        if value is not None and not (isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value))):
            raise _bad(name, f"{where}.{key}", "must be a step id or a list of step ids", "须为步骤标识或其列表")


def _definition_ok(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and bool(value)
                                      and all(isinstance(v, str) for v in value))


def _check_select(name: str, where: str, select: Any, *, in_period: bool = True) -> None:
    if not isinstance(select, dict):
        raise _bad(name, where, "must be an object", "须为对象")
    extra = set(select) - _SELECT
    if extra:
        raise _bad(name, where, f"has unknown keys {sorted(extra)}", f"含未知键 {sorted(extra)}")
    if not _definition_ok(select.get("definition")):
        raise _bad(name, f"{where}.definition", "must name a process definition key", "须为流程定义标识")
    if in_period:
        _check_event(name, f"{where}.in_period", select.get("in_period"))
    for key in ("with", "without"):
        events = select.get(key, [])
        if not isinstance(events, list):
            raise _bad(name, f"{where}.{key}", "must be a list of events", "须为事件列表")
        for i, event in enumerate(events):
            _check_event(name, f"{where}.{key}[{i}]", event)


def _check_formula(name: str, formula: Any) -> None:
    if not isinstance(formula, dict) or len(formula) != 1 or next(iter(formula)) not in FORMULAS:
        raise _bad(name, "formula", f"must have exactly one of {list(FORMULAS)}", f"须且只能为 {list(FORMULAS)} 之一")
    kind, body = next(iter(formula.items()))
    where = f"formula.{kind}"
    if kind == "count":
        _check_select(name, where, {k: v for k, v in body.items() if k != "by"} if isinstance(body, dict) else body)
        if "by" in body and not isinstance(body["by"], str):
            raise _bad(name, f"{where}.by", "must name a data field", "须为数据字段名")
    elif kind == "share":
        if not isinstance(body, dict) or set(body) != {"of", "where"}:
            raise _bad(name, where, "must have exactly `of` and `where`", "须且只能含 of 与 where")
        _check_select(name, f"{where}.of", body["of"])
        _check_select(name, f"{where}.where", {"definition": body["of"]["definition"], **body["where"]},
                      in_period=False)
    elif kind == "median_days":
        if not isinstance(body, dict) or set(body) != {"of", "from", "to"}:
            raise _bad(name, where, "must have exactly `of`, `from` and `to`", "须且只能含 of、from 与 to")
        _check_select(name, f"{where}.of", body["of"])
        _check_event(name, f"{where}.from", body["from"])
        _check_event(name, f"{where}.to", body["to"])
    elif kind == "count_events":
        if not isinstance(body, dict) or not {"definition", "event"} <= set(body) <= {"definition", "event",
                                                                                   "distinct"}:
            raise _bad(name, where, "must have `definition`, `event` and optionally `distinct`",
                       "须含 definition、event，可含 distinct")
        if not _definition_ok(body["definition"]):
            raise _bad(name, f"{where}.definition", "must name definition keys", "须为流程定义标识")
        _check_event(name, f"{where}.event", body["event"])
    else:
        if not isinstance(body, dict) or set(body) != {"definition", "among", "of", "key"}:
            raise _bad(name, where, "must have exactly `definition`, `among`, `of` and `key`",
                       "须且只能含 definition、among、of 与 key")
        if not _definition_ok(body["definition"]):
            raise _bad(name, f"{where}.definition", "must name definition keys", "须为流程定义标识")
        _check_event(name, f"{where}.among", body["among"])
        _check_event(name, f"{where}.of", body["of"])


def parse(name: str, raw: Any) -> Indicator:
    """Check one definition against the vocabulary and build it; the first problem is named by field."""
    if not isinstance(raw, dict):
        raise _bad(name, "(file)", "must hold a JSON object", "须为 JSON 对象")
    extra = set(raw) - _TOP
    if extra:
        raise _bad(name, "(file)", f"has unknown keys {sorted(extra)}", f"含未知键 {sorted(extra)}")
    if raw.get("id") != name:
        raise _bad(name, "id", "must equal the file name", "须与文件名一致")
    for key in ("name_zh", "name_en", "index_item", "group"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise _bad(name, key, "is required text", "为必填文字")
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules or any(r not in RULES for r in rules):
        raise _bad(name, "rules", "must list rule ids of docs/rules.md", "须列出 docs/rules.md 中的规则编号")
    if raw.get("unit") not in UNITS:
        raise _bad(name, "unit", f"must be one of {sorted(UNITS)}", f"须为 {sorted(UNITS)} 之一")
    if raw.get("period") not in PERIODS:
        raise _bad(name, "period", f"must be one of {sorted(PERIODS)}", f"须为 {sorted(PERIODS)} 之一")
    if not isinstance(raw.get("order"), int):
        raise _bad(name, "order", "must be a whole number", "须为整数")
    target = raw.get("target")
    if target is not None and not (isinstance(target, dict) and set(target) == {"min"}
                                   and isinstance(target["min"], (int, float))):
        raise _bad(name, "target", "must be {\"min\": number}", "须为 {\"min\": 数值}")
    _check_formula(name, raw.get("formula"))
    return Indicator(raw["id"], raw["name_zh"], raw["name_en"], tuple(rules), raw["index_item"], raw["unit"],
                     raw["period"], raw["formula"], raw["group"], raw["order"],
                     float(target["min"]) if target else None)


@cache
def catalogue(directory: Path = DIRECTORY) -> tuple[Indicator, ...]:
    """Every indicator file of the directory, checked, in their `order`."""
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise _bad(path.stem, "(file)", f"is not JSON: {error}", f"不是有效的 JSON：{error}") from error
        found.append(parse(path.stem, raw))
    return tuple(sorted(found, key=lambda i: (i.order, i.id)))


# --- evaluation -------------------------------------------------------------------------------------


def _one_of(value: Any, wanted: Any) -> bool:
    return value in wanted if isinstance(wanted, list) else value == wanted


def matches(spec: Mapping[str, Any], event: Event) -> bool:
    """Whether one history event matches an EVENT of the vocabulary."""
    if event.kind != spec["kind"]:
        return False
    payload = event.payload
    if "step" in spec and not _one_of(payload.get("step"), spec["step"]):
        return False
    if "opened" in spec:
        steps = {str(o.get("step")) for o in payload.get("opened") or [] if isinstance(o, dict)}
        wanted = spec["opened"] if isinstance(spec["opened"], list) else [spec["opened"]]
        if not steps.intersection(wanted):
            return False
    if "data" in spec:
        values = {**(payload.get("data") or {}), **(payload.get("derived") or {})}
        if not all(_one_of(values.get(k), v) for k, v in spec["data"].items()):
            return False
    if "payload" in spec and not all(_one_of(payload.get(k), v) for k, v in spec["payload"].items()):
        return False
    return not ("late" in spec and event.late is not spec["late"])


def with_lateness(procedure_id: int, rows: Iterable[tuple[datetime, str, str | None, Mapping[str, Any]]]
                  ) -> list[Event]:
    """A procedure's events (at, kind, task_id, payload in seq order) with `late` set on completions: the
    due day comes from the `opened` entry of the same task in the chain, as verify rebuilds work items."""
    due: dict[str, datetime | None] = {}
    out = []
    for at, kind, task_id, payload in rows:
        late = None
        if kind == "task_completed" and task_id is not None:
            deadline = due.get(task_id)
            late = deadline is not None and deadlines.state(deadline, at) == "overdue"
        out.append(Event(procedure_id, at, kind, payload, late))
        for opened in payload.get("opened") or []:
            if isinstance(opened, dict) and opened.get("task"):
                raw = opened.get("due_at")
                due[str(opened["task"])] = datetime.fromisoformat(raw) if raw else None
    return out


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC instants; the report's dates are local days (engine/workdays.py)."""

    start: datetime
    end: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


def _first(procedure: Procedure, spec: Mapping[str, Any], period: Period, after: datetime | None = None
           ) -> Event | None:
    for event in procedure.of_kind(spec["kind"]):
        if event.at >= period.end:
            return None
        if (after is None or event.at >= after) and matches(spec, event):
            return event
    return None


def applies(indicator: Indicator, procedure: Procedure) -> bool:
    """Whether the indicator reads procedures of this one's definition at all."""
    return procedure.definition in indicator.definitions


def _anchor(procedure: Procedure, select: Mapping[str, Any], period: Period) -> Event | None:
    """The event placing the procedure in the selection and the period, None when it is not in it."""
    anchor = _first(procedure, select["in_period"], period)
    if anchor is None or not period.holds(anchor.at) or not _filter(procedure, select, period):
        return None
    return anchor


def _filter(procedure: Procedure, where: Mapping[str, Any], period: Period) -> bool:
    return (all(_first(procedure, spec, period) is not None for spec in where.get("with", []))
            and all(_first(procedure, spec, period) is None for spec in where.get("without", [])))


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def contribution(indicator: Indicator, procedure: Procedure, period: Period) -> Any:
    """What one procedure adds to the indicator's figure (None: nothing), so that the total and each unit's
    figure are combined from one pass over the procedures."""
    kind, body = next(iter(indicator.formula.items()))
    if kind == "count":
        anchor = _anchor(procedure, body, period)
        if anchor is None:
            return None
        if "by" not in body:
            return ""
        data = {**(anchor.payload.get("data") or {}), **(anchor.payload.get("derived") or {})}
        return str(data.get(body["by"]))
    if kind == "share":
        if _anchor(procedure, body["of"], period) is None:
            return None
        return _filter(procedure, body["where"], period)
    if kind == "median_days":
        if _anchor(procedure, body["of"], period) is None:
            return None
        start = _first(procedure, body["from"], period)
        stop = _first(procedure, body["to"], period, after=start.at) if start else None
        return (stop.at - start.at).total_seconds() / 86400 if start and stop else None
    if kind == "count_events":
        seen: set[Any] = set()
        count = 0
        for event in procedure.of_kind(body["event"]["kind"]):
            if period.holds(event.at) and matches(body["event"], event):
                key = event.payload.get(body["distinct"]) if "distinct" in body else object()
                if key not in seen:
                    seen.add(key)
                    count += 1
        return count or None
    among: set[Any] = set()
    latest: dict[Any, Event] = {}  # a later marking of the same key replaces an earlier one
    for event in procedure.events:
        if event.at >= period.end:
            break
        key = event.payload.get(body["key"])
        if period.holds(event.at) and matches(body["among"], event):
            among.add(key)
        if event.kind == body["of"]["kind"]:
            latest[key] = event
    if not among:
        return None
    return len(among), sum(1 for k in among if k in latest and matches(body["of"], latest[k]))


def combine(indicator: Indicator, contributions: Iterable[tuple[int, Any]]) -> Figure:
    """The figure from each procedure's contribution (procedure id, `contribution(...)`)."""
    kind, body = next(iter(indicator.formula.items()))
    found = [(pid, c) for pid, c in contributions if c is not None]
    ids = tuple(sorted(pid for pid, _ in found))
    if kind == "count":
        groups: dict[str, list[int]] = {}
        if "by" in body:
            for pid, key in found:
                groups.setdefault(key, []).append(pid)
        breakdown = {k: Figure(len(v), tuple(sorted(v))) for k, v in sorted(groups.items())}
        return Figure(len(found), ids, breakdown=breakdown)
    if kind == "share":
        meeting = tuple(sorted(pid for pid, ok in found if ok))
        return Figure(_percent(len(meeting), len(found)), meeting, len(meeting), len(found))
    if kind == "median_days":
        days = [c for _, c in found]
        return Figure(round(statistics.median(days), 1) if days else None, ids, None, len(days))
    if kind == "count_events":
        return Figure(sum(c for _, c in found), ids)
    denominator = sum(c[0] for _, c in found)
    numerator = sum(c[1] for _, c in found)
    return Figure(_percent(numerator, denominator), tuple(sorted(pid for pid, c in found if c[1])), numerator,
                  denominator)


def evaluate(indicator: Indicator, procedures: Sequence[Procedure], period: Period) -> Figure:
    """One indicator's figure over the given procedures (already limited to a unit, if any)."""
    return combine(indicator, [(p.id, contribution(indicator, p, period)) for p in procedures
                               if applies(indicator, p)])


def fields_read(indicators: Iterable[Indicator]) -> tuple[frozenset[str], frozenset[str]]:
    """The data fields (form data and derived values) and the payload fields the formulas read, so the
    loader fetches those and not whole payloads."""
    data: set[str] = set()
    payload: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("kind"), str):
                data.update(node.get("data", {}))
                payload.update(node.get("payload", {}))
            for key in ("distinct", "key"):
                if isinstance(node.get(key), str):
                    payload.add(node[key])
            if isinstance(node.get("by"), str):
                data.add(node["by"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for indicator in indicators:
        walk(indicator.formula)
    return frozenset(data), frozenset(payload)


def kinds_read(indicators: Iterable[Indicator]) -> frozenset[str]:
    """The event kinds the formulas read, plus the start (kind and unit) and every kind that opens a step."""
    found = {"procedure_started", "task_completed", "timer_fired"}
    for indicator in indicators:
        found.update(_matchers_kinds(indicator.formula))
    return frozenset(found)


def _matchers_kinds(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["kind"]} if isinstance(node.get("kind"), str) else set()
        return own.union(*(_matchers_kinds(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_matchers_kinds(v) for v in node))
    return set()

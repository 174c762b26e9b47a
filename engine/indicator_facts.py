"""Each procedure's contribution to the 法治指数 indicators, kept as a projection of its chain (DF-INDICATOR).

Folding every event of every procedure for each report cost minutes at 100,000 procedures
(docs/benchmarks.md). The formulas of engine/indicators.py only ever ask, per procedure, *when* the
first event matching an EVENT happened and compare it with the period's bounds, so one procedure's
contribution can be written down once, independent of any period: the time of the anchor event, the
latest of the first times of its `with` events (None: one never happened), the earliest of its
`without` events, the `from`/`to` times of a median, and each counted or keyed event with its time.
A report then selects the rows whose times fall in the period (services/indicators.py) and combines
them as before (`engine.indicators.combine`).

The rows are folded from the events alone (`facts`): `refresh` rewrites a procedure's rows in the
transaction that appends an event (engine/services/history.py), and `decisionflow verify` folds them
again and reports any row that differs (engine/integrity/check.py). Equivalence with the event fold
assumes what the chain guarantees: a procedure's events are in time order (seq order is time order).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from engine import indicators as vocabulary
from engine.indicators import Event, Indicator, Procedure
from engine.persistence.tables import Event as EventRow
from engine.persistence.tables import IndicatorFact

__all__ = ["COLUMNS", "facts", "key_of", "kinds", "rebuild", "refresh"]

COLUMNS = ("definition", "sponsor_org", "at", "key", "with_at", "blocked_at", "where_with_at", "where_blocked_at",
           "from_at", "to_at", "ok")
"""The columns compared by verify (the key is procedure_id, indicator, part, n)."""
PROCEDURE = "procedure"


def kinds() -> frozenset[str]:
    """The event kinds whose append can change a procedure's rows (the others are not read); loaded on
    first use, so a bad indicator file fails the report and the appends that read it, not the import."""
    return _plan(vocabulary.catalogue())[0]
_F = IndicatorFact.__table__


def key_of(value: Any) -> str:
    """A payload value as a text key (distinct values stay distinct: JSON of the value)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def procedure_of(events: Iterable[Any], kinds: frozenset[str]) -> Procedure | None:
    """The procedure as the event fold of services/indicators.py sees it: its events of the kinds read,
    which must begin with `procedure_started` (None otherwise)."""
    rows = [e for e in events if e.kind in kinds]
    if not rows or rows[0].kind != "procedure_started":
        return None
    start = rows[0].payload if isinstance(rows[0].payload, Mapping) else {}
    definition = (start.get("definition") or {}).get("key") or ""
    pid = rows[0].procedure_id
    timeline = vocabulary.with_lateness(pid, [(e.at, e.kind, e.task_id, e.payload if isinstance(e.payload, Mapping)
                                               else {}) for e in rows])
    return Procedure(pid, definition, start.get("sponsor_org") or "", timeline, start.get("title") or "")


def _first(procedure: Procedure, spec: Mapping[str, Any], after: datetime | None = None) -> Event | None:
    for event in procedure.of_kind(spec["kind"]):
        if (after is None or event.at >= after) and vocabulary.matches(spec, event):
            return event
    return None


def _with_at(procedure: Procedure, where: Mapping[str, Any], anchor: datetime) -> datetime | None:
    """When every `with` event had happened (None: one never did); the anchor's time when there are none."""
    firsts = [_first(procedure, spec) for spec in where.get("with", [])]
    if any(f is None for f in firsts):
        return None
    return max((f.at for f in firsts if f is not None), default=anchor)


def _blocked_at(procedure: Procedure, where: Mapping[str, Any]) -> datetime | None:
    """When the first `without` event happened (None: none did)."""
    firsts = [f.at for spec in where.get("without", []) if (f := _first(procedure, spec)) is not None]
    return min(firsts, default=None)


def _rows(indicator: Indicator, procedure: Procedure) -> Iterator[dict[str, Any]]:
    kind, body = next(iter(indicator.formula.items()))
    if kind in ("count", "share", "median_days"):
        select_ = body if kind == "count" else body["of"]
        anchor = _first(procedure, select_["in_period"])
        if anchor is None:
            return
        row: dict[str, Any] = {"part": "select", "n": 0, "at": anchor.at,
                               "with_at": _with_at(procedure, select_, anchor.at),
                               "blocked_at": _blocked_at(procedure, select_)}
        if kind == "count" and "by" in body:
            data = {**(anchor.payload.get("data") or {}), **(anchor.payload.get("derived") or {})}
            row["key"] = str(data.get(body["by"]))
        if kind == "share":
            row["where_with_at"] = _with_at(procedure, body["where"], anchor.at)
            row["where_blocked_at"] = _blocked_at(procedure, body["where"])
        if kind == "median_days":
            start = _first(procedure, body["from"])
            stop = _first(procedure, body["to"], after=start.at) if start else None
            row["from_at"], row["to_at"] = (start.at if start else None), (stop.at if stop else None)
        yield row
    elif kind == "count_events":
        n = 0
        for event in procedure.of_kind(body["event"]["kind"]):
            if vocabulary.matches(body["event"], event):
                key = key_of(event.payload.get(body["distinct"])) if "distinct" in body else None
                yield {"part": "event", "n": n, "at": event.at, "key": key}
                n += 1
    else:
        among = of = 0
        for event in procedure.events:
            key = key_of(event.payload.get(body["key"]))
            if vocabulary.matches(body["among"], event):
                yield {"part": "among", "n": among, "at": event.at, "key": key}
                among += 1
            if event.kind == body["of"]["kind"]:
                yield {"part": "of", "n": of, "at": event.at, "key": key, "ok": vocabulary.matches(body["of"], event)}
                of += 1


_PLANS: dict[int, tuple[Sequence[Indicator], frozenset[str], frozenset[str]]] = {}


def _plan(indicators: Sequence[Indicator]) -> tuple[frozenset[str], frozenset[str]]:
    """The kinds read and the definitions concerned, worked out once per catalogue (indicators hold dicts,
    so the catalogue is known by identity)."""
    plan = _PLANS.get(id(indicators))
    if plan is None or plan[0] is not indicators:
        plan = _PLANS[id(indicators)] = (indicators, vocabulary.kinds_read(indicators),
                                         frozenset(d for i in indicators for d in i.definitions))
    return plan[1], plan[2]


def concerns(definition: str) -> bool:
    """Whether any indicator reads procedures of `definition` (a definition key)."""
    return definition in _plan(vocabulary.catalogue())[1]


def facts(events: Sequence[Any], indicators: Sequence[Indicator] | None = None) -> list[dict[str, Any]]:
    """The indicator_facts rows one procedure's events imply (events ordered by seq, any kinds).

    Rows carry every column; none for a procedure that is not of a definition any indicator reads."""
    indicators = vocabulary.catalogue() if indicators is None else indicators
    kinds, wanted = _plan(indicators)
    procedure = procedure_of(events, kinds)
    if procedure is None or procedure.definition not in wanted:
        return []
    common = {"procedure_id": procedure.id, "definition": procedure.definition, "sponsor_org": procedure.sponsor_org}
    blank = dict.fromkeys(COLUMNS)
    out = [{**blank, **common, "indicator": "", "part": PROCEDURE, "n": 0, "at": procedure.events[0].at,
            "key": procedure.title}]
    for indicator in indicators:
        if vocabulary.applies(indicator, procedure):
            out.extend({**blank, **common, "indicator": indicator.id, **row} for row in _rows(indicator, procedure))
    return out


def refresh(connection: Connection, procedure_id: int) -> None:
    """Rewrite one procedure's rows from its events, in the caller's transaction (an append's)."""
    events = connection.execute(select(EventRow.procedure_id, EventRow.seq, EventRow.at, EventRow.kind,
                                       EventRow.task_id, EventRow.payload)
                                .where(EventRow.procedure_id == procedure_id, EventRow.kind.in_(sorted(kinds())))
                                .order_by(EventRow.seq)).all()
    connection.execute(delete(_F).where(_F.c.procedure_id == procedure_id))
    rows = facts(events)
    if rows:
        connection.execute(insert(_F), rows)


def rebuild(connection: Connection, batch: int = 2000) -> int:
    """Every procedure's rows folded again from the events (the migration's backfill, a bulk load's
    catch-up); returns how many rows were written."""
    wanted = sorted(kinds())
    connection.execute(delete(_F))
    written, pending, current, events = 0, [], None, []  # type: ignore[var-annotated]
    stream = connection.execute(  # options on the statement: on the connection they would outlive this
        select(EventRow.procedure_id, EventRow.seq, EventRow.at, EventRow.kind, EventRow.task_id, EventRow.payload)
        .where(EventRow.kind.in_(wanted)).order_by(EventRow.procedure_id, EventRow.seq)
        .execution_options(stream_results=True, yield_per=batch))

    def flush() -> None:
        nonlocal pending, written
        if pending:
            connection.execute(insert(_F), pending)
            written += len(pending)
            pending = []

    rows_out: list[dict[str, Any]] = []
    for row in stream:
        if row.procedure_id != current:
            if events:
                rows_out.extend(facts(events))
            current, events = row.procedure_id, []
            if len(rows_out) >= batch:
                pending, rows_out = rows_out, []
                flush()
        events.append(row)
    if events:
        rows_out.extend(facts(events))
    pending = rows_out
    flush()
    return written

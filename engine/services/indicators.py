"""The door to the 法治指数 report: every indicator of processes/indicators/ over a period, by unit (DF-INDICATOR).

Figures come from the chained history only: the `events` rows (which verify recomputes link by link),
read in one read transaction. The procedure's kind and sponsoring unit are those its `procedure_started`
event names, not the mutable `procedures` columns. The report states the latest checkpoint and how many
of the procedures it counts have events after it (not yet anchored outside the database), so a reader
knows how much of it `decisionflow verify` can vouch for back to a signed checkpoint.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, cast, func, literal, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB

from engine import indicator_facts as facts
from engine import indicators as vocabulary
from engine.clock import CST
from engine.domain.actors import Actor
from engine.domain.errors import IndicatorQueryInvalid, IndicatorsForbidden
from engine.indicators import Figure, Indicator, Period, Procedure
from engine.persistence.tables import Event, IndicatorFact, Organisation
from engine.persistence.tables import Procedure as ProcedureRow
from engine.persistence.uow import UnitOfWork
from engine.services import checkpoints, paging
from engine.services.paging import Page

__all__ = ["catalogue", "folded_report", "rebuild_facts", "report"]

READERS = frozenset({"auditor", "legality_reviewer", "head", "decision_organ"})
"""Who sees the report: auditors, the justice bureau's legality review office, the head of government and
the decision organ (the leaders the figures are compiled for)."""
MAX_DAYS = 3660
_BATCH = 5000


@dataclass(frozen=True)
class Line:
    """One indicator's figure for one unit (or for all units: `unit` None)."""

    indicator: Indicator
    unit: str | None
    figure: Figure

    @property
    def meets(self) -> bool | None:
        return self.indicator.meets(self.figure)


@dataclass(frozen=True)
class CheckpointNote:
    """The latest checkpoint (None when none was made) and the procedures counted that moved after it."""

    seq: int | None
    at: str | None
    root: str | None
    moved_after: tuple[int, ...]


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    unit: str | None
    totals: tuple[Line, ...]
    """Every indicator over every unit asked for (all units, or the one `unit`)."""
    by_unit: dict[str, tuple[Line, ...]]
    """Every indicator for each sponsoring unit that has a procedure in the record."""
    unit_names: dict[str, str]
    checkpoint: CheckpointNote
    procedures: int
    """How many procedures the record held by the end of the period (of the unit, if one was asked)."""
    titles: dict[int, str]
    """Each procedure's title as its start event recorded it, to list the procedures behind a figure."""

    def line(self, indicator: str, unit: str | None = None) -> Line:
        """One indicator's line, in total or for one unit; KeyError for an unknown one."""
        for line in self.totals if unit is None else self.by_unit.get(unit, ()):
            if line.indicator.id == indicator:
                return line
        raise KeyError(indicator)

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (CLI --json, REST API): every figure with the procedures behind it."""
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "unit": self.unit,
                "procedures": self.procedures,
                "checkpoint": {"seq": self.checkpoint.seq, "at": self.checkpoint.at, "root": self.checkpoint.root,
                               "procedures_moved_after": list(self.checkpoint.moved_after)},
                "indicators": [_line(line) for line in self.totals],
                "units": [{"unit": unit, "name": self.unit_names.get(unit, unit), "met": met, "missed": missed,
                           "indicators": [_line(line) for line in self.by_unit[unit]]}
                          for unit, met, missed in self.ranking()]}

    def behind(self, figure: Figure, after: str | None = None, limit: int | None = None) -> Page[int]:
        """The procedures behind `figure` by id, one page of `limit` (paging.PAGE_SIZE) at a time, continued
        after the cursor `after` (the last id shown): a year's figure for a province counts thousands, and a
        page lists a page of them (issue 21). The report holds them already: the page is a slice."""
        n = paging.size(limit)
        key = paging.decode(after, (int,))
        ids = sorted(set(figure.procedures))
        start = bisect_right(ids, key[0]) if key is not None else 0
        chunk = ids[start:start + n + 1]
        more, chunk = len(chunk) > n, chunk[:n]
        return Page(tuple(chunk), paging.encode(chunk[-1]) if more else None)

    def ranking(self) -> list[tuple[str, int, int]]:
        """目标考核: units by how many targeted indicators they meet, then by fewer misses; (unit, met, missed)."""
        rows = []
        for unit, lines in self.by_unit.items():
            met = sum(1 for line in lines if line.meets is True)
            missed = sum(1 for line in lines if line.meets is False)
            rows.append((unit, met, missed))
        return sorted(rows, key=lambda r: (-r[1], r[2], r[0]))


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator,
            "procedures": list(figure.procedures),
            "breakdown": {k: _figure(v) for k, v in figure.breakdown.items()}}


def _line(line: Line) -> dict[str, Any]:
    i = line.indicator
    return {"id": i.id, "name_zh": i.name_zh, "name_en": i.name_en, "group": i.group, "rules": list(i.rules),
            "index_item": i.index_item, "unit": i.unit, "period": i.period, "target_min": i.target_min,
            "meets": line.meets, **_figure(line.figure)}


def catalogue(uow: UnitOfWork) -> tuple[Indicator, ...]:
    """The indicator definitions, checked against the vocabulary."""
    return vocabulary.catalogue()


def report(uow: UnitOfWork, start: date | str, end: date | str, unit: str | None = None,
           actor: Actor | None = None) -> Report:
    """Every indicator from `start` to `end` (local days, both included), for one unit or all.

    Read from the indicator_facts projection (engine/indicator_facts.py): the database selects the rows
    whose times fall in the period, which are combined as the event fold combines contributions.
    `actor` None is the operator on the server (`decisionflow indicators`); a user must hold one of READERS.
    Bad dates or an unknown unit are refused naming the field; nothing is written either way."""
    first, last, period = _query(start, end, actor)
    indicators = vocabulary.catalogue()
    with uow.read():
        names = _names(uow, unit)
        ids, sponsors, titles = _started(uow, period, indicators, unit)
        parts = _contributions(uow, period, indicators, unit)
    units = sorted(set(sponsors.values()))
    totals, per_unit = [], {u: [] for u in units}  # type: ignore[var-annotated]
    for indicator in indicators:
        by_unit: dict[str, list[tuple[int, Any]]] = {u: [] for u in units}
        for pid, contribution in parts.get(indicator.id, ()):
            by_unit[sponsors[pid]].append((pid, contribution))
        totals.append(Line(indicator, None, vocabulary.combine(indicator, [c for u in units for c in by_unit[u]])))
        for u in units:
            per_unit[u].append(Line(indicator, u, vocabulary.combine(indicator, by_unit[u])))
    return Report(first, last, unit, tuple(totals), {u: tuple(lines) for u, lines in per_unit.items()}, names,
                  _checkpoint(uow, ids), len(ids), titles)


def folded_report(uow: UnitOfWork, start: date | str, end: date | str, unit: str | None = None,
                  actor: Actor | None = None) -> Report:
    """The same report folded from the events themselves, every procedure's every event read: the
    reference the projection is tested against (slow: minutes at 100,000 procedures)."""
    first, last, period = _query(start, end, actor)
    indicators = vocabulary.catalogue()
    with uow.read():
        names = _names(uow, unit)
        procedures = [p for p in _procedures(uow, period, indicators) if unit is None or p.sponsor_org == unit]
    totals, per_unit = _figures(indicators, procedures, period)
    return Report(first, last, unit, totals, per_unit, names, _checkpoint(uow, [p.id for p in procedures]),
                  len(procedures), {p.id: p.title for p in procedures})


def _query(start: date | str, end: date | str, actor: Actor | None) -> tuple[date, date, Period]:
    if actor is not None and not actor.roles & READERS:
        raise IndicatorsForbidden(username=actor.username)
    first, last = _day("from", start), _day("to", end)
    if last < first:
        raise IndicatorQueryInvalid(field="to", problem=f"{last} is before from {first}",
                                    problem_zh=f"{last} 早于起始日期 {first}")
    if (last - first).days > MAX_DAYS:
        raise IndicatorQueryInvalid(field="to", problem=f"the period may span at most {MAX_DAYS} days",
                                    problem_zh=f"统计期间最长 {MAX_DAYS} 日")
    return first, last, Period(datetime.combine(first, time(0), tzinfo=CST),
                               datetime.combine(last + timedelta(days=1), time(0), tzinfo=CST))


def _names(uow: UnitOfWork, unit: str | None) -> dict[str, str]:
    names = dict(uow.session.execute(select(Organisation.code, Organisation.name)).all())
    if unit is not None and unit not in names:
        raise IndicatorQueryInvalid(field="unit", problem=f"unknown organisation {unit}",
                                    problem_zh=f"不存在单位 {unit}")
    return names


def _started(uow: UnitOfWork, period: Period, indicators: Sequence[Indicator], unit: str | None
             ) -> tuple[list[int], dict[int, str], dict[int, str]]:
    """The procedures started before the period ends (of a definition read; of the unit, if one): their
    ids, sponsoring units and titles, as their start events recorded them."""
    f = IndicatorFact
    query = select(f.procedure_id, f.sponsor_org, f.key).where(
        f.part == facts.PROCEDURE, f.at < period.end, f.definition.in_(sorted({d for i in indicators
                                                                             for d in i.definitions})))
    if unit is not None:
        query = query.where(f.sponsor_org == unit)
    ids, sponsors, titles = [], {}, {}
    for pid, sponsor, title in uow.session.connection().execute(query.order_by(f.procedure_id)
                                                                .execution_options(yield_per=_BATCH)):
        ids.append(pid)
        sponsors[pid], titles[pid] = sponsor, title or ""
    return ids, sponsors, titles


def _contributions(uow: UnitOfWork, period: Period, indicators: Sequence[Indicator], unit: str | None
                   ) -> dict[str, list[tuple[int, Any]]]:
    """Each indicator's (procedure id, contribution) pairs, from the fact rows the period selects: the
    same values `engine.indicators.contribution` folds from the events.

    The database applies the period: which procedures a selection holds, whether a share's `where` is met
    (one boolean per row), whether a median's two times fall before the end; only the median's times come
    back as times. One query per formula, on the Core connection (no ORM rows)."""
    f = IndicatorFact.__table__.c
    start, end = period.start, period.end
    kinds = {i.id: next(iter(i.formula)) for i in indicators}

    def of(kind: str) -> list[str]:
        return [i for i, k in kinds.items() if k == kind]

    def rows(*columns: Any, where: Any) -> Any:
        query = select(*columns).where(where, f.at < end)
        if unit is not None:
            query = query.where(f.sponsor_org == unit)
        return connection.execute(query.order_by(f.indicator, f.procedure_id, f.part, f.n)
                                  .execution_options(yield_per=_BATCH))

    connection = uow.session.connection()
    selected = and_(f.part == "select", f.at >= start, f.with_at.is_not(None), f.with_at < end,
                    or_(f.blocked_at.is_(None), f.blocked_at >= end))
    met = and_(f.where_with_at.is_not(None), f.where_with_at < end,
               or_(f.where_blocked_at.is_(None), f.where_blocked_at >= end))
    timed = and_(f.from_at.is_not(None), f.to_at.is_not(None), f.from_at < end, f.to_at < end)
    out: dict[str, list[tuple[int, Any]]] = {}
    for indicator, pid, key in rows(f.indicator, f.procedure_id, f.key,
                                    where=and_(selected, f.indicator.in_(of("count")))):
        out.setdefault(indicator, []).append((pid, key if key is not None else ""))
    for indicator, pid, ok in rows(f.indicator, f.procedure_id, case((met, True), else_=False),
                                   where=and_(selected, f.indicator.in_(of("share")))):
        out.setdefault(indicator, []).append((pid, bool(ok)))
    for indicator, pid, is_timed, since, until in rows(
            f.indicator, f.procedure_id, case((timed, True), else_=False), f.from_at, f.to_at,
            where=and_(selected, f.indicator.in_(of("median_days")))):
        out.setdefault(indicator, []).append((pid, (until - since).total_seconds() / 86400 if is_timed else None))
    keyed: dict[tuple[str, int], tuple[set[str], dict[str | None, bool]]] = {}
    for indicator, pid, part, n, key, ok in rows(
            f.indicator, f.procedure_id, f.part, f.n, f.key, f.ok,
            where=and_(f.indicator.in_(of("count_events") + of("share_events")),
                       or_(and_(f.part.in_(("event", "among")), f.at >= start), f.part == "of"))):
        among, latest = keyed.setdefault((indicator, pid), (set(), {}))
        if part == "of":  # in chain order: the last one before the end is the latest marking
            latest[key] = bool(ok)
        else:
            among.add(key if key is not None else f"#{n}")
    for (indicator, pid), (among, latest) in sorted(keyed.items()):
        if kinds[indicator] == "count_events":
            out.setdefault(indicator, []).append((pid, len(among) or None))
        elif among:
            out.setdefault(indicator, []).append((pid, (len(among), sum(1 for k in among if latest.get(k)))))
    return out


def _figures(indicators: Sequence[Indicator], procedures: Sequence[Procedure], period: Period
             ) -> tuple[tuple[Line, ...], dict[str, tuple[Line, ...]]]:
    """Each procedure's contribution to each indicator it concerns, computed once, then combined for the
    total and for each sponsoring unit."""
    units = sorted({p.sponsor_org for p in procedures})
    totals, per_unit = [], {u: [] for u in units}  # type: ignore[var-annotated]
    for indicator in indicators:
        parts: dict[str, list[tuple[int, Any]]] = {u: [] for u in units}
        for procedure in procedures:
            if vocabulary.applies(indicator, procedure):
                parts[procedure.sponsor_org].append(
                    (procedure.id, vocabulary.contribution(indicator, procedure, period)))
        totals.append(Line(indicator, None, vocabulary.combine(indicator, [c for u in units for c in parts[u]])))
        for u in units:
            per_unit[u].append(Line(indicator, u, vocabulary.combine(indicator, parts[u])))
    return tuple(totals), {u: tuple(lines) for u, lines in per_unit.items()}


def _day(name: str, value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise IndicatorQueryInvalid(field=name, problem=f"must be a date YYYY-MM-DD, not {value!r}",
                                    problem_zh=f"须为 YYYY-MM-DD 格式的日期，收到 {value!r}") from error


def _kinds(indicators: Iterable[Indicator]) -> frozenset[str]:
    """The event kinds the formulas read (engine.indicators.kinds_read)."""
    return vocabulary.kinds_read(indicators)


def _procedures(uow: UnitOfWork, period: Period, indicators: Sequence[Indicator]) -> list[Procedure]:
    """Each procedure's events of the kinds read, up to the end of the period, in chain order.

    Only the payload fields the formulas read are fetched, extracted by the database (JSON paths on
    both SQLite and PostgreSQL), so a report does not decode every form of every step."""
    wanted = {d for i in indicators for d in i.definitions}
    data_fields, payload_fields = (sorted(f) for f in vocabulary.fields_read(indicators))
    where = (Event.kind.in_(sorted(_kinds(indicators))), Event.at < period.end)
    if uow.session.get_bind().dialect.name == "postgresql":
        rows = _slim_postgres(uow, where, data_fields, payload_fields)
    else:
        payload = Event.payload
        columns = [Event.procedure_id, Event.at, Event.kind, Event.task_id, payload["step"].as_string(),
                   payload["opened"], payload[("definition", "key")].as_string(),
                   payload["sponsor_org"].as_string(), payload["title"].as_string(),
                   *(payload[("data", f)] for f in data_fields), *(payload[("derived", f)] for f in data_fields),
                   *(payload[f] for f in payload_fields)]
        rows = uow.session.execute(select(*columns).where(*where).order_by(Event.procedure_id, Event.seq)
                                   ).yield_per(_BATCH)
    found: list[Procedure] = []
    current: int | None = None
    started: tuple[str, str, str] | None = None
    buffer: list[tuple[datetime, str, str | None, Any]] = []
    n = len(data_fields)

    def flush() -> None:
        if current is not None and started is not None and started[0] in wanted:
            found.append(Procedure(current, started[0], started[1], vocabulary.with_lateness(current, buffer),
                                   started[2]))

    for row in rows:
        procedure_id, at, kind, task_id, step, opened, key, sponsor, title = row[:9]
        if procedure_id != current:
            flush()
            current, buffer, started = procedure_id, [], None
            if kind != "procedure_started":
                continue
        if kind == "procedure_started":
            started = (key or "", sponsor or "", title or "")
        if started is None or started[0] not in wanted:
            continue
        values = row[9:]
        event: dict[str, Any] = {"step": step, "opened": opened or (),
                                 **{f: v for f, v in zip(payload_fields, values[2 * n:], strict=True)}}
        if n:
            event["data"] = {f: v for f, v in zip(data_fields, values[:n], strict=True) if v is not None}
            event["derived"] = {f: v for f, v in zip(data_fields, values[n:2 * n], strict=True) if v is not None}
        buffer.append((at, kind, task_id, event))
    flush()
    return found


def _slim_postgres(uow: UnitOfWork, where: Any, data_fields: list[str], payload_fields: list[str]) -> Any:
    """The same rows on PostgreSQL: each `json` payload is parsed once (cast to jsonb behind an OFFSET 0
    fence, so the cast is not repeated per extracted field) and its wanted fields come back as one small
    JSON document per row, not one decoded value per field."""
    inner = (select(Event.procedure_id, Event.seq, Event.at, Event.kind, Event.task_id,
                    cast(Event.payload, JSONB).label("p")).where(*where).offset(0).subquery())
    p = inner.c.p

    def obj(pairs: list[tuple[str, Any]]) -> Any:
        return func.jsonb_build_object(*[x for k, v in pairs for x in (literal(k), v)])

    slim = obj([("step", p["step"]), ("opened", p["opened"]), ("definition", p[("definition", "key")]),
                ("sponsor_org", p["sponsor_org"]), ("title", p["title"]),
                ("data", obj([(f, p[("data", f)]) for f in data_fields])),
                ("derived", obj([(f, p[("derived", f)]) for f in data_fields])),
                *((f, p[f]) for f in payload_fields)])
    query = select(inner.c.procedure_id, inner.c.at, inner.c.kind, inner.c.task_id,
                   type_coerce(slim, JSONB)).order_by(inner.c.procedure_id, inner.c.seq)
    for procedure_id, at, kind, task_id, doc in uow.session.execute(query).yield_per(_BATCH):
        yield (procedure_id, at, kind, task_id, doc["step"], doc["opened"], doc["definition"], doc["sponsor_org"],
               doc["title"], *(doc["data"].get(f) for f in data_fields),
               *(doc["derived"].get(f) for f in data_fields), *(doc.get(f) for f in payload_fields))


def _checkpoint(uow: UnitOfWork, procedures: Sequence[int]) -> CheckpointNote:
    listed = checkpoints.listing(uow, limit=1)
    if not listed:
        return CheckpointNote(None, None, None, tuple(procedures))
    anchored = checkpoints.last_seqs(uow)
    with uow.read():  # the head verify checks each chain ends at
        heads = dict(uow.session.execute(select(ProcedureRow.id, ProcedureRow.head_seq)).all())
    moved = tuple(sorted(p for p in procedures if heads.get(p, 0) > anchored.get(p, 0)))
    view = listed[0]
    return CheckpointNote(view.seq, view.at, view.root, moved)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild of the indicator_facts projection changed, row by row (key: procedure, indicator, part, n)."""

    added: int
    removed: int
    changed: int
    rows: int
    """How many rows the projection holds now."""


def _snapshot(uow: UnitOfWork) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    table = IndicatorFact.__table__
    keys = (table.c.procedure_id, table.c.indicator, table.c.part, table.c.n)
    rows = uow.session.execute(select(*keys, *(table.c[name] for name in facts.COLUMNS))).all()
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def rebuild_facts(uow: UnitOfWork) -> Rebuilt:
    """Fold every procedure's indicator_facts rows again from its events, in one transaction: after an
    indicator file changed (a new indicator, a changed formula), which `verify` reports as rows that differ.

    On PostgreSQL the table is locked first, so an append that refreshes a procedure's rows waits for the
    rebuild (or the rebuild for it) and no row is folded from events the rebuild did not see."""
    vocabulary.catalogue.cache_clear()  # the files as they are now, not as this process first read them
    with uow:
        connection = uow.session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("LOCK TABLE indicator_facts IN EXCLUSIVE MODE")
        before = _snapshot(uow)
        facts.rebuild(connection)
        after = _snapshot(uow)
        uow.commit()
    common = before.keys() & after.keys()
    return Rebuilt(added=len(after.keys() - before.keys()), removed=len(before.keys() - after.keys()),
                   changed=sum(1 for key in common if before[key] != after[key]), rows=len(after))

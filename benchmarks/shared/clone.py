"""Many procedures from a few, consistently: every row a procedure owns, copied under a new id (issue 21).

`benchmarks/verify.py` clones one procedure's procedures/events/work_items rows; this generalises it to
every table keyed by procedure (timers, reminders, consultations, opinions, numbers_held and indicator_facts
too) so that procedures of every definition, at whatever position the seeds reached, can be multiplied.
Each clone gets its own procedure id; every task id the source used (in rows and anywhere inside event
payloads) is replaced by one derived from the clone's id (in the workflow state as well, and the events'
digest of that state with it); its chain is rehashed for that id (SHA-256, whatever the seed's suite).
`decisionflow verify --full` finds on the result only what it finds on the seeds (the benchmark checks).

A million clones must load in minutes, not hours, so nothing is re-encoded per clone. A clone's task id is
the source's first 24 characters and the clone id in 12 digits (`new_task`), so every text that holds task
ids — the workflow state, each event's canonical body, each COPY line — is precomputed once per source as a
template whose only holes are those 12 digits, the procedure id, the chain's previous hash and the state's
digest. Per clone that leaves one string join for the state, one zlib compression, one `%` format and one
SHA-256 per event. Rows go in with PostgreSQL COPY, from `workers` processes at once, each given whole
batches of clone numbers (ids, surrogate keys included, follow from the clone number alone). The slow path
(`Source.rows_for`: the rows rewritten value by value, each event hashed through `engine.chain`) is kept as
the reference: the first clone of every source and every `CHECK_EVERY`-th are compared with it and the load
stops at the first difference. On PostgreSQL the loaded tables' secondary indexes are dropped first and
re-created after, from their own definitions (`pg_get_indexdef`), so the schema ends as it began.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import select, text
from sqlalchemy.engine import Engine as SqlEngine

from engine import chain
from engine.persistence import tallies
from engine.persistence.tables import Base

BATCH = 2000
"""Clones per COPY transaction."""
CHECK_EVERY = 50_000
"""Every this many clones (and the first of each source) the template path is checked against the slow one."""
LEVEL = 1
"""zlib level of a clone's workflow state: the engine decompresses any level; level 1 is a third of 6's cost."""
OWNED = ("work_items", "timers", "reminders", "consultations", "opinions", "numbers_held", "indicator_facts")
"""The tables whose rows belong to one procedure, besides `procedures` and `events`. (A `scheduled_runs` row
is one per job and period: a clean-up procedure, which starts with one, cannot be cloned; none is a seed.)"""
TABLES = ("procedures", "events", *OWNED)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SURROGATE = {"timers": "id", "reminders": "id", "consultations": "id", "opinions": "id"}
# Placeholders while templates are built: characters no source text holds (checked), replaced by `%(…)s`.
_DIGITS = "\ue000" * 12
_STATE = "\ue001" * 64
_PREV = "\ue002" * 64
_HASH = "\ue003"
_STATE_BYTES = "\ue004"
_PID = 4503599627370493
"""A procedure id no source uses (checked), written where the clone's id goes in an event body."""


def new_task(task_id: str, pid: int) -> str:
    """A task id for clone `pid`: unique per clone, same length as a UUID."""
    return f"{task_id[:24]}{pid:012d}"


def _rewrite(value: Any, tasks: dict[str, str]) -> Any:
    if isinstance(value, str):
        return tasks.get(value, value)
    if isinstance(value, dict):
        return {tasks.get(k, k): _rewrite(v, tasks) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, tasks) for v in value]
    return value


def _copy_text(value: Any) -> str:
    """One value in COPY's text format, `%` doubled for the template."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        out = "t" if value else "f"
    elif isinstance(value, datetime):
        out = value.isoformat()
    elif isinstance(value, bytes):
        out = "\\x" + value.hex()
    elif isinstance(value, dict | list):
        out = chain.canonical(value).decode("utf-8")
    else:
        out = str(value)
    out = out.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return out.replace("%", "%%")


def _holes(template: str) -> str:
    return (template.replace(_DIGITS, "%(digits)s").replace(_STATE, "%(state)s").replace(_PREV, "%(prev)s"))


class Source:
    """One seed procedure's rows, read once, and the templates its clones are written from."""

    def __init__(self, db: SqlEngine, procedure_id: int) -> None:
        self.tables = {name: Base.metadata.tables[name] for name in TABLES}
        with db.connect() as connection:
            self.rows: dict[str, list[dict[str, Any]]] = {}
            for name, table in self.tables.items():
                key = table.c.id if name == "procedures" else table.c.procedure_id
                order = [table.c.seq] if name == "events" else list(table.primary_key.columns)
                self.rows[name] = [dict(r._mapping) for r in connection.execute(
                    select(table).where(key == procedure_id).order_by(*order))]
        self.task_ids = {row[c] for name in ("events", *OWNED) for row in self.rows[name]
                         for c in ("task_id",) if row.get(c)}
        state = self.rows["procedures"][0]["state"]
        self.state_text = zlib.decompress(state).decode("utf-8")
        # Tasks not yet reached have ids only in the state; each clone needs its own, or two clones would
        # open the same work item id when they reach it.
        self.task_ids |= set(UUID.findall(self.state_text))
        self.state_sha256 = hashlib.sha256(state).hexdigest()
        self.pattern = re.compile("|".join(re.escape(t) for t in sorted(self.task_ids))) if self.task_ids else None
        self.counts = {name: len(self.rows[name]) for name in SURROGATE}
        if self.rows["opinions"]:
            raise ValueError(f"procedure {procedure_id} has public opinions: their receipts are unique, "
                             "a clone would repeat them")
        self._templates()

    def rows_for(self, pid: int, level: int = LEVEL) -> dict[str, list[dict[str, Any]]]:
        """The clone `pid`, the slow way: its rows, task ids replaced, chain rehashed (the reference)."""
        tasks = {t: new_task(t, pid) for t in self.task_ids}
        # The workflow state names its tasks too: rewritten the same way, and the events' digest of it with it.
        text = self.pattern.sub(lambda m: tasks[m.group(0)], self.state_text) if self.pattern else self.state_text
        state = zlib.compress(text.encode("utf-8"), level)
        tasks[self.state_sha256] = hashlib.sha256(state).hexdigest()
        out: dict[str, list[dict[str, Any]]] = {}
        prev = chain.GENESIS
        events = []
        for event in self.rows["events"]:
            task = tasks.get(event["task_id"], event["task_id"])
            payload = _rewrite(event["payload"], tasks)
            digest = chain.event_hash(pid, event["seq"], event["at"], event["actor"], event["kind"], task, payload,
                                      prev)
            events.append({**event, "procedure_id": pid, "task_id": task, "payload": payload, "prev_hash": prev,
                           "hash": digest})
            prev = digest
        out["events"] = events
        out["procedures"] = [{**self.rows["procedures"][0], "id": pid, "head_hash": prev, "state": state}]
        for name in OWNED:
            drop = SURROGATE.get(name)
            out[name] = [{**{k: tasks.get(v, v) if isinstance(v, str) else v for k, v in row.items() if k != drop},
                          "procedure_id": pid} for row in self.rows[name]]
        return out

    # The fast path -------------------------------------------------------------------------------------

    def _templates(self) -> None:
        """COPY lines and event bodies with holes for the clone's digits, id, state digest and prev hash."""
        everything = self.state_text + "".join(
            [str(v) for rows in self.rows.values() for row in rows for v in row.values() if isinstance(v, str)]
            + [chain.canonical(event["payload"]).decode("utf-8") for event in self.rows["events"]])
        if any(mark[0] in everything for mark in (_DIGITS, _STATE, _PREV, _HASH, _STATE_BYTES)) or \
                str(_PID) in everything:
            raise ValueError("a source holds the template's placeholder characters")
        marks = {t: t[:24] + _DIGITS for t in self.task_ids}
        marks[self.state_sha256] = _STATE
        marked = self.pattern.sub(lambda m: marks[m.group(0)], self.state_text) if self.pattern else self.state_text
        self.state_pieces = marked.split(_DIGITS)
        if any(mark in piece for piece in self.state_pieces for mark in (_STATE, _PREV)):
            raise ValueError("the workflow state holds its own digest")
        self.columns = {name: [c.name for c in table.columns if c.name != SURROGATE.get(name)]
                        for name, table in self.tables.items()}
        self.bodies: list[str] = []
        self.lines: dict[str, list[str]] = {name: [] for name in TABLES}
        for event in self.rows["events"]:
            task = marks.get(event["task_id"], event["task_id"])
            payload = _rewrite(event["payload"], marks)
            body = {"procedure": _PID, "seq": event["seq"], "at": chain.timestamp(event["at"]),
                    "actor": event["actor"], "kind": event["kind"], "task": task, "payload": payload,
                    "prev_hash": _PREV}
            canonical = chain.canonical(body).decode("utf-8").replace("%", "%%")
            self.bodies.append(_holes(canonical.replace(f'"procedure":{_PID}', '"procedure":%(pid)d')))
            values = {**event, "procedure_id": None, "task_id": task, "payload": payload, "prev_hash": _PREV,
                      "hash": _HASH}
            self.lines["events"].append(self._line("events", values).replace(_HASH, "%(hash)s"))
        procedure = {**self.rows["procedures"][0], "id": None, "state": _STATE_BYTES, "head_hash": _HASH}
        self.lines["procedures"].append(
            self._line("procedures", procedure).replace(_STATE_BYTES, "%(state_copy)s").replace(_HASH, "%(prev)s"))
        for name in OWNED:
            for number, row in enumerate(self.rows[name]):
                values = {k: marks.get(v, v) if isinstance(v, str) else v for k, v in row.items()}
                values["procedure_id"] = None
                line = self._line(name, values)
                if name in SURROGATE:
                    line = f"%({name}_{number})d\t" + line
                self.lines[name].append(line)

    def _line(self, name: str, values: dict[str, Any]) -> str:
        """One COPY line; `procedure_id` (and a procedure's `id`) given as None become `%(pid)d`."""
        cells = []
        for column in self.columns[name]:
            if column in ("procedure_id", "id") and values[column] is None:
                cells.append("%(pid)d")
            else:
                cells.append(_holes(_copy_text(values[column])))
        return "\t".join(cells) + "\n"

    def copy_lines(self, pid: int, ids: dict[str, int]) -> tuple[dict[str, list[str]], str]:
        """The clone `pid`'s COPY lines per table (surrogate keys from `ids`: the first of each table), and
        its head hash."""
        digits = f"{pid:012d}"
        state = zlib.compress(digits.join(self.state_pieces).encode("utf-8"), LEVEL)
        holes: dict[str, Any] = {"digits": digits, "pid": pid, "state": hashlib.sha256(state).hexdigest(),
                                 "prev": chain.GENESIS}
        for name, first in ids.items():
            for number in range(self.counts[name]):
                holes[f"{name}_{number}"] = first + number
        events = []
        for body, line in zip(self.bodies, self.lines["events"], strict=True):
            digest = hashlib.sha256((body % holes).encode("utf-8")).hexdigest()
            holes["hash"] = digest
            events.append(line % holes)
            holes["prev"] = digest
        holes["state_copy"] = "\\\\x" + state.hex()
        out = {"events": events, "procedures": [self.lines["procedures"][0] % holes]}
        for name in OWNED:
            out[name] = [line % holes for line in self.lines[name]]
        return out, holes["prev"]

    def check(self, pid: int, ids: dict[str, int]) -> None:
        """The template path gives the slow path's rows for clone `pid`, or the load stops."""
        fast, head = self.copy_lines(pid, ids)
        slow = self.rows_for(pid)
        if head != slow["procedures"][0]["head_hash"]:
            raise AssertionError(f"clone {pid}: the template chain ends at {head}, the reference at "
                                 f"{slow['procedures'][0]['head_hash']}")
        for name in TABLES:
            expected = []
            for number, row in enumerate(slow[name]):
                values = {**row}
                line = "\t".join(_copy_text(values[c]).replace("%%", "%") for c in self.columns[name]) + "\n"
                if name in SURROGATE:
                    line = f"{ids[name] + number}\t{line}"
                expected.append(line)
            if fast[name] != expected:
                raise AssertionError(f"clone {pid}: {name} rows differ from the reference")


class Plan:
    """Which source, procedure id and surrogate keys clone number `m` gets: a function of `m` alone, so
    workers need no coordination. Clones are interleaved by source."""

    def __init__(self, seeds: Sequence[Source], first_id: int, first_keys: dict[str, int]) -> None:
        self.seeds, self.first_id, self.first_keys = seeds, first_id, first_keys
        self.per_round = {name: sum(s.counts[name] for s in seeds) for name in SURROGATE}
        self.offsets = [{name: sum(s.counts[name] for s in seeds[:i]) for name in SURROGATE}
                        for i in range(len(seeds))]

    def clone(self, m: int) -> tuple[Source, int, dict[str, int]]:
        turn, index = divmod(m, len(self.seeds))
        ids = {name: self.first_keys[name] + turn * self.per_round[name] + self.offsets[index][name]
               for name in SURROGATE}
        return self.seeds[index], self.first_id + m, ids


def _copy_batch(connection: psycopg.Connection, plan: Plan, start: int, stop: int) -> None:
    buffers: dict[str, list[str]] = {name: [] for name in TABLES}
    for m in range(start, stop):
        source, pid, ids = plan.clone(m)
        if m < len(plan.seeds) or m % CHECK_EVERY == 0:
            source.check(pid, ids)
        lines, _head = source.copy_lines(pid, ids)
        for name, rows in lines.items():
            buffers[name].extend(rows)
    with connection.transaction():
        for name in TABLES:  # parents first: the foreign keys are checked row by row
            if not buffers[name]:
                continue
            columns = ", ".join(([SURROGATE[name]] if name in SURROGATE else []) + plan.seeds[0].columns[name])
            with connection.cursor().copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                copy.write("".join(buffers[name]))


def _worker(url: str, plan: Plan, batches: list[tuple[int, int]], total: int) -> None:
    with psycopg.connect(url) as connection:
        connection.execute("SET synchronous_commit = off")
        started, done = time.perf_counter(), 0
        for start, stop in batches:
            _copy_batch(connection, plan, start, stop)
            done += stop - start
            if stop % 50_000 < BATCH:
                rate = done / (time.perf_counter() - started)
                print(f"  clone {stop} of {total} written ({rate:.0f}/s by this worker)", file=sys.stderr,
                      flush=True)


def _secondary_indexes(connection: Any) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the cloned tables' indexes that back no constraint."""
    return [(r[0], r[1]) for r in connection.execute(text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(:tables) AND t.relnamespace = "
        "'public'::regnamespace AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY c.relname"), {"tables": list(TABLES)}).all()]


def clone(db: SqlEngine, sources: Iterable[int], copies: int, first_id: int, workers: int = 2) -> int:
    """`copies` clones of each source procedure (interleaved, so ids mix definitions), from id `first_id`.
    Returns the next free id."""
    seeds = [Source(db, s) for s in sources]
    total = copies * len(seeds)
    if db.dialect.name != "postgresql":
        raise ValueError("clone writes with PostgreSQL COPY: give it a PostgreSQL database")
    with db.begin() as connection:
        keys = {name: (connection.scalar(text(f"SELECT max(id) FROM {name}")) or 0) + 1 for name in SURROGATE}
        indexes = _secondary_indexes(connection)
        for name, _definition in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
    plan = Plan(seeds, first_id, keys)
    db.dispose()  # no pooled connection crosses the fork
    url = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
    batches = [(start, min(start + BATCH, total)) for start in range(0, total, BATCH)]
    shares = [batches[w::workers] for w in range(workers)]
    started = time.perf_counter()
    if workers == 1:
        _worker(url, plan, batches, total)
    else:
        context = multiprocessing.get_context("fork")
        processes = [context.Process(target=_worker, args=(url, plan, share, total)) for share in shares if share]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        if any(p.exitcode for p in processes):
            raise RuntimeError(f"a clone worker failed: exit codes {[p.exitcode for p in processes]}")
    print(f"  copied {total} clones in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    started = time.perf_counter()
    with db.begin() as connection:
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _name, definition in indexes:
            connection.execute(text(definition))
        if _secondary_indexes(connection) != indexes:
            raise AssertionError("the secondary indexes re-created differ from those dropped")
        for name in ("procedures", *SURROGATE):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                    f"coalesce((SELECT max(id) FROM {name}), 1))"))
        tallies.recount(connection)  # COPY bypassed the unit of work that keeps the /metrics totals
        connection.execute(text("ANALYZE"))
    print(f"  indexed and analysed in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return first_id + total

"""Many procedures from a few, consistently: every row a procedure owns, copied under a new id (issue 21).

`benchmarks/verify.py` clones one procedure's procedures/events/work_items rows; this generalises it to
every table keyed by procedure (timers, reminders, consultations, opinions too) so that
procedures of every definition, at whatever position the seeds reached, can be multiplied. Each clone gets
its own procedure id; every task id the source used (in rows and anywhere inside event payloads) is
replaced by one derived from the clone's id (in the workflow state as well, and the events' digest of that
state with it); its chain is rehashed for that id. Surrogate integer keys are
left to the database. `decisionflow verify --full` finds nothing on the result (the benchmark checks).
"""

from __future__ import annotations

import hashlib
import re
import sys
import zlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, insert, select, text
from sqlalchemy.engine import Engine as SqlEngine

from engine import chain
from engine.persistence.tables import Base

BATCH = 1000
"""Procedures per transaction while cloning."""
OWNED = ("work_items", "timers", "reminders", "consultations", "opinions", "numbers_held")
"""The tables whose rows belong to one procedure, besides `procedures` and `events`. (A `scheduled_runs` row
is one per job and period: a clean-up procedure, which starts with one, cannot be cloned; none is a seed.)"""
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SURROGATE = {"timers": "id", "reminders": "id", "consultations": "id", "opinions": "id"}


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


class Source:
    """One seed procedure's rows, read once."""

    def __init__(self, db: SqlEngine, procedure_id: int) -> None:
        self.tables = {name: Base.metadata.tables[name] for name in ("procedures", "events", *OWNED)}
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

    def rows_for(self, pid: int) -> dict[str, list[dict[str, Any]]]:
        """The clone `pid`: its rows, task ids replaced, chain rehashed."""
        tasks = {t: new_task(t, pid) for t in self.task_ids}
        # The workflow state names its tasks too: rewritten the same way, and the events' digest of it with it.
        text = self.pattern.sub(lambda m: tasks[m.group(0)], self.state_text) if self.pattern else self.state_text
        state = zlib.compress(text.encode("utf-8"), 6)
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
            out[name] = [{**{k: _rewrite(v, tasks) if k == "task_id" else v for k, v in row.items() if k != drop},
                          "procedure_id": pid} for row in self.rows[name]]
        return out


def clone(db: SqlEngine, sources: Iterable[int], copies: int, first_id: int) -> int:
    """`copies` clones of each source procedure (interleaved, so ids mix definitions), from id `first_id`.
    Returns the next free id."""
    seeds = [Source(db, s) for s in sources]
    pid, made = first_id, 0
    total = copies * len(seeds)
    while made < total:
        batch: dict[str, list[dict[str, Any]]] = {}
        for _ in range(min(BATCH, total - made)):
            for name, rows in seeds[made % len(seeds)].rows_for(pid).items():
                batch.setdefault(name, []).extend(rows)
            pid, made = pid + 1, made + 1
        with db.begin() as connection:
            for name in ("procedures", "events", *OWNED):
                if batch.get(name):
                    table: Table = seeds[0].tables[name]
                    connection.execute(insert(table), batch[name])
        if made % 10_000 < BATCH:
            print(f"  {made} of {total} cloned", file=sys.stderr)
    with db.begin() as connection:
        if db.dialect.name == "postgresql":
            for name in ("procedures", *SURROGATE):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                        f"coalesce((SELECT max(id) FROM {name}), 1))"))
            connection.execute(text("ANALYZE"))
    return pid

"""Numbers held: each unique identifier a step recorded (ND-6 registration numbers, document numbers,
case numbers, archive references), one row per procedure and number, so uniqueness is one index lookup
instead of a scan of every such step's events, and holds under concurrency (a per-number lock on
PostgreSQL, engine/services/registry.py) — issue 19 item 6.

A projection of the chain like the indicator facts: a row is written in the completion's transaction,
`numbers_held(events)` rebuilds the rows from a procedure's `task_completed` events (which step kinds
carry a number is what the statutes' guards declare, `Reads.number`), and `decisionflow verify` compares
the two (DF-INTEGRITY). Numbers are kept in their canonical spelling (engine/domain/citations.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from engine.domain.citations import canonical_number
from engine.statutes import guards

COLUMNS = ("seq",)
"""The columns verify compares beyond the key (field, number)."""


@cache
def numbered_steps() -> dict[str, str]:
    """Step kind → the field whose number it holds, from the guards' declarations."""
    found: dict[str, str] = {}
    for statute, kind in guards.guarded():
        field = guards.reads(statute, kind).number
        if field is not None:
            if found.get(kind, field) != field:
                raise ValueError(f"step kind {kind} holds two number fields: {found[kind]} and {field}")
            found[kind] = field
    return found


def held_by_step(step_kind: str, data: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, canonical number) a completion of `step_kind` with `data` holds, or None."""
    field = numbered_steps().get(step_kind)
    value = data.get(field) if field else None
    if not isinstance(value, str) or not canonical_number(value):
        return None
    return field, canonical_number(value)  # type: ignore[return-value]


def numbers_held(events: Iterable[Any]) -> dict[tuple[str, str], int]:
    """(field, canonical number) → the seq of the event that first recorded it, from a procedure's events."""
    held: dict[tuple[str, str], int] = {}
    for event in events:
        if event.kind != "task_completed" or not isinstance(event.payload, Mapping):
            continue
        data = event.payload.get("data")
        key = held_by_step(str(event.payload.get("step_kind")), data if isinstance(data, Mapping) else {})
        if key is not None:
            held.setdefault(key, event.seq)
    return held

"""Canonical JSON, event hashing and chain verification (DESIGN invariant 4).

`hash = SHA-256(RFC 8785 canonical JSON of the event with prev_hash)`. The first
event's `prev_hash` is 64 zeros. `verify` walks a chain and names the first seq that
does not match, so an auditor knows where the record was altered (MD-33b, MD-39).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    """The one textual form of an event time: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> bytes:
    return rfc8785.dumps(value)


def event_hash(procedure_id: int, seq: int, at: datetime, actor: str, kind: str,
               task_id: str | None, payload: Mapping[str, Any], prev_hash: str) -> str:
    body = {"procedure": procedure_id, "seq": seq, "at": timestamp(at), "actor": actor,
            "kind": kind, "task": task_id, "payload": payload, "prev_hash": prev_hash}
    return hashlib.sha256(canonical(body)).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    procedure_id: int
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(procedure_id: int, events: Iterable[Any], head_seq: int, head_hash: str) -> ChainReport:
    """Recompute a chain. `events` come ordered by seq; the head is the procedure row's."""
    prev, expected_seq, count = GENESIS, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainReport(procedure_id, False, count, min(event.seq, expected_seq),
                               f"seq {expected_seq} is missing or out of order")
        if event.prev_hash != prev:
            return ChainReport(procedure_id, False, count, event.seq, "prev_hash does not match")
        try:
            recomputed = event_hash(event.procedure_id, event.seq, event.at, event.actor, event.kind,
                                    event.task_id, event.payload, event.prev_hash)
        except Exception as error:  # a tampered payload may not even be canonical JSON
            return ChainReport(procedure_id, False, count, event.seq, f"cannot hash: {error}")
        if recomputed != event.hash:
            return ChainReport(procedure_id, False, count, event.seq, "hash does not match the content")
        prev, expected_seq = event.hash, expected_seq + 1
    if expected_seq - 1 != head_seq or prev != head_hash:
        return ChainReport(procedure_id, False, count, expected_seq if expected_seq - 1 < head_seq else head_seq,
                           "the chain does not end at the procedure's recorded head")
    return ChainReport(procedure_id, True, count)

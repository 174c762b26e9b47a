"""Canonical JSON, event hashing and chain verification (DESIGN invariant 4).

`hash = H(RFC 8785 canonical JSON of the event with prev_hash)`, H being the chain's
algorithm (engine/crypto_suite.py): SHA-256 written as bare hex, or SM3 written `sm3:…`. An SM3
chain's body also carries `"alg": "sm3"`. The first event's `prev_hash` is zeros in the chain's
form (64 zeros, or `sm3:` and 64 zeros), and every event must keep the algorithm its chain began
with, so a chain cannot be relabelled from one algorithm to the other event by event.
`verify` walks a chain and names the first seq that does not match, so an auditor knows where the
record was altered (MD-33b, MD-39). """

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import rfc8785

from engine.crypto_suite import alg_of, digest, genesis

GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    """The one textual form of an event time: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: Any) -> bytes:
    return rfc8785.dumps(value)


def event_hash(procedure_id: int, seq: int, at: datetime, actor: str, kind: str,
               task_id: str | None, payload: Mapping[str, Any], prev_hash: str) -> str:
    """The event's hash, in the algorithm its `prev_hash` names (a chain keeps the one it began with)."""
    alg = alg_of(prev_hash)
    body = {"procedure": procedure_id, "seq": seq, "at": timestamp(at), "actor": actor,
            "kind": kind, "task": task_id, "payload": payload, "prev_hash": prev_hash}
    if alg != "sha256":
        body["alg"] = alg
    return digest(canonical(body), alg)


@dataclass(frozen=True)
class ChainReport:
    procedure_id: int
    ok: bool
    events: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(procedure_id: int, events: Iterable[Any], head_seq: int, head_hash: str) -> ChainReport:
    """Recompute a chain. `events` come ordered by seq; the head is the procedure row's."""
    prev, expected_seq, count = None, 1, 0
    for event in events:
        count += 1
        if prev is None:  # the first event's prev_hash names the chain's algorithm: it must be that one's zeros
            prev = genesis(alg_of(event.prev_hash))
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
        if alg_of(event.hash) != alg_of(prev):
            return ChainReport(procedure_id, False, count, event.seq,
                               f"the event changes the chain's algorithm from {alg_of(prev)} to {alg_of(event.hash)}")
        if recomputed != event.hash:
            return ChainReport(procedure_id, False, count, event.seq, "hash does not match the content")
        prev, expected_seq = event.hash, expected_seq + 1
    if prev is None:
        prev = genesis(alg_of(head_hash))
    if expected_seq - 1 != head_seq or prev != head_hash:
        return ChainReport(procedure_id, False, count, expected_seq if expected_seq - 1 < head_seq else head_seq,
                           "the chain does not end at the procedure's recorded head")
    return ChainReport(procedure_id, True, count)

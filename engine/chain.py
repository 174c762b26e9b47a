"""Canonical JSON, event hashing and chain verification (DESIGN invariant 4).

`hash = H(RFC 8785 canonical JSON of the event with prev_hash)`, H being the chain's
algorithm (engine/crypto_suite.py): SHA-256 written as bare hex, or SM3 written `sm3:…`. An SM3
chain's body also carries `"alg": "sm3"`. The first event's `prev_hash` is zeros in the chain's
form (64 zeros, or `sm3:` and 64 zeros), and every event must keep the algorithm its chain began
with, so a chain cannot be relabelled from one algorithm to the other event by event.
`verify` walks a chain and names the first seq that does not match, so an auditor knows where the
record was altered (MD-33b, MD-39). """

from __future__ import annotations

import json
import re
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
    """RFC 8785 canonical JSON. The C encoder writes it byte for byte for what events hold — strings,
    integers of the safe range, booleans, null, lists and objects with keys in the Basic Multilingual
    Plane — in a third of the pure-Python implementation's time (an eighth of a timer's firing went
    there). Anything else takes `rfc8785` itself: a character beyond U+FFFF anywhere in the text (RFC 8785
    orders keys by UTF-16 code units), or a float or an integer beyond the safe range (found by parsing the
    text back). tests/unit/test_chain_canonical.py holds the two equal."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
        if _BEYOND_BMP.search(text) is None:
            json.loads(text, parse_float=_not_plain, parse_int=_safe_int, parse_constant=_not_plain)
            return text.encode("utf-8")
    except (TypeError, ValueError):  # UnicodeEncodeError (a lone surrogate) and the hooks' refusals too
        pass
    return rfc8785.dumps(value)


_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")


def _not_plain(text: str) -> None:
    raise ValueError(text)


def _safe_int(text: str) -> int:
    """An integer RFC 8785 writes as the encoder does: within ±(2⁵³ − 1), else handed over."""
    if len(text) > 15 and not -(2**53) < int(text) < 2**53:
        raise ValueError(text)
    return 0  # the value itself is not used


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

"""Document mentions: which procedures speak of which registered normative document, so a registry page
reads only what its own entries need (issue 21) instead of every clean-up and reconsideration case.

Two kinds, each naming its document as the registry looks it up:
- `cleanup`: a published clean-up (ND-9) lists the document, by its procedure id, in one of its lists;
  one row per listed document and publication event (a document listed twice in one event is one row).
- `incidental`: a reconsideration application asks for an incidental review (ND-10, RC-14) of the
  document, by its number in canonical spelling; one row for the procedure's last `application`
  completion (a later one replaces it, as the registry takes the last one).

A projection of the chain like numbers_held (engine/numbers.py): rows are written in the completion's
transaction (engine/services/registry.py `record_mentions`), `mentions(events)` rebuilds them from a
procedure's `task_completed` events, and `decisionflow verify` compares the two (DF-INTEGRITY). The rows
are a superset of what the registry shows: which definition the procedure runs, and the rest of the
record, are read from the mentioned procedures' events when a page is drawn, exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.domain.citations import canonical_number

CLEANUP, INCIDENTAL = "cleanup", "incidental"
CLEANUP_PUBLICATION = "cleanup_publication"
"""The step kind whose completion publishes a clean-up's lists (processes/nd_cleanup.bpmn)."""
CLEANUP_DECISIONS = (("continuing_list", "continue"), ("amending_list", "amend"), ("repealed_list", "repeal"),
                     ("lapsed_list", "lapsed"))
"""ND-9: the lists a published clean-up holds, and the decision each stands for (the registry reads them too)."""
CLEANUP_LISTS = tuple(name for name, _ in CLEANUP_DECISIONS)
APPLICATION = "application"
"""The step (BPMN id) of a reconsideration where the applicant may ask for an incidental review."""
COLUMNS: tuple[str, ...] = ()
"""The columns verify compares beyond the key (kind, document, seq): none, the key is the row."""

Mention = tuple[str, str, int]
"""(kind, document, seq of the event that made it)."""


def from_completion(payload: Mapping[str, Any], seq: int) -> tuple[bool, set[Mention]]:
    """What one `task_completed` payload says: whether it replaces the procedure's incidental mention (it is
    an `application`), and the mentions it makes."""
    found: set[Mention] = set()
    derived = payload.get("derived") if isinstance(payload.get("derived"), Mapping) else {}
    data = payload.get("data") if isinstance(payload.get("data"), Mapping) else {}
    if payload.get("step_kind") == CLEANUP_PUBLICATION:
        for name in CLEANUP_LISTS:
            listed_ = derived.get(name)
            for listed in listed_ if isinstance(listed_, list) else []:
                document = _procedure_id(listed)
                if document is not None:
                    found.add((CLEANUP, document, seq))
    application = payload.get("step") == APPLICATION
    if application:
        values = {**data, **derived}
        number = values.get("incidental_document_number")
        if values.get("incidental_review") and number:
            found.add((INCIDENTAL, canonical_number(str(number))[:300], seq))
    return application, found


def mentions(events: Iterable[Any]) -> dict[tuple[str, str, int], int]:
    """(kind, document, seq) → seq, the rows a procedure's events imply."""
    held: dict[tuple[str, str, int], int] = {}
    for event in events:
        if event.kind != "task_completed" or not isinstance(event.payload, Mapping):
            continue
        replaces, found = from_completion(event.payload, event.seq)
        if replaces:
            held = {key: seq for key, seq in held.items() if key[0] != INCIDENTAL}
        held.update({mention: mention[2] for mention in found})
    return held


def _procedure_id(listed: Any) -> str | None:
    try:
        return str(int(listed["procedure_id"]))
    except (KeyError, TypeError, ValueError):
        return None

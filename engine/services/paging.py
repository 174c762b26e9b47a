"""Keyset pages: every list a service returns is bounded, and the next page starts after the last row's key.

An offset page costs the rows it skips; a keyset page costs only its own rows, whatever the table's size,
because the query seeks the index on the sort key (issue 21). The cursor is the last row's sort key, in
URL-safe base64 of JSON, so a page link carries it; a cursor this code did not make is refused naming the
field, never guessed at.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from engine.domain.errors import CursorInvalid

__all__ = ["MAX_SIZE", "PAGE_SIZE", "Page", "decode", "encode", "size"]

PAGE_SIZE = 50
MAX_SIZE = 200
"""The largest page any caller may ask for: a page is a bounded amount of work."""

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the next (None on the last page)."""

    items: tuple[T, ...]
    next: str | None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def size(limit: int | None) -> int:
    """The page size asked for, within 1..MAX_SIZE (PAGE_SIZE when not given)."""
    return PAGE_SIZE if limit is None else max(1, min(int(limit), MAX_SIZE))


def encode(*key: str | int | datetime | None) -> str:
    """A cursor for the sort key `key` (datetimes as ISO 8601 with their offset)."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in key]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, kinds: Sequence[type], field: str = "after") -> tuple[object, ...] | None:
    """The sort key a cursor carries, typed by `kinds` (str, int or datetime; each may be null), or None.

    Raises CursorInvalid naming `field` for anything `encode` did not make for this list."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds) or len(cursor) > 400:
            raise ValueError("wrong shape")
        return tuple(_typed(value, kind) for value, kind in zip(raw, kinds, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as bad:
        raise CursorInvalid(field=field) from bad


def _typed(value: object, kind: type) -> object:
    if value is None:
        return None
    if kind is datetime and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return parsed
    if kind is int and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    if kind is str and isinstance(value, str) and len(value) <= 200:
        return value
    raise ValueError(f"not a {kind.__name__}")

"""What verify found: one fact that the history does not back, said in English and Chinese (DF-INTEGRITY).

A finding names where to look — the procedure (if any), the table, the row's key, the column and the
first event that does not match — so an auditor goes straight to the row. The Chinese text lives in
engine/locale/zh_CN.json under `integrity.<kind>`, like every engine message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_CN.json"

TEMPLATES = {
    "differs": "{table}.{field} of {key} is {actual}; the history says {expected}",
    "missing_row": "{table} row {key} is missing; the history records it",
    "extra_row": "{table} row {key} is not in the history",
    "chain": "the chain of procedure {procedure} is broken at seq {seq}: {reason}",
    "admin_chain": "the administration log is broken at seq {seq}: {reason}",
    "content": "{table} row {key}: the stored content does not hash to its {field}",
    "unreadable": "{table} row {key} cannot be read: {reason}",
}


@cache
def _zh() -> dict[str, str]:
    return dict(json.loads(_LOCALE.read_text(encoding="utf-8")))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


@dataclass(frozen=True)
class Finding:
    """One fact the history does not back; `seq` is the first event that disagrees, when one does."""

    kind: str
    table: str
    key: str
    field: str | None = None
    procedure_id: int | None = None
    seq: int | None = None
    expected: Any = None
    actual: Any = None
    reason: str = ""

    def _context(self) -> dict[str, Any]:
        return {"table": self.table, "key": self.key, "field": self.field, "procedure": self.procedure_id,
                "seq": self.seq, "expected": _show(self.expected), "actual": _show(self.actual),
                "reason": self.reason}

    @property
    def en(self) -> str:
        return TEMPLATES[self.kind].format(**self._context())

    @property
    def zh(self) -> str:
        return _zh().get(f"integrity.{self.kind}", TEMPLATES[self.kind]).format(**self._context())

    def message(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def where(self) -> str:
        """`procedure 7 · work_items[abc].completed_by · seq 5`: the place, in the same words in both languages."""
        column = f".{self.field}" if self.field else ""
        parts = ([f"procedure {self.procedure_id}"] if self.procedure_id is not None else []) + \
            [f"{self.table}[{self.key}]{column}"] + ([f"seq {self.seq}"] if self.seq is not None else [])
        return " · ".join(parts)

"""Migration proposals rebuilt from the administration log (DF-INTEGRITY, DF-MIGRATE).

A proposal decides what a second person approves and who may approve it (never its proposer), so its row
must not be changeable alone: `migration_proposed`, `migration_decided` and `migration_results` entries carry
every column (who and when from the entry itself), and `check` compares the rows with their fold. Each
migration it approves is, besides, a chained `procedure_migrated` event of the procedure it moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from engine.chain import timestamp
from engine.integrity.findings import Finding
from engine.persistence.tables import MigrationProposal

KINDS = frozenset({"migration_proposed", "migration_decided", "migration_results"})
COLUMNS = ("key", "source_version", "target_version", "plan", "reason", "status", "proposed_by", "proposed_at",
           "decided_by", "decided_at", "results")


@dataclass
class Proposals:
    """The rows the log implies, by proposal id; `seq` is the last entry that changed each."""

    rows: dict[int, dict[str, Any]] = field(default_factory=dict)
    seq: dict[int, int] = field(default_factory=dict)

    def fold(self, entry: Any) -> None:
        p = entry.payload
        number = p.get("proposal")
        if entry.kind == "migration_proposed":
            self.rows[number] = {"key": p["key"], "source_version": p["source_version"],
                                 "target_version": p["target_version"], "plan": p["plan"], "reason": p["reason"],
                                 "status": "pending", "proposed_by": entry.actor,
                                 "proposed_at": timestamp(entry.at), "decided_by": None, "decided_at": None,
                                 "results": None}
        elif entry.kind == "migration_decided":
            self.rows.setdefault(number, {}).update(status=p["status"], decided_by=entry.actor,
                                                    decided_at=timestamp(entry.at))
        elif entry.kind == "migration_results":
            self.rows.setdefault(number, {})["results"] = p["results"]
        else:
            return
        self.seq[number] = entry.seq


def check(connection: Connection, expected: Proposals) -> Iterator[Finding]:
    seen: set[int] = set()
    for row in connection.execute(select(MigrationProposal.__table__).order_by(MigrationProposal.id)):
        seen.add(row.id)
        want = expected.rows.get(row.id)
        if want is None:
            yield Finding("extra_row", "migration_proposals", str(row.id))
            continue
        for column in COLUMNS:
            actual = getattr(row, column)
            if column in ("proposed_at", "decided_at") and actual is not None:
                actual = timestamp(actual)
            if actual != want.get(column):
                yield Finding("differs", "migration_proposals", str(row.id), column, seq=expected.seq.get(row.id),
                              expected=want.get(column), actual=actual)
    for number in sorted(expected.rows.keys() - seen):
        yield Finding("missing_row", "migration_proposals", str(number), seq=expected.seq.get(number))

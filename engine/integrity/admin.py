"""The administration side: the admin log's chain, definitions and the decision catalogue (DF-INTEGRITY).

The admin log (engine/services/adminlog.py) is recomputed from its first entry to its recorded head.
A definition is checked against its own content (`sha256` of the BPMN, `bundle_sha256` of BPMN and
forms, the compliance report re-derived) and against its `definition_deployed` entry (key, version,
name, hashes, who deployed it and when). A year's catalogue rows are checked against the digest of the
rows that its last `catalogue_loaded` entry recorded, column by column. Organisations, roles, users,
grants and tokens are folded from their entries and compared (accounts.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from engine import chain
from engine.integrity import accounts, proposals
from engine.integrity.findings import Finding
from engine.persistence.tables import AdminEvent, AdminLogHead, CatalogueItem, Definition
from engine.services import adminlog
from engine.services.catalogue import ROW_COLUMNS, recorded_rows

_A, _H = AdminEvent.__table__, AdminLogHead.__table__


def check(connection: Connection) -> Iterator[Finding]:
    deployed: dict[tuple[Any, Any], Any] = {}
    loaded: dict[Any, Any] = {}
    folded = accounts.Accounts()
    migrations = proposals.Proposals()

    def entries() -> Iterator[Any]:
        for row in connection.execution_options(stream_results=True, yield_per=2000).execute(
                select(_A).order_by(_A.c.seq)):
            if row.kind == "definition_deployed":
                deployed[(row.payload.get("key"), row.payload.get("version"))] = row
            elif row.kind == "catalogue_loaded":
                loaded[row.payload.get("year")] = row
            elif row.kind in accounts.KINDS:
                folded.fold(row)
            elif row.kind in proposals.KINDS:
                migrations.fold(row)
            yield row

    head = connection.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).one_or_none()
    report = adminlog.check_chain(entries(), *(head or (0, chain.GENESIS)))
    if not report.ok:
        yield Finding("admin_chain", "admin_events", str(report.first_bad_seq), "hash", seq=report.first_bad_seq,
                      reason=report.reason)
    yield from _definitions(connection, deployed)
    yield from _catalogue(connection, loaded)
    yield from accounts.check(connection, folded)
    yield from proposals.check(connection, migrations)


def _definitions(connection: Connection, deployed: dict[tuple[Any, Any], Any]) -> Iterator[Finding]:
    from engine.bpmn.definition import analyse  # the compliance check: heavy, imported only when verifying

    unseen = dict(deployed)
    for row in connection.execution_options(stream_results=True, yield_per=20).execute(
            select(Definition).order_by(Definition.id)):
        key = f"{row.key} v{row.version}"
        unseen.pop((row.key, row.version), None)
        bpmn = row.bpmn.encode("utf-8")
        entry = deployed.get((row.key, row.version))
        bundle = hashlib.sha256(chain.canonical({"bpmn": row.bpmn, "forms": row.forms})).hexdigest()
        recorded_sha = entry.payload.get("sha256") if entry is not None else None
        recorded_bundle = entry.payload.get("bundle_sha256") if entry is not None else None
        if hashlib.sha256(bpmn).hexdigest() != row.sha256:  # which side moved: the one the log disagrees with
            yield Finding("content", "definitions", key, "bpmn" if row.sha256 == recorded_sha else "sha256")
        elif bundle != row.bundle_sha256:
            yield Finding("content", "definitions", key,
                          "forms" if row.bundle_sha256 == recorded_bundle else "bundle_sha256")
        if entry is None:
            yield Finding("extra_row", "definitions", key)
            continue
        recorded = {"name": entry.payload.get("name"), "sha256": entry.payload.get("sha256"),
                    "bundle_sha256": entry.payload.get("bundle_sha256"), "deployed_by": entry.actor,
                    "deployed_at": entry.at}
        for column, want in recorded.items():
            if getattr(row, column) != want:
                yield Finding("differs", "definitions", key, column, seq=entry.seq, expected=want,
                              actual=getattr(row, column))
        compliance = _compliance(analyse, bpmn, row.forms, bundle)
        if compliance is not None and compliance != row.compliance:
            yield Finding("differs", "definitions", key, "compliance", seq=entry.seq, expected=compliance,
                          actual=row.compliance)
    for (name, version), entry in unseen.items():  # deployed, in the log, and gone from the table
        yield Finding("missing_row", "definitions", f"{name} v{version}", seq=entry.seq)


_COMPLIANCE: dict[str, Any] = {}
"""Compliance reports by the digest of the stored BPMN and forms they were derived from: the same bytes
always give the same report, so a cached one is safe (DESIGN: caches keyed by content)."""


def _compliance(analyse: Any, bpmn: bytes, forms: Any, bundle: str) -> Any:
    if bundle not in _COMPLIANCE:
        try:
            _COMPLIANCE[bundle] = analyse(bpmn, forms).compliance
        except Exception:  # a tampered BPMN may not parse; its sha256 finding already names it
            return None
    return _COMPLIANCE[bundle]


def _catalogue(connection: Connection, loaded: dict[Any, Any]) -> Iterator[Finding]:
    """Each year's rows against the rows its last load recorded, by code and column."""
    years = [y for (y,) in connection.execute(select(CatalogueItem.year).distinct().order_by(CatalogueItem.year))]
    for year in sorted(set(years) | {y for y in loaded if isinstance(y, int)}):
        stored = {r.code: r for r in connection.execute(
            select(CatalogueItem.__table__).where(CatalogueItem.year == year))}
        entry = loaded.get(year)
        if entry is None:
            yield from (Finding("extra_row", "catalogue_items", f"{year}/{code}") for code in stored)
            continue
        if "rows" not in entry.payload:  # loaded before rows were recorded: nothing to rebuild from
            continue
        recorded = {r["code"]: r for r in entry.payload["rows"]}
        for code, want in recorded.items():
            row, key = stored.get(code), f"{year}/{code}"
            if row is None:
                yield Finding("missing_row", "catalogue_items", key, seq=entry.seq)
                continue
            have = recorded_rows([row])[0]
            for column in ROW_COLUMNS:
                if have[column] != want.get(column):
                    yield Finding("differs", "catalogue_items", key, column, seq=entry.seq, expected=want.get(column),
                                  actual=have[column])
        yield from (Finding("extra_row", "catalogue_items", f"{year}/{code}", seq=entry.seq)
                    for code in stored if code not in recorded)

"""The decision catalogue: load a year's file, list it, and look an item up for initiation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from engine import catalogue as rules
from engine.chain import canonical, timestamp
from engine.persistence.tables import CatalogueItem
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, paging

__all__ = ["items", "items_page", "load"]


@dataclass(frozen=True)
class ItemView:
    year: int
    code: str
    title: str
    category: str
    sponsor_org: str
    status: str


def load(uow: UnitOfWork, data: dict[str, Any], loaded_by: str) -> list[ItemView]:
    """Load (or reload) a year's catalogue file: every item with its status and approval record.

    Each load is recorded in the administration log (DF-AUDIT) with the file's SHA-256.
    """
    rules.validate(data)
    digest = hashlib.sha256(canonical(data)).hexdigest()
    with uow:
        now = uow.clock.now()
        existing = {i.code: i for i in uow.session.scalars(
            select(CatalogueItem).where(CatalogueItem.year == data["year"]))}
        for entry in data["items"]:
            row = existing.get(entry["code"]) or CatalogueItem(year=data["year"], code=entry["code"])
            row.title, row.category, row.sponsor_org = entry["title"], entry["category"], entry["sponsor_org"]
            row.decision_organ, row.status = data["decision_organ"], rules.status_of(data, entry)
            row.approvals = {"party_approval": data.get("party_approval"), "published_on": data.get("published_on"),
                             "added": entry.get("added")}
            row.source_sha256, row.loaded_by, row.loaded_at = digest, loaded_by, now
            uow.session.add(row)
        uow.session.flush()
        views = [_view(row) for row in uow.session.scalars(
            select(CatalogueItem).where(CatalogueItem.year == data["year"]).order_by(CatalogueItem.code))]
        adminlog.append(uow, loaded_by, "catalogue_loaded", f"catalogue:{data['year']}",
                        {"year": data["year"], "sha256": digest, "items": len(views),
                         "published": sum(v.status == "published" for v in views),
                         "new": sorted(e["code"] for e in data["items"] if e["code"] not in existing),
                         "rows": recorded_rows(uow.session.scalars(
                             select(CatalogueItem).where(CatalogueItem.year == data["year"])))}, now)
        uow.commit()
        return views


ROW_COLUMNS = ("title", "category", "sponsor_org", "decision_organ", "status", "approvals", "source_sha256",
               "loaded_by", "loaded_at")
"""What a `catalogue_loaded` entry records of each item of the year, so verify (engine/integrity/) can
rebuild every row and name a changed column."""


def recorded_rows(rows: Iterable[CatalogueItem]) -> list[dict[str, Any]]:
    """A year's stored items after a load, as its `catalogue_loaded` entry keeps them (by code)."""
    return sorted(({"code": r.code, **{c: getattr(r, c) for c in ROW_COLUMNS if c != "loaded_at"},
                    "loaded_at": timestamp(r.loaded_at)} for r in rows), key=lambda r: str(r["code"]))


def items(uow: UnitOfWork, year: int, sponsor_org: str | None = None, status: str | None = None) -> list[ItemView]:
    """A year's catalogue items by code, of one sponsoring unit and in one status when given: what a unit
    may start from (its published items) or `decisionflow catalogue` prints. A year's catalogue is the
    government's own annual list (MD-3c), read whole by these callers; the API pages it (`items_page`)."""
    with uow.read():
        rows = uow.session.scalars(_items(year, sponsor_org, status).order_by(CatalogueItem.code))
        return [_view(row) for row in rows]


def items_page(uow: UnitOfWork, year: int, after: str | None = None, limit: int | None = None) -> paging.Page[ItemView]:
    """A page of a year's catalogue by code, after the cursor `after` (the last code): the unique
    (year, code) index serves the seek (issue 21)."""
    n = paging.size(limit)
    key = paging.decode(after, (str,))
    with uow.read():
        statement = _items(year, None, None)
        if key is not None:
            statement = statement.where(CatalogueItem.code > key[0])
        rows = list(uow.session.scalars(statement.order_by(CatalogueItem.code).limit(n + 1)))
        more, rows = len(rows) > n, rows[:n]
        return paging.Page(tuple(_view(r) for r in rows), paging.encode(rows[-1].code) if more else None)


def _items(year: int, sponsor_org: str | None, status: str | None) -> Select[tuple[CatalogueItem]]:
    statement = select(CatalogueItem).where(CatalogueItem.year == year)
    if sponsor_org is not None:
        statement = statement.where(CatalogueItem.sponsor_org == sponsor_org)
    if status is not None:
        statement = statement.where(CatalogueItem.status == status)
    return statement


def status(uow: UnitOfWork, year: int, code: str) -> str | None:
    """The item's status, or None when the year's catalogue has no such item."""
    return uow.session.scalar(select(CatalogueItem.status).where(CatalogueItem.year == year,
                                                                 CatalogueItem.code == code))


def _view(row: CatalogueItem) -> ItemView:
    return ItemView(row.year, row.code, row.title, row.category, row.sponsor_org, row.status)

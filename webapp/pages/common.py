"""What every page blueprint needs: the engine, today's date, and a page size."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, request

from engine.core import Engine
from engine.workdays import local_date


def engine() -> Engine:
    return current_app.extensions["decisionflow"]


def today() -> date:
    """Today in Asia/Shanghai, by the engine's clock (tests inject a FixedClock)."""
    return local_date(engine().clock.now())


MAX_PAGE = 100_000
"""As in the API (webapp/api/schemas.py): past it the offset would overflow the database's integer."""


def page_args() -> tuple[int, int]:
    """(page, size) from the query string, bounded."""
    size = int(current_app.config["PAGE_SIZE"])
    try:
        page = min(MAX_PAGE, max(1, int(request.args.get("page", "1"))))
    except ValueError:
        page = 1
    return page, size


def per_page() -> int | None:
    """A keyset page's size from `per_page` (engine/services/paging.py bounds it to 1..200); anything but a
    number of digits is the default page (50)."""
    raw = request.args.get("per_page", "")
    return int(raw) if raw.isdigit() and len(raw) < 5 else None


def pages(total: int, size: int) -> int:
    return max(1, -(-total // size))


def args_without(name: str) -> dict[str, Any]:
    return {k: v for k, v in request.args.items() if k != name}

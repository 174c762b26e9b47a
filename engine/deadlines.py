"""Due dates of work items, from the properties a BPMN task declares.

- `due_from="review_due"`: the due date a statutory guard computed into the
  procedure's data (MD-26b: 7 working days after the complete materials arrive);
- `due_working_days="N"` / `due_days="N"`: N working / calendar days after the day the
  step opens (configured deadlines; regulation.md §8 counting).

The step is due at the end of its last day, Asia/Shanghai (00:00 the next day). A step
whose BPMN task declares none takes the county's configured time limit for its step kind
(DECISIONFLOW_STEP_DEADLINES, e.g. `expert_argumentation=15w,publication=20d`: w for
working days, d for calendar days), else it has no deadline.

`state` says where a deadline stands: "overdue" once its day has passed, "due_soon" within
DUE_SOON_WORKING_DAYS working days, "ok" otherwise; the board and the inboxes use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from engine import workdays
from engine.domain.errors import DomainError

DUE_SOON_WORKING_DAYS = 2

UNREADABLE = (DomainError, ArithmeticError, ValueError)
"""What `state` and `working_days_overdue` raise for a stored due date no step could have made (one edited
in the database, e.g. outside the working-day calendar): a list shows the other rows and skips this one."""


def parse_limits(text: str) -> dict[str, str]:
    """`kind=15w,kind2=20d` → {kind: "15w", …}; a malformed entry is a configuration error."""
    limits: dict[str, str] = {}
    for entry in filter(None, (e.strip() for e in text.split(","))):
        kind, _, limit = entry.partition("=")
        if not kind.strip() or len(limit) < 2 or limit[-1] not in "wd" or not limit[:-1].isdigit():
            raise ValueError(f"DECISIONFLOW_STEP_DEADLINES: {entry!r} is not step_kind=<N>w or <N>d")
        limits[kind.strip()] = limit
    return limits


def due_at(properties: Mapping[str, str], data: Mapping[str, Any], opened: datetime,
           configured: str | None = None) -> datetime | None:
    """The deadline from the task's properties, else from `configured` ("15w" / "20d")."""
    if configured and not any(k in properties for k in ("due_from", "due_working_days", "due_days")):
        unit = "due_working_days" if configured.endswith("w") else "due_days"
        properties = {unit: configured[:-1]}
    source = properties.get("due_from")
    if source:
        value = data.get(source)
        return workdays.Deadline(date.fromisoformat(str(value)), False).ends_at if value else None
    today = workdays.local_date(opened)
    if (n := properties.get("due_working_days", "")).isdigit():
        return workdays.add_working_days(today, int(n)).ends_at
    if (n := properties.get("due_days", "")).isdigit():
        return workdays.add_days(today, int(n), to_next_workday=True).ends_at
    return None


def last_day(due: datetime) -> date:
    """The last local day of a deadline that ends at 24:00 (stored as 00:00 the next day)."""
    return workdays.local_date(due - timedelta(microseconds=1))


def state(due: datetime | None, now: datetime) -> str | None:
    """"overdue", "due_soon" or "ok" for a deadline; None when there is none."""
    if due is None:
        return None
    today, final = workdays.local_date(now), last_day(due)
    if final < today:
        return "overdue"
    return "due_soon" if workdays.working_days_between(today, final) <= DUE_SOON_WORKING_DAYS else "ok"


def working_days_overdue(due: datetime, now: datetime) -> int:
    """Working days past the last day (0 when not overdue)."""
    today, final = workdays.local_date(now), last_day(due)
    return workdays.working_days_between(final, today) if final < today else 0

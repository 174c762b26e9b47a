"""Due dates of work items, from the properties a BPMN task declares.

- `due_from="review_due"`: the due date a statutory guard computed into the
  procedure's data (MD-26b: 7 working days after the complete materials arrive);
- `due_working_days="N"` / `due_days="N"`: N working / calendar days after the day the
  step opens (configured deadlines; regulation.md §8 counting).

The step is due at the end of its last day, Asia/Shanghai (00:00 the next day).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine import workdays


def due_at(properties: Mapping[str, str], data: Mapping[str, Any], opened: datetime) -> datetime | None:
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

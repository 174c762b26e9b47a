"""What a procedure waits for, in plain words: "公开征求意见期至 2026-12-30，还剩 12 天".

Statutory periods count calendar days; steps with a working-day time limit (the legality
review's 7 working days, MD-26b) count working days, with the holidays and adjusted
working days of the official calendar (engine.workdays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext

from engine import deadlines
from engine.clock import CST
from engine.services.views import ProcedureView, WorkItemView
from engine.workdays import local_date, working_days_between
from webapp.i18n import role_label
from webapp.pages.common import engine


@dataclass(frozen=True)
class Due:
    """A work item's deadline as a page shows it."""

    day: str
    text: str
    state: str  # "ok", "due_soon" (≤ 2 working days left), "overdue"


def due(item: WorkItemView, today: date) -> Due | None:
    """The deadline as a page shows it: its last day, how far off, and its state (engine.deadlines).

    A due date no step could have made (edited in the database) shows no deadline, logged and counted
    as a poisoned work item: the inbox and the procedure page still list the step and every other."""
    if item.due_at is None:
        return None
    now = datetime.combine(today, time(12), tzinfo=CST)
    try:
        final = deadlines.last_day(item.due_at)
        state = deadlines.state(item.due_at, now) or "ok"
        late = deadlines.working_days_overdue(item.due_at, now)
        left = working_days_between(today, final) if state != "overdue" else 0
    except deadlines.UNREADABLE as failed:
        engine().incidents.skipped("work_item", f"step {item.task_id} of procedure {item.procedure_id} has an "
                                   f"unreadable due date {item.due_at!r}", failed)
        return None
    if state == "overdue":
        return Due(final.isoformat(), gettext("overdue by %(n)s working days", n=late), state)
    if final == today:
        return Due(final.isoformat(), gettext("due today"), state)
    return Due(final.isoformat(), gettext("%(n)s working days left", n=left), state)


def blockers(view: ProcedureView, today: date) -> list[str]:
    """Each thing the procedure waits for, as one sentence."""
    if view.status == "completed":
        return [gettext("The procedure was completed on %(day)s.", day=_day(view.ended_at))]
    if view.status == "withdrawn":
        return [gettext("The procedure was withdrawn on %(day)s.", day=_day(view.ended_at))]
    lines = []
    for timer in view.timers:  # a period ends at 24:00 of its last day, as the public page says (issue 22)
        end = deadlines.last_day(timer.due_at)
        lines.append(gettext("%(period)s runs until %(day)s, %(n)s days left.", period=timer.name,
                             day=end.isoformat(), n=max(0, (end - today).days)))
    for item in view.open_items:
        when = due(item, today)
        who = role_label(item.role)
        if when is None:
            lines.append(gettext("Waiting for %(who)s to do “%(step)s”.", who=who, step=item.title))
        else:
            lines.append(gettext("Waiting for %(who)s to do “%(step)s” by %(day)s (%(left)s).", who=who,
                                 step=item.title, day=when.day, left=when.text))
    return lines


def _day(moment: datetime | None) -> str:
    return local_date(moment).isoformat() if isinstance(moment, datetime) else ""

"""The landing page: the user's open steps with their deadlines, and where to go next."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, render_template, request
from flask_login import login_required

from engine.domain.roles import REVIEW_ROLES
from engine.services.supervision import SUPERVISOR_ROLE, ReminderView
from engine.services.views import WorkItemView
from webapp.auth import STEP_ROLES, actor, requires
from webapp.pages.common import args_without, engine, per_page, today
from webapp.progress_text import due

bp = Blueprint("home", __name__)
HOME_BOARD_ROWS = 10
"""A supervisor's home shows the board's most overdue steps; the board page has the rest."""
REVIEW_KINDS = frozenset({"legality_review", "legal_opinion"})
"""The steps the legality review office's page lists."""


@bp.get("/")
@login_required
def index() -> Any:
    me = actor()
    items = engine().tasks.inbox(me) if me.roles & STEP_ROLES else []
    day = today()
    board = engine().supervision.board(me, limit=HOME_BOARD_ROWS) if me.holds(SUPERVISOR_ROLE) else None
    return render_template("pages/home.html", items=[(i, due(i, day)) for i in items],
                           reminded=_reminded(items), board=board)


@bp.get("/tasks")
@requires(*STEP_ROLES)
def inbox() -> Any:
    day = today()
    page = engine().tasks.inbox_page(actor(), request.args.get("after"), per_page())
    return render_template("pages/inbox.html", items=[(i, due(i, day)) for i in page.items], reviews=False,
                           reminded=_reminded(page.items), **_paging(page.next))


@bp.get("/reviews")
@requires(*REVIEW_ROLES)
def reviews() -> Any:
    """The legality review office's inbox: review and legal-opinion steps, due dates in working days."""
    day = today()
    me = actor()
    page = engine().tasks.inbox_page(me, request.args.get("after"), per_page(), kinds=REVIEW_KINDS)
    return render_template("pages/inbox.html", items=[(i, due(i, day)) for i in page.items], reviews=True,
                           reminded=_reminded(page.items), cleanup_startable=engine().cleanup.startable(me),
                           **_paging(page.next))


def _paging(cursor: str | None) -> dict[str, Any]:
    """What the `next_page` macro needs: the next cursor, the query without `after`, whether this is page 1."""
    return {"next": cursor, "query": args_without("after"), "paged": bool(request.args.get("after"))}


def _reminded(items: Iterable[WorkItemView]) -> dict[str, list[ReminderView]]:
    """The supervisors' reminders on the steps shown, newest first, by step (DF-SUPERVISION)."""
    by_task: dict[str, list[ReminderView]] = {}
    for reminder in engine().supervision.reminders_for(actor(), [i.task_id for i in items]):
        by_task.setdefault(reminder.task_id, []).append(reminder)
    return by_task

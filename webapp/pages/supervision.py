"""The supervision board (督办) and each user's daily digest.

The board is open to supervisors and auditors; a supervisor sends a reminder from a row
of it, and a refusal (DF-SUPERVISION, a step done meanwhile: MD-33b) is shown next to
that row's form. The digest page is every logged-in user's own: what is late or nearly
so, and the reminders of the last day; there they also set the address it is mailed to.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from engine.domain.errors import Conflict, Refused
from engine.services.supervision import BOARD_ROLES, SUPERVISOR_ROLE
from webapp.auth import actor, requires
from webapp.errors import status_of
from webapp.i18n import refusal
from webapp.pages.common import args_without, engine

bp = Blueprint("supervision", __name__)


@bp.get("/supervision")
@requires(*BOARD_ROLES)
def board() -> Any:
    return _board_page()


@bp.post("/supervision/remind/<task_id>")
@requires(SUPERVISOR_ROLE)
def remind(task_id: str) -> Any:
    message = request.form.get("message", "")
    try:
        engine().supervision.remind(actor(), task_id, message)
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _board_page(error=refusal(refused), error_task=task_id, message=message), status_of(refused)
    flash(gettext("The reminder was sent and recorded in the procedure's history."), "success")
    return redirect(url_for("supervision.board", _anchor=f"task-{task_id}"))


@bp.get("/digest")
@login_required
def digest() -> Any:
    return _digest_page()


@bp.post("/digest/email")
@login_required
def email() -> Any:
    me = actor()
    try:
        address = engine().supervision.set_email(me, me.username, request.form.get("email", ""))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _digest_page(error=refusal(refused)), status_of(refused)
    flash(gettext("The digest will be mailed to %(address)s.", address=address) if address
          else gettext("The digest will no longer be mailed."), "success")
    return redirect(url_for("supervision.digest"))


def _board_page(**extra: Any) -> str:
    view = engine().supervision.board(actor(), after=request.args.get("after"))
    shown = {item.task_id for item in view.items}
    return render_template("pages/supervision.html", board=view, shown=shown, query=args_without("after"),
                           paged=bool(request.args.get("after")), **extra)


def _digest_page(**extra: Any) -> str:
    return render_template("pages/digest.html", digest=engine().supervision.digest(actor()), **extra)

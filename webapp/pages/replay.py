"""Auditors replay a procedure's history: the state right after any event, one event at a time.

MD-33a: the process record is the history chain, so the page shows what the events up to the
chosen one say — open steps, pending periods, steps done and the path on the diagram — and
nothing from the live projection. The slider is a plain GET form: it works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from webapp import diagram
from webapp.auth import actor, requires
from webapp.pages.common import engine
from webapp.pages.procedures import step_displays

bp = Blueprint("replay", __name__, url_prefix="/audit")


@bp.get("/procedures/<id:procedure_id>/replay")
@requires("auditor")
def replay(procedure_id: int) -> Any:
    state = engine().replay.at(actor(), procedure_id, _seq())
    svg = diagram.render_svg(state.bpmn, done=state.done_specs - state.current_specs, current=state.current_specs)
    return render_template("pages/audit_replay.html", state=state, steps=step_displays(state),
                           record={"procedure": {"id": state.procedure_id}},  # what step_record links documents by
                           diagram=Markup(svg))  # noqa: S704 - escaped by render_svg


def _seq() -> int | None:
    """The event to replay up to: absent means the last; anything but a whole number is a bad request."""
    value = request.args.get("seq")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        abort(400)

"""The sponsor's opinion desk (MD-18): sort the public's opinions, mark how each was handled,
hide abuse with a reason, and publish the adoption statement. The engine decides who may."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from engine.domain.errors import Conflict, Refused
from webapp.auth import actor
from webapp.downloads import download
from webapp.errors import status_of
from webapp.i18n import refusal
from webapp.pages.common import args_without, engine, per_page

bp = Blueprint("opinions", __name__, url_prefix="/procedures/<id:procedure_id>/opinions")


@bp.get("/")
@login_required
def index(procedure_id: int) -> Any:
    return _page(procedure_id, None, None)


@bp.post("/<receipt>/mark")
@login_required
def mark(procedure_id: int, receipt: str) -> Any:
    form = request.form
    try:
        engine().opinions.mark(actor(), receipt, form.get("topic", ""), form.get("adoption", ""),
                                   form.get("adoption_reason"))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), receipt), status_of(refused)
    return redirect(url_for("opinions.index", procedure_id=procedure_id, **_args()) + f"#o-{receipt}")


@bp.post("/<receipt>/hide")
@login_required
def hide(procedure_id: int, receipt: str) -> Any:
    try:
        engine().opinions.hide(actor(), receipt, request.form.get("reason", ""))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), receipt), status_of(refused)
    return redirect(url_for("opinions.index", procedure_id=procedure_id, **_args()) + f"#o-{receipt}")


@bp.get("/statement.html")
@login_required
def statement(procedure_id: int) -> Response:
    content = engine().opinions.statement(actor(), procedure_id)
    return download(content, "意见采纳情况说明.html")


@bp.post("/publish")
@login_required
def publish(procedure_id: int) -> Any:
    try:
        engine().opinions.publish_statement(actor(), procedure_id)
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), None), status_of(refused)
    flash(gettext("The adoption statement is published on the public page."), "success")
    return redirect(url_for("opinions.index", procedure_id=procedure_id))


def _page(procedure_id: int, error: dict[str, Any] | None, receipt: str | None) -> str:
    """A keyset page of the opinions (issue 21), after `after`, with the whole call's counts above it; the
    forms post with the page's arguments, so an answer comes back to the same page."""
    me = actor()
    page = engine().opinions.opinions_page(me, procedure_id, request.args.get("after"), per_page())
    call = engine().consultation.get(procedure_id)
    topics, adoptions = engine().opinions.tallies(me, procedure_id)
    shown = {v.receipt for v in page}
    return render_template("pages/opinions.html", call=call, opinions=page, total=sum(adoptions.values()),
                           topics=sorted(topics.items()), adoptions=Counter(adoptions), error=error,
                           failed=receipt if receipt in shown else None, args=_args(),
                           query={**args_without("after"), "procedure_id": procedure_id},
                           paged=bool(request.args.get("after")))


def _args() -> dict[str, str]:
    """The page's own arguments (its cursor and size), for the forms and redirects to keep the page."""
    return {k: v for k, v in request.args.items() if k in ("after", "per_page")}

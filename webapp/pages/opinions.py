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
from webapp.pages.common import engine

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
        engine().consultation.mark(actor(), receipt, form.get("topic", ""), form.get("adoption", ""),
                                   form.get("adoption_reason"))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), receipt), status_of(refused)
    return redirect(url_for("opinions.index", procedure_id=procedure_id) + f"#o-{receipt}")


@bp.post("/<receipt>/hide")
@login_required
def hide(procedure_id: int, receipt: str) -> Any:
    try:
        engine().consultation.hide(actor(), receipt, request.form.get("reason", ""))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), receipt), status_of(refused)
    return redirect(url_for("opinions.index", procedure_id=procedure_id) + f"#o-{receipt}")


@bp.get("/statement.html")
@login_required
def statement(procedure_id: int) -> Response:
    content = engine().consultation.statement(actor(), procedure_id)
    return download(content, "意见采纳情况说明.html")


@bp.post("/publish")
@login_required
def publish(procedure_id: int) -> Any:
    try:
        engine().consultation.publish_statement(actor(), procedure_id)
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _page(procedure_id, refusal(refused), None), status_of(refused)
    flash(gettext("The adoption statement is published on the public page."), "success")
    return redirect(url_for("opinions.index", procedure_id=procedure_id))


def _page(procedure_id: int, error: dict[str, Any] | None, receipt: str | None) -> str:
    me = actor()
    views = engine().consultation.opinions(me, procedure_id)
    call = engine().consultation.get(procedure_id)
    topics = Counter(v.topic or "" for v in views)
    adoptions = Counter(v.adoption or "" for v in views)
    return render_template("pages/opinions.html", call=call, opinions=views, topics=sorted(topics.items()),
                           adoptions=adoptions, error=error, failed=receipt)

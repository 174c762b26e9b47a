"""The review office's page for migrations (issue 24): a plan's dry run, proposals, the second person's decision.

The page only translates: `engine.services.migration` checks roles, four eyes and the proof; a refusal is
shown with its rule and article.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.domain.errors import DomainError
from webapp.auth import actor, requires
from webapp.errors import status_of
from webapp.i18n import lang, refusal
from webapp.pages.common import args_without, engine, per_page

bp = Blueprint("migrations", __name__, url_prefix="/migrations")

READERS = ("legality_reviewer", "decision_organ", "auditor")
DECIDERS = ("legality_reviewer", "decision_organ")


@bp.get("/")
@requires(*READERS)
def index() -> Any:
    return _page()


@bp.post("/check")
@requires(*READERS)
def check() -> Any:
    """The dry run of the plan in the form: the proof per procedure; nothing changes."""
    text = request.form.get("plan", "")
    try:
        reports = engine().migration.check(actor(), _plan(text))
    except DomainError as error:
        return _page(plan=text, error=refusal(error)), status_of(error)
    return _page(plan=text, reports=reports)


@bp.post("/propose")
@requires("legality_reviewer")
def propose() -> Any:
    text, reason = request.form.get("plan", ""), request.form.get("reason", "")
    try:
        view = engine().migration.propose(actor(), _plan(text), reason)
    except DomainError as error:
        return _page(plan=text, reason=reason, error=refusal(error)), status_of(error)
    flash(gettext("Migration %(id)s proposed; it waits for a second person's approval.", id=view.id), "success")
    return redirect(url_for("migrations.index"))


@bp.post("/<id:proposal_id>/approve")
@requires(*DECIDERS)
def approve(proposal_id: int) -> Any:
    try:
        view = engine().migration.approve(actor(), proposal_id)
    except DomainError as error:
        if status_of(error) == 404:
            raise
        return _page(error=refusal(error)), status_of(error)
    moved = sum(1 for o in view.results if o.migrated)
    flash(gettext("Migration %(id)s approved: %(moved)s of %(total)s procedure(s) migrated.", id=view.id,
                  moved=moved, total=len(view.results)), "success" if moved == len(view.results) else "info")
    return redirect(url_for("migrations.index"))


@bp.post("/<id:proposal_id>/reject")
@requires(*DECIDERS)
def reject(proposal_id: int) -> Any:
    try:
        view = engine().migration.reject(actor(), proposal_id)
    except DomainError as error:
        if status_of(error) == 404:
            raise
        return _page(error=refusal(error)), status_of(error)
    flash(gettext("Migration %(id)s rejected; nothing migrated.", id=view.id), "success")
    return redirect(url_for("migrations.index"))


def _plan(text: str) -> Any:
    """The plan as typed: JSON; anything else is handed to the service, which names the problem."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _page(plan: str = "", reason: str = "", error: dict[str, Any] | None = None, reports: Any = None) -> str:
    """The form and a keyset page of the proposals, newest first (`after`, `per_page`; issue 21)."""
    after = request.args.get("after") or None
    found = engine().migration.proposals(actor(), after=after, limit=per_page())
    return render_template("pages/migrations.html", proposals=found.items, plan=plan, reason=reason, error=error,
                           reports=reports, zh=lang() != "en", next=found.next, query=args_without("after"),
                           paged=bool(after))

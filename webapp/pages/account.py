"""The user's own account: API tokens, issued here and shown once.

Issuing needs a logged-in session with a CSRF token, never another token, so a leaked
token cannot mint more. Revoking works here and through the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from engine.domain.errors import DomainError
from webapp.auth import actor
from webapp.errors import status_of
from webapp.i18n import refusal
from webapp.pages.common import args_without, engine, per_page

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/tokens")
@login_required
def tokens() -> Any:
    return _page(None, None)


@bp.post("/tokens")
@login_required
def issue() -> Any:
    try:
        days = int(request.form.get("days", "90"))
    except ValueError:
        days = 0
    try:
        issued = engine().tokens.issue(actor(), request.form.get("name", ""), days)
    except DomainError as refused:
        return _page(None, refusal(refused)), status_of(refused)
    return _page(issued.secret, None), 201


@bp.post("/tokens/<id:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Any:
    engine().tokens.revoke(actor(), token_id)
    flash(gettext("The token was revoked."), "success")
    return redirect(url_for("account.tokens"))


def _page(secret: str | None, error: dict[str, Any] | None) -> str:
    """The form and a keyset page of the user's tokens, newest first (`after`, `per_page`; issue 21)."""
    now = engine().clock.now()
    after = request.args.get("after") or None
    found = engine().tokens.mine(actor(), after, per_page())
    return render_template("pages/tokens.html", tokens=found.items, secret=secret, error=error, now=now,
                           next=found.next, query=args_without("after"), paged=bool(after))

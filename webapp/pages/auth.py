"""Login, logout, the session's timeouts and the language switch.

Login is limited twice: per account by the engine's lockout (`accounts.record_login`: so
many failures lock the name for some minutes, and the page says until when), and per address
by Flask-Limiter at a rate an office behind one NAT does not reach. An unknown user and a
wrong password get the same answer, and an unknown name locks like an account, so neither
answer tells who has an account. Every attempt goes to the administration log (DF-AUDIT).

A login starts a fresh cookie holding only the secret of a server-side session
(`engine.sessions`): logout, a new password, a deactivation or a change of roles ends the
session for every copy of the cookie, and so do IDLE_TIMEOUT_MINUTES without a request and
PERMANENT_SESSION_LIFETIME since the login, by the engine's clock.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.domain.errors import UserNotFound
from webapp.auth import WebUser, check_password

bp = Blueprint("auth", __name__)
SESSION_KEY = "sid"
"""Cookie session key: the secret of the server-side session (engine.sessions); nothing else identifies it."""
NOT_KEPT = frozenset({"csrf_token", "username", "password", "_resume_to", "_review"})
"""Fields a kept form never carries over: credentials and the tokens of the request that failed."""


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=256)])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    failed, locked_until = False, None
    if form.validate_on_submit():
        engine = current_app.extensions["decisionflow"]
        username = form.username.data.strip()
        ok = check_password(engine.accounts.credentials(username), form.password.data)
        outcome = engine.accounts.record_login(username, ok, request.remote_addr)
        if outcome:
            try:
                user = WebUser(engine.people.actor(username))
            except UserNotFound:
                user = None
            if user is not None:
                _fresh_session()
                login_user(user)
                session[SESSION_KEY] = engine.sessions.start(username)
                if request.form.get("_resume_to"):
                    return resume_page(request.form["_resume_to"])
                return redirect(_safe_next(request.args.get("next")))
        failed, locked_until = True, outcome.locked_until
    kept, resume_to = kept_fields(), request.form.get("_resume_to")
    if locked_until is not None:
        wait = max(1, math.ceil((locked_until - current_app.extensions["decisionflow"].clock.now()).total_seconds()))
        page = render_template("login.html", form=form, failed=True, locked_until=locked_until, kept=kept,
                               resume_to=resume_to)
        return page, 429, {"Retry-After": str(wait)}
    status = 401 if failed else 200
    return render_template("login.html", form=form, failed=failed, locked_until=None, kept=kept,
                           resume_to=resume_to), status


def kept_fields() -> list[tuple[str, str]]:
    """The text a user typed into the form that could not be taken, to carry through a new login."""
    if request.method != "POST":
        return []
    return [(name, value) for name, value in request.form.items(multi=True) if name not in NOT_KEPT]


def keep_input(status: int) -> Any:
    """A page form posted after the session ended (a restart, the idle limit): nothing is lost (issue 22).

    A logged-out user gets the login form carrying the typed fields; a user still logged in (only the
    form's CSRF token expired) goes straight to the resume page. Files cannot be carried: the browser
    never lets a page refill a file input, so the page asks for them again.
    """
    if current_user.is_authenticated:
        return resume_page(request.path), status
    form = LoginForm(formdata=None)
    flash(gettext("Your session has ended. Log in again: what you typed is kept."), "info")
    return render_template("login.html", form=form, failed=False, locked_until=None, kept=kept_fields(),
                           resume_to=request.path), status


def resume_page(target: str) -> str:
    """The kept fields, with a fresh CSRF token, as a form the user sends back to where they were typing.

    Flask-WTF keeps the request's token in `g`; after a login cleared the session that token's secret is
    gone, so a new one is made for the new session.
    """
    g.pop("csrf_token", None)
    return render_template("resume.html", kept=kept_fields(), target=_safe_next(target), csrf=generate_csrf())


@bp.post("/logout")
@login_required
def logout() -> Any:
    current_app.extensions["decisionflow"].sessions.end(session.get(SESSION_KEY))
    logout_user()
    _fresh_session()
    return redirect(url_for("auth.login"))


@bp.before_app_request
def live_session() -> Any:
    """A cookie counts only while its server-side session lives; otherwise the user logs in again."""
    if "_user_id" not in session or request.endpoint == "static":  # API calls carry a token, not a session
        return None
    minutes = float(current_app.config["IDLE_TIMEOUT_MINUTES"])
    state = current_app.extensions["decisionflow"].sessions.check(
        session.get(SESSION_KEY), timedelta(minutes=minutes) if minutes > 0 else None,
        current_app.permanent_session_lifetime)
    if state.username is not None and state.username == session.get("_user_id"):
        return None
    logout_user()
    _fresh_session()
    if state.reason == "idle":
        flash(gettext("You were logged out after %(n)s minutes without activity. Please log in again.",
                      n=format(minutes, "g")), "info")
    else:
        flash(gettext("Your session has ended. Please log in again."), "info")
    if request.method == "POST" and request.form:
        return keep_input(401)
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=back))


@bp.post("/language")
def language() -> Any:
    wanted = request.form.get("lang", "")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted
    return redirect(_safe_next(request.form.get("next")))


def _fresh_session() -> None:
    """Nothing of the old session survives but the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _safe_next(target: str | None) -> str:
    """Only a local path: an open redirect would let a link send officials elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")

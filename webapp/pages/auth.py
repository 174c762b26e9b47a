"""Login, logout, the idle timeout and the language switch.

Login is rate-limited per address (Flask-Limiter), answers the same for an unknown user,
a wrong password and a locked account, and starts a fresh session so no earlier session
value survives. Every attempt goes to the engine's `accounts.record_login`, which keeps
the lockout counters and the administration log (DF-AUDIT) and says which it was. A
session unused for IDLE_TIMEOUT_MINUTES, by the engine's clock, ends at its next request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.domain.errors import UserNotFound
from webapp.auth import WebUser, check_password

bp = Blueprint("auth", __name__)
LAST_SEEN = "last_seen"
"""Session key: when this session last made a request (POSIX seconds, engine clock)."""


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=256)])


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        engine = current_app.extensions["decisionflow"]
        username = form.username.data.strip()
        ok = check_password(engine.accounts.credentials(username), form.password.data)
        if engine.accounts.record_login(username, ok, request.remote_addr):
            try:
                user = WebUser(engine.people.actor(username))
            except UserNotFound:
                user = None
            if user is not None:
                _fresh_session()
                login_user(user)
                session[LAST_SEEN] = engine.clock.now().timestamp()
                return redirect(_safe_next(request.args.get("next")))
        failed = True
    status = 401 if failed else 200
    return render_template("login.html", form=form, failed=failed), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    logout_user()
    _fresh_session()
    return redirect(url_for("auth.login"))


@bp.before_app_request
def idle_timeout() -> Any:
    """End a logged-in session unused for IDLE_TIMEOUT_MINUTES and send the user to the login page."""
    if "_user_id" not in session or request.endpoint == "static":  # API calls carry a token, not a session
        return None
    now = current_app.extensions["decisionflow"].clock.now().timestamp()
    minutes = float(current_app.config["IDLE_TIMEOUT_MINUTES"])
    last = session.get(LAST_SEEN)
    if minutes > 0 and isinstance(last, int | float) and now - last > minutes * 60:
        logout_user()
        _fresh_session()
        flash(gettext("You were logged out after %(n)s minutes without activity. Please log in again.",
                      n=f"{minutes:g}"), "info")
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=back))
    session[LAST_SEEN] = now
    return None


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

"""Login, logout and the language switch.

Login is rate-limited per address (Flask-Limiter), answers the same for an unknown user
and a wrong password, and starts a fresh session so no earlier session value survives.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine.domain.errors import UserNotFound
from webapp.auth import WebUser, check_password

bp = Blueprint("auth", __name__)


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
        if check_password(engine.accounts.credentials(username), form.password.data):
            try:
                user = WebUser(engine.people.actor(username))
            except UserNotFound:
                user = None
            if user is not None:
                lang = session.get("lang")
                session.clear()
                if lang:
                    session["lang"] = lang
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
        failed = True
    status = 401 if failed else 200
    return render_template("login.html", form=form, failed=failed), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> Any:
    wanted = request.form.get("lang", "")
    if wanted in current_app.config["LANGUAGES"]:
        session["lang"] = wanted
    return redirect(_safe_next(request.form.get("next")))


def _safe_next(target: str | None) -> str:
    """Only a local path: an open redirect would let a link send officials elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("home.index")

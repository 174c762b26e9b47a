"""Administrators: users, organisations and roles, and the deployed definitions.

Administrators manage people and definitions, never a procedure's contents: no page
here reads or changes a procedure, and the engine's account services check `admin`.
Admin is never granted beside another role (DF-ADMIN-SEPARATION). A grant of the auditor
or a review role waits on this page until another administrator approves or rejects it
(DF-FOUR-EYES).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.domain.errors import AccountInvalid, DomainError
from engine.domain.roles import ADMIN
from engine.services.accounts import ORG_KINDS, SEARCH_MAX, UserView
from engine.services.paging import MAX_SIZE
from webapp.auth import actor, hash_password, requires
from webapp.errors import status_of
from webapp.i18n import lang, refusal, role_label
from webapp.pages.common import args_without, engine, per_page
from webapp.role_groups import groups
from webapp.role_groups import label as role_group_label

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin")
def users() -> Any:
    """Users found by login name, name, organisation (code or name) and role, a keyset page at a time."""
    return _users_page({}, None)


@bp.post("/users")
@requires("admin")
def create_user() -> Any:
    form = request.form
    password = form.get("password", "")
    try:
        _check_password(password, form.get("username", ""))
        view = engine().accounts.create_user(actor(), form.get("username", ""), form.get("display_name", ""),
                                             form.get("org", ""), form.getlist("roles"), hash_password(password))
    except DomainError as refused:
        return _users_page(form, refusal(refused)), status_of(refused)
    flash(gettext("User %(name)s was created.", name=view.username), "success")
    _flash_pending(view)
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>")
@requires("admin")
def update_user(username: str) -> Any:
    form = request.form
    password = form.get("password", "")
    try:
        if password:
            _check_password(password, username)
        view = engine().accounts.update_user(actor(), username, grant=form.getlist("roles"),
                                             active=form.get("active") == "on",
                                             password_hash=hash_password(password) if password else None)
    except DomainError as refused:
        if status_of(refused) == 404:
            raise
        return _users_page({}, refusal(refused), username), status_of(refused)
    flash(gettext("User %(name)s was updated.", name=username), "success")
    _flash_pending(view)
    return redirect(url_for("admin.users"))


@bp.post("/grants/<id:grant_id>/approve")
@requires("admin")
def approve_grant(grant_id: int) -> Any:
    """DF-FOUR-EYES: another administrator than the one who asked gives the role."""
    return _decide_grant(engine().grants.approve, grant_id, lambda grant: gettext(
        "%(name)s now holds the role %(role)s.", name=grant.username, role=role_label(grant.role)))


@bp.post("/grants/<id:grant_id>/reject")
@requires("admin")
def reject_grant(grant_id: int) -> Any:
    return _decide_grant(engine().grants.reject, grant_id, lambda grant: gettext(
        "The role %(role)s was not granted to %(name)s.", name=grant.username, role=role_label(grant.role)))


def _decide_grant(decide: Callable[[Any, int], Any], grant_id: int, done: Callable[[Any], str]) -> Any:
    """Approve or reject a pending grant; a refusal is shown on the users page beside that grant."""
    try:
        grant = decide(actor(), grant_id)
    except DomainError as refused:
        if status_of(refused) == 404:
            raise
        return _users_page({}, refusal(refused), failed_grant=grant_id), status_of(refused)
    flash(done(grant), "success")
    return redirect(url_for("admin.users"))


@bp.post("/organisations")
@requires("admin")
def create_organisation() -> Any:
    form = request.form
    try:
        engine().accounts.create_organisation(actor(), form.get("code", ""), form.get("name", ""),
                                              form.get("kind", ""))
    except DomainError as refused:
        return _users_page({}, refusal(refused), org_values=form), status_of(refused)
    flash(gettext("Organisation %(name)s was created.", name=form.get("name", "")), "success")
    return redirect(url_for("admin.users"))


@bp.get("/definitions")
@requires("admin")
def definitions() -> Any:
    """Deployed versions by key and version, a keyset page at a time (`after`, `per_page`; issue 21)."""
    after = request.args.get("after") or None
    found = engine().definitions.list_page(after, per_page())
    return render_template("pages/admin_definitions.html", definitions=found.items, next=found.next,
                           query=args_without("after"), paged=bool(after))


def _users_page(values: Any, error: dict[str, Any] | None, failed_user: str | None = None,
                org_values: Any = None, failed_grant: int | None = None) -> Any:
    search = {k: request.args.get(k, "").strip()[:SEARCH_MAX] for k in ("q", "role")}
    after = request.args.get("after") or None
    found = engine().accounts.users_page(actor(), search["q"], search["role"], after,
                                         per_page())
    if failed_user and failed_user not in [u.username for u in found.items]:
        found = engine().accounts.users_page(actor(), failed_user, "", None, MAX_SIZE)
        found = type(found)(tuple(u for u in found.items if u.username == failed_user), None)
    roles = engine().accounts.roles()
    query = args_without("after")
    return render_template("pages/admin_users.html", users=found.items, next=found.next, query=query,
                           paged=bool(after), search=search, role_groups=groups([r.name for r in roles]),
                           role_group_label=role_group_label,
                           organisations=engine().accounts.organisations(), roles=roles,
                           grants=engine().grants.pending(actor()), admin_role=ADMIN,
                           values=values, error=error, failed_user=failed_user, org_values=org_values,
                           failed_grant=failed_grant, org_kinds=ORG_KINDS)


def _flash_pending(view: UserView) -> None:
    if view.pending:
        flash(gettext("Waiting for another administrator's approval: %(roles)s.",
                      roles=("、" if lang() == "zh_CN" else ", ").join(role_label(r) for r in view.pending)), "info")


def _check_password(password: str, username: str) -> None:
    """The password policy; the engine never sees a password, so it is applied here.

    At least PASSWORD_MIN_LENGTH characters (default 10) with PASSWORD_MIN_CLASSES (default 3)
    of the four classes lower-case, upper-case, digit and other character, unless it is a
    passphrase of PASSWORD_PASSPHRASE_LENGTH (default 16) or more; never containing the
    username. Each setting comes from DECISIONFLOW_<name>.
    """
    config = current_app.config
    minimum, classes = int(config["PASSWORD_MIN_LENGTH"]), int(config["PASSWORD_MIN_CLASSES"])
    passphrase = int(config["PASSWORD_PASSPHRASE_LENGTH"])
    if len(password) < minimum:
        raise AccountInvalid(field="password", problem=f"at least {minimum} characters",
                             problem_zh=f"密码至少 {minimum} 个字符")
    if len(password) < passphrase and _classes(password) < classes:
        raise AccountInvalid(field="password",
                             problem=f"use at least {classes} of lower-case letters, upper-case letters, digits and "
                                     f"other characters, or at least {passphrase} characters",
                             problem_zh=f"密码须至少包含小写字母、大写字母、数字和其他字符中的 {classes} 类，"
                                        f"或长度不少于 {passphrase} 个字符")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        raise AccountInvalid(field="password", problem="must not contain the username",
                             problem_zh="密码不得包含用户名")


def _classes(password: str) -> int:
    """How many of the four character classes the password uses."""
    return sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))

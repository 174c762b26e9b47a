"""Accounts: the administrator's door to users, organisations and roles.

Administrators manage people and definitions, never the contents of procedures: nothing
here touches a procedure, a work item or history. Every change checks that the acting
user holds `admin`, validates its input naming the field, and is one transaction with its
entry in the administration log (DF-AUDIT), roles with their state before and after. Admin is
never granted beside another role (DF-ADMIN-SEPARATION); a grant of the auditor or a review role
is only asked for here and waits for a second administrator (DF-FOUR-EYES, engine/services/grants.py);
a revocation takes effect at once. The web layer hashes passwords (argon2)
and judges them against the password policy before they reach the engine, which stores
only hashes; `record_login` takes the web layer's verdict on a password and keeps the
lockout counters.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from engine.chain import timestamp
from engine.domain.actors import Actor
from engine.domain.errors import AccountForbidden, AccountInvalid, UserNotFound
from engine.domain.roles import FOUR_EYES_ROLES
from engine.domain.rules import require_admin_alone
from engine.persistence.tables import LoginThrottle, Organisation, Role, User, UserRole
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, grants, paging, sessions

__all__ = ["create_organisation", "create_user", "credentials", "organisations", "record_login", "roles",
           "update_user", "users_page"]

ADMIN_ROLE = "admin"
ORG_KINDS = ("decision_organ", "gov_office", "department", "review_office", "expert_pool", "assessor",
             "party_committee", "auditor", "other")
ORG_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
PUBLIC_ROLE = "public"
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")
NOT_A_USERNAME = "(not a username)"
"""How a failed login under a malformed name is logged: such a name may be a password typed in the wrong box."""
SYSTEM = "system"


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    org: str
    org_name: str
    roles: tuple[str, ...]
    active: bool
    pending: tuple[str, ...] = ()
    """Roles asked for and waiting for a second administrator's approval (DF-FOUR-EYES)."""


@dataclass(frozen=True)
class OrganisationView:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class RoleView:
    name: str
    title_zh: str
    title_en: str


def credentials(uow: UnitOfWork, username: str) -> str | None:
    """The stored password hash of an active user, or None: the login form's only question."""
    with uow.read():
        return uow.session.scalar(select(User.password_hash).where(User.username == username,
                                                                   User.active.is_(True)))


@dataclass(frozen=True)
class LoginOutcome:
    """The engine's answer to a login attempt: admitted or not, and until when the name is locked, if it is."""

    admitted: bool
    locked_until: datetime | None = None

    def __bool__(self) -> bool:
        return self.admitted


def record_login(uow: UnitOfWork, username: str, ok: bool, client: str | None) -> LoginOutcome:
    """Record a login attempt and say whether it may proceed (DF-AUDIT).

    `ok` is the web layer's verdict on the password. Unknown, inactive and locked accounts
    are refused, a locked one even with the right password until `locked_until`; the
    `lockout_threshold`-th failure in a row locks the name for `lockout_minutes` and records
    a `lockout`. A success clears the counter. Names that are no account are counted and
    locked the same way (login_throttles), so the answer "locked until …", which tells a
    person when to try again, tells nobody whether an account exists. The log says which
    refusal it was; the page never does. `client` is the address the request came from, kept
    as given: the log is for auditors tracing who tried to get in from where.
    """
    username = (username or "").strip()[:64]
    with uow:
        now = uow.clock.now()
        user = uow.session.scalars(select(User).where(User.username == username).with_for_update()).one_or_none()
        counter = user if user is not None else _throttle(uow, username)
        refusal = "locked" if _locked(counter, now) else _login_refusal(user, ok)
        where = {"client": (client or "")[:64] or None}
        if user is not None and refusal is None:
            user.failed_logins, user.locked_until = 0, None
            adminlog.append(uow, username, "login", f"user:{username}", where, now)
        else:
            name = username if user is not None or USERNAME.match(username) else NOT_A_USERNAME
            detail = {"reason": refusal, **({"password_ok": ok} if refusal == "locked" else {})}
            adminlog.append(uow, name, "login_failed", f"user:{name}", {**where, **detail}, now)
            if refusal != "locked":
                _count_failure(uow, counter, name, now)
        uow.commit()
        return LoginOutcome(refusal is None, counter.locked_until if _locked(counter, now) else None)


SEARCH_MAX = 100
"""The longest search text the users page takes; longer text is cut, never an error."""


def users_page(uow: UnitOfWork, actor: Actor, query: str = "", role: str = "", after: str | None = None,
               limit: int | None = None) -> paging.Page[UserView]:
    """One page of the users an administrator searches (issue 22 item 6), by username, then after the cursor.

    `query` matches the login name, the name, or the organisation's code or Chinese name (a substring, case
    folded); `role` keeps the users holding that role. Ordered by username, which is unique and indexed, so a
    page seeks the index and reads `limit` rows however many users there are (issue 21)."""
    _require_admin(actor)
    n = paging.size(limit)
    key = paging.decode(after, (str,))
    text = (query or "").strip()[:SEARCH_MAX]
    with uow.read():
        statement = select(User, Organisation).join(Organisation, Organisation.id == User.org_id)
        if text:
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(or_(*(column.ilike(like, escape="\\") for column in
                                              (User.username, User.display_name, Organisation.code,
                                               Organisation.name))))
        if role:
            statement = statement.where(exists().where(UserRole.user_id == User.id, UserRole.role == role))
        if key is not None:
            statement = statement.where(User.username > key[0])
        rows = uow.session.execute(statement.order_by(User.username).limit(n + 1)).all()
        more, rows = len(rows) > n, rows[:n]
        ids = [u.id for u, _ in rows]
        held: dict[int, list[str]] = {}
        for user_id, name in uow.session.execute(select(UserRole.user_id, UserRole.role)
                                                 .where(UserRole.user_id.in_(ids)).order_by(UserRole.role)):
            held.setdefault(user_id, []).append(name)
        waiting = grants.pending_roles(uow, ids)
        items = tuple(UserView(u.username, u.display_name, o.code, o.name, tuple(held.get(u.id, ())), u.active,
                               waiting.get(u.id, ())) for u, o in rows)
        return paging.Page(items, paging.encode(rows[-1][0].username) if more else None)


def organisations(uow: UnitOfWork) -> list[OrganisationView]:
    with uow.read():
        return [OrganisationView(o.code, o.name, o.kind)
                for o in uow.session.scalars(select(Organisation).order_by(Organisation.code))]


def roles(uow: UnitOfWork) -> list[RoleView]:
    with uow.read():
        return [RoleView(r.name, r.title_zh, r.title_en)
                for r in uow.session.scalars(select(Role).order_by(Role.name))]


def create_organisation(uow: UnitOfWork, actor: Actor, code: str, name: str, kind: str) -> OrganisationView:
    """A new organisation; its code is what lanes, procedures and users refer to, so it never changes."""
    _require_admin(actor)
    code, name = (code or "").strip(), (name or "").strip()
    if not ORG_CODE.match(code):
        raise AccountInvalid(field="code", problem="2 to 64 characters: lower-case letters, digits and _",
                             problem_zh="2 至 64 个字符，只能使用小写字母、数字和 _")
    if not name or len(name) > 200:
        raise AccountInvalid(field="name", problem="1 to 200 characters are required",
                             problem_zh="须为 1 至 200 个字符")
    if kind not in ORG_KINDS:
        raise AccountInvalid(field="kind", problem=f"one of {', '.join(ORG_KINDS)}",
                             problem_zh=f"须为以下之一：{'、'.join(ORG_KINDS)}")
    with uow:
        if uow.session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
            raise AccountInvalid(field="code", problem=f"{code} already exists", problem_zh=f"组织代码 {code} 已存在")
        uow.session.add(Organisation(code=code, name=name, kind=kind))
        adminlog.append(uow, actor.username, "organisation_created", f"organisation:{code}",
                        {"code": code, "name": name, "kind": kind}, uow.clock.now())
        uow.commit()
        return OrganisationView(code, name, kind)


def create_user(uow: UnitOfWork, actor: Actor, username: str, display_name: str, org: str,
                grant: Iterable[str], password_hash: str) -> UserView:
    """A new active user with the roles in `grant`; an existing username is refused.

    Four-eyes roles in `grant` are asked for, not held, until another administrator approves them.
    """
    _require_admin(actor)
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise AccountInvalid(field="username", problem="2 to 64 characters: lower-case letters, digits, _ . -",
                             problem_zh="2 至 64 个字符，只能使用小写字母、数字和 _ . -")
    display_name = _display_name(display_name)
    with uow:
        if uow.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise AccountInvalid(field="username", problem=f"{username} already exists",
                                 problem_zh=f"用户名 {username} 已存在")
        org_row = _organisation(uow, org)
        wanted = _roles(uow, grant)
        require_admin_alone(wanted)
        now, held = uow.clock.now(), wanted - FOUR_EYES_ROLES
        user = User(username=username, display_name=display_name, org_id=org_row.id,
                    password_hash=password_hash, active=True, created_at=now, password_changed_at=now)
        uow.session.add(user)
        uow.session.flush()
        uow.session.add_all(UserRole(user_id=user.id, role=r) for r in sorted(held))
        adminlog.append(uow, actor.username, "user_created", f"user:{username}",
                        {"display_name": display_name, "org": org_row.code, "roles": sorted(held)}, now)
        pending = grants.request(uow, actor, user, wanted & FOUR_EYES_ROLES, held, now)
        view = UserView(username, display_name, org_row.code, org_row.name, tuple(sorted(held)), True, pending)
        uow.commit()
        return view


def update_user(uow: UnitOfWork, actor: Actor, username: str, *, display_name: str | None = None,
                org: str | None = None, grant: Iterable[str] | None = None, active: bool | None = None,
                password_hash: str | None = None) -> UserView:
    """Change what is given; an administrator cannot lock themselves out of administration.

    `grant` is the whole set of roles wanted: roles left out are revoked at once, new four-eyes
    roles are asked for (DF-FOUR-EYES), admin beside another role is refused (DF-ADMIN-SEPARATION).
    Each kind of change that happened is logged (unchanged values are not); a new password
    also lifts a lockout.
    """
    _require_admin(actor)
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise UserNotFound(username=username)
        now = uow.clock.now()
        before = _view_of(uow, user)
        if display_name is not None:
            user.display_name = _display_name(display_name)
        if org is not None:
            user.org_id = _organisation(uow, org).id
        unlocked = False
        if password_hash is not None:
            unlocked = user.locked_until is not None and user.locked_until > now
            user.password_hash, user.password_changed_at = password_hash, now
            user.failed_logins, user.locked_until = 0, None
        have = set(before.roles)
        wanted = have if grant is None else _roles(uow, grant)
        if grant is not None:
            require_admin_alone(wanted)
        if username == actor.username and (ADMIN_ROLE not in wanted or active is False):
            raise AccountInvalid(field="roles", problem="you cannot remove your own administration rights",
                                 problem_zh="不能取消自己的管理员权限或停用自己的账户")
        asked = (wanted - have) & FOUR_EYES_ROLES
        wanted = wanted - asked  # held once another administrator approves (engine/services/grants.py)
        for role in wanted - have:
            uow.session.add(UserRole(user_id=user.id, role=role))
        for role in have - wanted:
            uow.session.delete(uow.session.get(UserRole, (user.id, role)))
        if active is not None:
            user.active = active
        ended = _session_end_reason(password_hash is not None, wanted != have, active is False)
        if ended:
            sessions.end_all(uow, user.id, ended, now)
        org_row = uow.session.get(Organisation, user.org_id)
        assert org_row is not None
        view = UserView(user.username, user.display_name, org_row.code, org_row.name, tuple(sorted(wanted)),
                        user.active)
        _log_update(uow, actor, before, view, now)
        if password_hash is not None:
            adminlog.append(uow, actor.username, "password_changed", f"user:{username}", {"unlocked": unlocked}, now)
        view = replace(view, pending=grants.request(uow, actor, user, asked, wanted, now))
        uow.commit()
        return view


def _session_end_reason(new_password: bool, new_roles: bool, deactivated: bool) -> str | None:
    """Why a user's live sessions end with this change: whoever held them must log in again."""
    return ("deactivated" if deactivated else "password_changed" if new_password
            else "roles_changed" if new_roles else None)


def _login_refusal(user: User | None, ok: bool) -> str | None:
    """Why a login of a name that is not locked is refused, for the log; None admits it."""
    if user is None:
        return "unknown_user"
    if not user.active:
        return "inactive"
    return None if ok else "wrong_password"


def _locked(counter: User | LoginThrottle, now: datetime) -> bool:
    return counter.locked_until is not None and counter.locked_until > now


def _throttle(uow: UnitOfWork, name: str) -> LoginThrottle:
    """The failure counter of a name that is no account, made on its first failure (once, under concurrency)."""
    key = hashlib.sha256(name.encode("utf-8")).hexdigest()
    query = select(LoginThrottle).where(LoginThrottle.name_hash == key).with_for_update()
    row = uow.session.scalars(query).one_or_none()
    if row is None:
        try:
            with uow.session.begin_nested():
                uow.session.add(row := LoginThrottle(name_hash=key, failed_logins=0, locked_until=None))
        except IntegrityError:  # another attempt under the same name made it first
            row = uow.session.scalars(query).one()
    return row


def _count_failure(uow: UnitOfWork, counter: User | LoginThrottle, name: str, now: datetime) -> None:
    """One more failure; at the threshold, lock the name and start counting afresh."""
    counter.failed_logins = (counter.failed_logins or 0) + 1
    threshold = uow.settings.lockout_threshold
    if threshold and counter.failed_logins >= threshold:
        counter.locked_until = now + timedelta(minutes=uow.settings.lockout_minutes)
        adminlog.append(uow, SYSTEM, "lockout", f"user:{name}",
                        {"failures": counter.failed_logins, "until": timestamp(counter.locked_until),
                         "minutes": uow.settings.lockout_minutes}, now)
        counter.failed_logins = 0


def _view_of(uow: UnitOfWork, user: User) -> UserView:
    org_row = uow.session.get(Organisation, user.org_id)
    assert org_row is not None
    roles = tuple(sorted(uow.session.scalars(select(UserRole.role).where(UserRole.user_id == user.id))))
    return UserView(user.username, user.display_name, org_row.code, org_row.name, roles, user.active)


def _log_update(uow: UnitOfWork, actor: Actor, before: UserView, after: UserView, now: datetime) -> None:
    """One entry per kind of change that happened: details, roles (before and after), active."""
    subject = f"user:{after.username}"
    changed = {name: [getattr(before, name), getattr(after, name)] for name in ("display_name", "org")
               if getattr(before, name) != getattr(after, name)}
    if changed:
        adminlog.append(uow, actor.username, "user_changed", subject, changed, now)
    added, removed = sorted(set(after.roles) - set(before.roles)), sorted(set(before.roles) - set(after.roles))
    if added or removed:
        adminlog.append(uow, actor.username, "roles_changed", subject,
                        {"before": list(before.roles), "after": list(after.roles), "added": added, "removed": removed},
                        now)
    if before.active != after.active:
        adminlog.append(uow, actor.username, "active_changed", subject, {"active": after.active}, now)


def _require_admin(actor: Actor) -> None:
    if not actor.holds(ADMIN_ROLE):
        raise AccountForbidden(username=actor.username)


def _display_name(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > 100:
        raise AccountInvalid(field="display_name", problem="1 to 100 characters are required",
                             problem_zh="须为 1 至 100 个字符")
    return value


def _organisation(uow: UnitOfWork, code: str) -> Organisation:
    row = uow.session.scalars(select(Organisation).where(Organisation.code == code)).one_or_none()
    if row is None:
        raise AccountInvalid(field="org", problem=f"unknown organisation {code}", problem_zh=f"不存在组织 {code}")
    return row


def _roles(uow: UnitOfWork, grant: Iterable[str]) -> set[str]:
    wanted = {str(r) for r in grant}
    known = set(uow.session.scalars(select(Role.name)))
    unknown = sorted(wanted - known)
    if unknown:
        raise AccountInvalid(field="roles", problem=f"unknown role {unknown[0]}", problem_zh=f"不存在角色 {unknown[0]}")
    return wanted

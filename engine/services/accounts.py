"""Accounts: the administrator's door to users, organisations and roles.

Administrators manage people and definitions, never the contents of procedures: nothing
here touches a procedure, a work item or history. Every change checks that the acting
user holds `admin`, validates its input naming the field, and is one transaction. The
web layer hashes passwords (argon2) before they reach the engine, which stores only hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.errors import AccountForbidden, AccountInvalid, UserNotFound
from engine.persistence.tables import Organisation, Role, User, UserRole
from engine.persistence.uow import UnitOfWork

__all__ = ["create_organisation", "create_user", "credentials", "organisations", "roles", "update_user", "users"]

ADMIN_ROLE = "admin"
ORG_KINDS = ("decision_organ", "gov_office", "department", "review_office", "expert_pool", "assessor",
             "party_committee", "auditor", "other")
ORG_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
PUBLIC_ROLE = "public"
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{1,63}$")


@dataclass(frozen=True)
class UserView:
    username: str
    display_name: str
    org: str
    org_name: str
    roles: tuple[str, ...]
    active: bool


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


def users(uow: UnitOfWork, actor: Actor) -> list[UserView]:
    _require_admin(actor)
    with uow.read():
        rows = uow.session.execute(select(User, Organisation).join(Organisation, Organisation.id == User.org_id)
                                   .order_by(Organisation.code, User.username)).all()
        grants: dict[int, list[str]] = {}
        for user_id, role in uow.session.execute(select(UserRole.user_id, UserRole.role).order_by(UserRole.role)):
            grants.setdefault(user_id, []).append(role)
        return [UserView(u.username, u.display_name, o.code, o.name, tuple(grants.get(u.id, ())), u.active)
                for u, o in rows]


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
        uow.commit()
        return OrganisationView(code, name, kind)


def create_user(uow: UnitOfWork, actor: Actor, username: str, display_name: str, org: str,
                grant: Iterable[str], password_hash: str) -> UserView:
    """A new active user with exactly the roles in `grant`; an existing username is refused."""
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
        user = User(username=username, display_name=display_name, org_id=org_row.id,
                    password_hash=password_hash, active=True, created_at=uow.clock.now())
        uow.session.add(user)
        uow.session.flush()
        uow.session.add_all(UserRole(user_id=user.id, role=r) for r in sorted(wanted))
        view = UserView(username, display_name, org_row.code, org_row.name, tuple(sorted(wanted)), True)
        uow.commit()
        return view


def update_user(uow: UnitOfWork, actor: Actor, username: str, *, display_name: str | None = None,
                org: str | None = None, grant: Iterable[str] | None = None, active: bool | None = None,
                password_hash: str | None = None) -> UserView:
    """Change what is given; an administrator cannot lock themselves out of administration."""
    _require_admin(actor)
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise UserNotFound(username=username)
        if display_name is not None:
            user.display_name = _display_name(display_name)
        if org is not None:
            user.org_id = _organisation(uow, org).id
        if password_hash is not None:
            user.password_hash = password_hash
        have = set(uow.session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)))
        wanted = have if grant is None else _roles(uow, grant)
        if username == actor.username and (ADMIN_ROLE not in wanted or active is False):
            raise AccountInvalid(field="roles", problem="you cannot remove your own administration rights",
                                 problem_zh="不能取消自己的管理员权限或停用自己的账户")
        for role in wanted - have:
            uow.session.add(UserRole(user_id=user.id, role=role))
        for role in have - wanted:
            uow.session.delete(uow.session.get(UserRole, (user.id, role)))
        if active is not None:
            user.active = active
        org_row = uow.session.get(Organisation, user.org_id)
        assert org_row is not None
        view = UserView(user.username, user.display_name, org_row.code, org_row.name, tuple(sorted(wanted)),
                        user.active)
        uow.commit()
        return view


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

"""Organisations, roles and users, and the Actor a service call acts as.

Set-up (the demo, the command line, tests) makes rows without an administrator, but never without a
record: each row made or changed here is an administration log entry by `setup`, in the same unit of
work, so that verify can rebuild every account row from the log (engine/integrity/accounts.py).

Roles are loaded from the database on every `actor()` call, so a revoked role stops
working at the next request. Passwords are stored hashed by the web layer (argon2);
the engine stores the hash it is given and never sees a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, select

from engine.domain.actors import Actor, canonical_username
from engine.domain.errors import UserNotFound
from engine.domain.independence import Affiliations, Unit
from engine.domain.rules import require_admin_alone
from engine.persistence.tables import Organisation, Role, User, UserRole
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog

SETUP = "setup"
"""Who set-up's log entries name: no person did it."""

__all__ = ["actor", "ensure_organisation", "ensure_role", "ensure_user", "names", "set_password_hash"]


@dataclass(frozen=True)
class Names:
    """How pages name people and units: a user's display name and unit name, a unit's name (issue 22)."""

    people: dict[str, tuple[str, str]]
    """username → (display name, unit name), for the usernames asked about that exist."""
    organisations: dict[str, str]
    """code → name, every organisation: a county has a few hundred, read in one query."""


def ensure_organisation(uow: UnitOfWork, code: str, name: str, kind: str = "department") -> int:
    with uow:
        org = uow.session.scalars(select(Organisation).where(Organisation.code == code)).one_or_none()
        if org is None:
            org = Organisation(code=code, name=name, kind=kind)
            uow.session.add(org)
            uow.session.flush()
            adminlog.append(uow, SETUP, "organisation_created", f"organisation:{code}",
                            {"code": code, "name": name, "kind": kind}, uow.clock.now())
        org_id = org.id
        uow.commit()
        return org_id


def ensure_role(uow: UnitOfWork, name: str, title_zh: str, title_en: str) -> None:
    with uow:
        if uow.session.get(Role, name) is None:
            _define_role(uow, name, title_zh, title_en)
        uow.commit()


def _define_role(uow: UnitOfWork, name: str, title_zh: str, title_en: str) -> None:
    uow.session.add(Role(name=name, title_zh=title_zh, title_en=title_en))
    adminlog.append(uow, SETUP, "role_defined", f"role:{name}",
                    {"name": name, "title_zh": title_zh, "title_en": title_en}, uow.clock.now())


def ensure_user(uow: UnitOfWork, username: str, org_code: str, roles: Iterable[str],
                display_name: str | None = None, password_hash: str | None = None) -> Actor:
    """Create the user if missing and grant exactly `roles` (unknown roles are created).

    Set-up, not administration (the demo, tests): no four-eyes approval, but admin is never held
    beside another role here either (DF-ADMIN-SEPARATION). The username is stored canonical (trimmed,
    case-folded), so " Zhang_Wei " is the account zhang_wei, never a second person.
    """
    username = canonical_username(username)
    wanted = set(roles)
    require_admin_alone(wanted)
    with uow:
        org = uow.session.scalars(select(Organisation).where(Organisation.code == org_code)).one()
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        for role in sorted(wanted):
            if uow.session.get(Role, role) is None:
                _define_role(uow, role, role, role)
        uow.session.flush()
        now, created = uow.clock.now(), user is None
        if user is None:
            user = User(username=username, display_name=display_name or username, org_id=org.id,
                        password_hash=password_hash, active=True, created_at=now)
            uow.session.add(user)
            uow.session.flush()
            adminlog.append(uow, SETUP, "user_created", f"user:{username}",
                            {"display_name": user.display_name, "org": org.code, "roles": sorted(wanted)}, now)
        have = set() if created else set(uow.session.scalars(select(UserRole.role)
                                                              .where(UserRole.user_id == user.id)))
        for role in wanted - have:
            uow.session.add(UserRole(user_id=user.id, role=role))
        for role in have - wanted:
            uow.session.delete(uow.session.get(UserRole, (user.id, role)))
        if not created and have != wanted:
            adminlog.append(uow, SETUP, "roles_changed", f"user:{username}",
                            {"before": sorted(have), "after": sorted(wanted), "added": sorted(wanted - have),
                             "removed": sorted(have - wanted)}, now)
        result = Actor(user.id, user.username, org.code, frozenset(wanted))
        uow.commit()
        return result


def actor(uow: UnitOfWork, username: str) -> Actor:
    """The active user `username` with their organisation and current roles."""
    with uow.read():  # one statement: every request names its actor this way (API and pages)
        rows = uow.session.execute(
            select(User.id, User.username, Organisation.code, UserRole.role)
            .join(Organisation, Organisation.id == User.org_id).outerjoin(UserRole, UserRole.user_id == User.id)
            .where(User.username == username, User.active.is_(True))).all()
        if not rows:
            raise UserNotFound(username=username)
        user_id, name, org_code, _ = rows[0]
        return Actor(user_id, name, org_code, frozenset(r.role for r in rows if r.role is not None))


def set_password_hash(uow: UnitOfWork, username: str, password_hash: str) -> None:
    """Store a new password hash (set-up and the command line; pages go through accounts)."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            raise UserNotFound(username=username)
        user.password_hash = password_hash
        adminlog.append(uow, SETUP, "password_changed", f"user:{username}", {"unlocked": False},
                        uow.clock.now())
        uow.commit()


def names(uow: UnitOfWork, usernames: Iterable[str] = ()) -> Names:
    """The names behind codes: what a page shows instead of `dev_reform` or `sponsor`."""
    wanted = sorted({u for u in usernames if u})
    with uow.read():  # one statement: every unit, each with the wanted users it holds (base.html asks per page)
        rows = uow.session.execute(
            select(Organisation.code, Organisation.name, User.username, User.display_name)
            .outerjoin(User, and_(User.org_id == Organisation.id, User.username.in_(wanted)))).all()
    organisations = {code: unit for code, unit, _, _ in rows}
    people = {username: (display, unit) for _, unit, username, display in rows if username is not None}
    return Names(people, organisations)


def affiliations(uow: UnitOfWork, sponsor_org: str, usernames: Iterable[str]) -> Affiliations:
    """The sponsoring unit and the units of the named users, from the registry (users.org_id), in the
    caller's unit of work: what the independence guards compare with (MD-20, MD-23)."""
    name = uow.session.scalar(select(Organisation.name).where(Organisation.code == sponsor_org))
    wanted = sorted({canonical_username(str(u)) for u in usernames if u})
    rows = uow.session.execute(select(User.username, Organisation.code, Organisation.name, Organisation.kind)
                               .join(Organisation, Organisation.id == User.org_id)
                               .where(User.username.in_(wanted))).all() if wanted else []
    experts = set(uow.session.scalars(select(User.username).join(UserRole, UserRole.user_id == User.id)
                                      .where(User.username.in_(wanted), UserRole.role == "expert",
                                             User.active.is_(True)))) if wanted else set()
    return Affiliations(Unit(sponsor_org, name or sponsor_org),
                        {username: Unit(code, unit) for username, code, unit, _ in rows},
                        pool=frozenset(u for u, _, _, kind in rows if kind == "expert_pool" and u in experts))

"""Four-eyes role grants (DF-FOUR-EYES): the auditor and review roles take two administrators.

The auditor reads every procedure and the administration log; the legality review office, legal
advisers and public lawyers judge whether a draft is lawful. An administrator who grants one of
these roles (`FOUR_EYES_ROLES`) through `accounts.create_user` or `accounts.update_user` only asks
for it: a pending `role_grants` row and a `grant_requested` entry in the administration log. Another
administrator approves it — the role is held from that commit, logged with the roles before and
after — or rejects it. Whoever asked may not approve, but may reject (withdraw) their own request:
not granting is the safe direction. Revoking a role needs nobody's approval and takes effect at once
(accounts.update_user). Every decision is one transaction with its log entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.domain.actors import Actor
from engine.domain.errors import AccountForbidden, GrantDecided, GrantNotFound, GrantSelfApproval
from engine.domain.roles import ADMIN
from engine.domain.rules import require_admin_alone
from engine.persistence.tables import RoleGrant, User, UserRole
from engine.persistence.uow import UnitOfWork
from engine.services import adminlog, sessions

__all__ = ["approve", "pending", "reject"]

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
_STATUS_ZH = {APPROVED: "批准", REJECTED: "驳回"}


@dataclass(frozen=True)
class GrantView:
    id: int
    username: str
    display_name: str
    role: str
    requested_by: str
    requested_at: datetime
    status: str


def pending(uow: UnitOfWork, actor: Actor) -> list[GrantView]:
    """The grants waiting for a decision, oldest first, for administrators."""
    _require_admin(actor)
    with uow.read():
        rows = uow.session.execute(select(RoleGrant, User).join(User, User.id == RoleGrant.user_id)
                                   .where(RoleGrant.status == PENDING).order_by(RoleGrant.id)).all()
        return [_view(grant, user) for grant, user in rows]


def approve(uow: UnitOfWork, actor: Actor, grant_id: int) -> GrantView:
    """A second administrator approves: the user holds the role from this commit.

    Refused when `actor` asked for the grant (GrantSelfApproval), when it was already decided
    (GrantDecided), and when the user has meanwhile become an administrator (DF-ADMIN-SEPARATION).
    """
    _require_admin(actor)
    with uow:
        grant, user = _locked(uow, grant_id)
        if grant.requested_by == actor.username:
            raise GrantSelfApproval(username=actor.username, grant_id=grant.id, role=grant.role)
        before = _held(uow, user.id)
        after = before | {grant.role}
        require_admin_alone(after)
        if grant.role not in before:
            uow.session.add(UserRole(user_id=user.id, role=grant.role))
            sessions.end_all(uow, user.id, "roles_changed", uow.clock.now())  # new roles: log in again
        _decide(uow, actor, grant, user, APPROVED, {"before": sorted(before), "after": sorted(after)})
        uow.commit()
        return _view(grant, user)


def reject(uow: UnitOfWork, actor: Actor, grant_id: int) -> GrantView:
    """Any administrator, the one who asked included, turns a pending grant down; no role changes."""
    _require_admin(actor)
    with uow:
        grant, user = _locked(uow, grant_id)
        _decide(uow, actor, grant, user, REJECTED, {"roles": sorted(_held(uow, user.id))})
        uow.commit()
        return _view(grant, user)


def request(uow: UnitOfWork, actor: Actor, user: User, roles: Iterable[str], held: Iterable[str],
            now: datetime) -> tuple[str, ...]:
    """Ask for `roles` inside the caller's unit of work; returns every role now pending for the user.

    A role already pending is not asked for twice (the partial unique index would refuse it anyway).
    """
    waiting = set(pending_roles(uow, [user.id]).get(user.id, ()))
    for role in sorted(set(roles) - waiting):
        grant = RoleGrant(user_id=user.id, role=role, status=PENDING, requested_by=actor.username,
                          requested_at=now)
        uow.session.add(grant)
        uow.session.flush()
        adminlog.append(uow, actor.username, "grant_requested", f"user:{user.username}",
                        {"grant": grant.id, "role": role, "roles": sorted(held)}, now)
        waiting.add(role)
    return tuple(sorted(waiting))


def pending_roles(uow: UnitOfWork, user_ids: Iterable[int] | None = None) -> dict[int, tuple[str, ...]]:
    """The roles waiting for approval, per user id (all users when `user_ids` is None)."""
    stmt = select(RoleGrant.user_id, RoleGrant.role).where(RoleGrant.status == PENDING).order_by(RoleGrant.role)
    if user_ids is not None:
        stmt = stmt.where(RoleGrant.user_id.in_(list(user_ids)))
    found: dict[int, list[str]] = {}
    for user_id, role in uow.session.execute(stmt):
        found.setdefault(user_id, []).append(role)
    return {user_id: tuple(roles) for user_id, roles in found.items()}


def _locked(uow: UnitOfWork, grant_id: int) -> tuple[RoleGrant, User]:
    """The grant, locked, with its user; only a pending grant may be decided."""
    grant = uow.session.scalars(select(RoleGrant).where(RoleGrant.id == grant_id).with_for_update()).one_or_none()
    if grant is None:
        raise GrantNotFound(grant_id=grant_id)
    user = uow.session.get(User, grant.user_id)
    assert user is not None
    if grant.status != PENDING:
        raise GrantDecided(grant_id=grant.id, role=grant.role, username=user.username, status=grant.status,
                           status_zh=_STATUS_ZH.get(grant.status, grant.status))
    return grant, user


def _decide(uow: UnitOfWork, actor: Actor, grant: RoleGrant, user: User, status: str,
            roles: dict[str, list[str]]) -> None:
    now = uow.clock.now()
    grant.status, grant.decided_by, grant.decided_at = status, actor.username, now
    adminlog.append(uow, actor.username, f"grant_{status}", f"user:{user.username}",
                    {"grant": grant.id, "role": grant.role, "requested_by": grant.requested_by, **roles}, now)


def _held(uow: UnitOfWork, user_id: int) -> set[str]:
    return set(uow.session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def _require_admin(actor: Actor) -> None:
    if not actor.holds(ADMIN):
        raise AccountForbidden(username=actor.username)


def _view(grant: RoleGrant, user: User) -> GrantView:
    return GrantView(grant.id, user.username, user.display_name, grant.role, grant.requested_by, grant.requested_at,
                     grant.status)

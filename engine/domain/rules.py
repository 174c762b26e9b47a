"""Who may do a step, and when: pure checks, run before anything changes (invariant 2).

Each check raises the domain error that names the rule; none touches a database.
Separation of duties is declared once per statute (engine/domain/duties.py), so the
compliance docs and the engine read the same declaration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from engine.domain import duties
from engine.domain.actors import Actor, canonical_username
from engine.domain.errors import (
    AdminRoleSeparation,
    NotAssignee,
    RoleRequired,
    SponsorMayNotReview,
    StepAlreadyCompleted,
    StepNotReady,
)
from engine.domain.roles import ADMIN

OPEN, COMPLETED, CANCELLED = "open", "completed", "cancelled"


@dataclass(frozen=True)
class Done:
    """Who did an earlier step of this procedure, as the engine recorded it (never as a client typed it)."""

    step_kind: str
    title: str
    username: str
    user_id: int | None  # the account whose stored username it is; None if the account is gone


@dataclass(frozen=True)
class StepRef:
    """What the checks need to know of a step: no ORM object, no SpiffWorkflow task."""

    task_id: str
    procedure_id: int
    spec: str
    title: str
    step_kind: str
    role: str
    org: str | None
    status: str
    assignee: str | None
    opened_at: datetime | None = None  # when the step became READY: DF-DATE bounds of what is done in it


def require_open(step: StepRef) -> None:
    """A completed step is never done again (MD-33b); a cancelled one is not ready (MD-39)."""
    if step.status == COMPLETED:
        raise StepAlreadyCompleted(step=step.title, step_kind=step.step_kind)
    if step.status != OPEN:
        raise StepNotReady(step=step.title, step_kind=step.step_kind, state=step.status.upper())


def require_role(step: StepRef, actor: Actor) -> None:
    """The actor holds the step's role and, where the lane names one, belongs to its organisation."""
    if not actor.holds(step.role) or (step.org is not None and actor.org != step.org):
        clause = f" of {step.org}" if step.org else ""
        raise RoleRequired(step=step.title, step_kind=step.step_kind, role=step.role,
                           org=step.org, org_clause=clause, username=actor.username)


def require_assignee(step: StepRef, actor: Actor) -> None:
    if step.assignee is not None and step.assignee != actor.username:
        raise NotAssignee(step=step.title, assignee=step.assignee)


def require_separation(step: StepRef, actor: Actor, sponsor_org: str, done: Iterable[Done]) -> None:
    """Separation of duties (engine/domain/duties.py), at every door that gives a person a step.

    The sponsoring organisation never does an independent step (MD-25a); a person who did a step the
    law keeps apart from this one in this procedure does not do it, whatever roles they hold. The
    person is their account: the same user id, or the same canonical username (case and white space
    do not make another person)."""
    if duties.independent(step.step_kind) and actor.org == sponsor_org:
        raise SponsorMayNotReview(org=sponsor_org, step=step.title, step_kind=step.step_kind)
    pairs = duties.apart_for(step.step_kind)
    if not pairs:
        return
    me = canonical_username(actor.username)
    for earlier in done:
        if earlier.user_id != actor.user_id and canonical_username(earlier.username) != me:
            continue
        for pair in pairs:
            if earlier.step_kind in pair.across(step.step_kind):
                raise pair.barred(username=actor.username, step=step.title, step_kind=step.step_kind,
                                  other_step=earlier.title, other_kind=earlier.step_kind)


def require_admin_alone(roles: Iterable[str]) -> None:
    """DF-ADMIN-SEPARATION: a set of roles with admin holds nothing else (administrators see no contents)."""
    held = set(roles)
    others = sorted(held - {ADMIN})
    if ADMIN in held and others:
        raise AdminRoleSeparation(field="roles", roles=", ".join(others))

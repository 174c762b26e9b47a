"""Who may do a step, and when: pure checks, run before anything changes (invariant 2).

Each check raises the domain error that names the rule; none touches a database.
Separation of duties is declared per step kind in one table, so the compliance docs,
the UI and the engine read the same declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.domain.actors import Actor
from engine.domain.errors import (
    AdminRoleSeparation,
    DomainError,
    DrafterMayNotReview,
    InvestigatorMayNotReview,
    NotAssignee,
    RoleRequired,
    SameActorBarred,
    SponsorMayNotReview,
    StepAlreadyCompleted,
    StepNotReady,
)
from engine.domain.roles import ADMIN
from engine.domain.steps import StepKind

OPEN, COMPLETED, CANCELLED = "open", "completed", "cancelled"


@dataclass(frozen=True)
class Separation:
    """A separation-of-duty rule for one step kind.

    `not_sponsor`: nobody from the procedure's sponsoring organisation does the step
    (MD-25a: the legality review is independent of the drafter).
    `not_actor_of`: nobody who did one of these earlier step kinds does this one.
    `barred`: the refusal naming the rule, where it is more than role hygiene (ER-3).
    """

    not_sponsor: bool = False
    not_actor_of: tuple[StepKind, ...] = ()
    barred: type[DomainError] = SameActorBarred


SEPARATION: dict[StepKind, Separation] = {
    StepKind.legality_review: Separation(not_sponsor=True, not_actor_of=(StepKind.drafting, StepKind.revision)),
    StepKind.legal_opinion: Separation(not_sponsor=True),
    StepKind.expert_argumentation: Separation(not_sponsor=True),
    StepKind.post_evaluation: Separation(not_actor_of=(StepKind.expert_argumentation, StepKind.risk_assessment)),
    StepKind.enforcement_legal_review: Separation(  # ER-3: reviewers are separate from investigators
        not_actor_of=(StepKind.enforcement_submission, StepKind.enforcement_supplement),
        barred=InvestigatorMayNotReview),
    StepKind.nd_legality_review: Separation(  # ND-4: the drafter never reviews its own document
        not_actor_of=(StepKind.nd_drafting, StepKind.nd_review_submission, StepKind.nd_revision),
        barred=DrafterMayNotReview),
}


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


def separation_for(step_kind: str) -> Separation:
    kind = StepKind.parse(step_kind)
    return SEPARATION.get(kind, Separation()) if kind else Separation()


def require_separation(step: StepRef, actor: Actor, sponsor_org: str,
                       done_by: Mapping[str, Sequence[str]]) -> None:
    """`done_by` maps earlier step kinds of this procedure to the users who did them."""
    rule = separation_for(step.step_kind)
    if rule.not_sponsor and actor.org == sponsor_org:
        raise SponsorMayNotReview(org=sponsor_org, step=step.title, step_kind=step.step_kind)
    for kind in rule.not_actor_of:
        if actor.username in done_by.get(kind, ()):
            raise rule.barred(username=actor.username, other_step=str(kind), step=step.title)


def require_admin_alone(roles: Iterable[str]) -> None:
    """DF-ADMIN-SEPARATION: a set of roles with admin holds nothing else (administrators see no contents)."""
    held = set(roles)
    others = sorted(held - {ADMIN})
    if ADMIN in held and others:
        raise AdminRoleSeparation(field="roles", roles=", ".join(others))

"""Facts another procedure's chain or the registry records, looked up for a form that restates them.

Not a door: `tasks.complete` asks it inside its own unit of work. The execution of a decision runs as
its own procedure; when its assignment names the major-decision procedure it executes, the units that
did that decision's expert argumentation and risk assessment are read from that procedure's chained
events (who completed the steps, from which organisation, and the institutions their forms name),
never from what the organ types (engine/domain/known_facts.py compares them). A meeting's members are
the government's, and an enforcement organ's heads its own, by the organisation registry (MD-30a, MD-30b,
ER-8): `composition` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine.bpmn.profiles import STAFF
from engine.domain import known_facts
from engine.domain.actors import canonical_username
from engine.domain.errors import FormInvalid
from engine.persistence.tables import Event, Organisation, Procedure, User, UserRole
from engine.persistence.uow import UnitOfWork
from engine.services import definitions

DECISION_STATUTE = "major_decision"
BODIES: dict[str, tuple[str, str, bool]] = {
    "md_deliberation": ("meeting_member", "head", False),
}
"""Form → (the role of the body's members, the role of who chairs it, whether the body is the acting
user's own organisation's) in the registry: the government's meeting (MD-30a), an organ's heads (ER-8)."""


def on_record(uow: UnitOfWork, form: str, values: Mapping[str, Any], this_procedure: int) -> dict[str, list[str]]:
    """Field → entries other procedures' records fix for `form`; no query for any other form.

    The decision an execution carries out is the one its procedure was started for (the start facts of
    its `procedure_started` event) when the form does not name it: the check is not left to the form."""
    if form != "ex_assign":
        return {}
    procedure_id = values.get("decision_procedure")
    if procedure_id is None:
        started = uow.session.scalar(select(Event.payload).where(Event.procedure_id == this_procedure,
                                                                 Event.seq == 1))
        procedure_id = ((started or {}).get("facts") or {}).get("decision_procedure")
    if procedure_id is None:
        return {}
    procedure = uow.session.get(Procedure, int(procedure_id))
    if procedure is None or definitions.load_compiled(uow, procedure.definition_id).statute != DECISION_STATUTE:
        raise FormInvalid(field="decision_procedure", problem=f"no major-decision procedure {procedure_id} exists",
                          problem_zh=f"不存在编号为 {procedure_id} 的重大行政决策程序")
    payloads = uow.session.scalars(select(Event.payload).where(
        Event.procedure_id == procedure.id, Event.kind == "task_completed").order_by(Event.seq))
    return {"pre_decision_units": known_facts.pre_decision_units(payloads)}


def composition(uow: UnitOfWork, form: str, org: str | None = None) -> known_facts.Composition | None:
    """The body that meets for `form` by the registry: active holders of the member or chair role (a head
    is a member), of the acting user's organisation `org` where the body is an organ's own. None when the
    form records no body; an empty body when the registry lists nobody for it yet, which the form's check
    refuses (a typed list of members never stands in for the registry)."""
    body = BODIES.get(form)
    if body is None:
        return None
    member, chair, own_organ = body
    roles = (member, chair)
    query = (select(User.username, User.display_name, UserRole.role).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role.in_(roles), User.active.is_(True)).order_by(User.username))
    if own_organ:
        query = query.join(Organisation, Organisation.id == User.org_id).where(Organisation.code == org)
    rows = uow.session.execute(query)
    members: dict[str, str] = {}
    chairs: set[str] = set()
    for username, shown, role in rows:
        members[username] = shown
        if role == chair:
            chairs.add(username)
    return known_facts.Composition(tuple(members.items()), frozenset(chairs))


def staff(uow: UnitOfWork, form: str, org: str | None,
          values: Mapping[str, Any]) -> dict[known_facts.Staff, known_facts.Composition]:
    """For each `Staff` seat the form's statute declares, who the registry holds for it: active holders of
    its role (or anyone) in the acting user's organisation `org`, by username or name; for a seat of any
    role anywhere, the accounts the form names, by username only (no query over every user)."""
    registered: dict[known_facts.Staff, known_facts.Composition] = {}
    for seat in STAFF.get(form, ()):
        query = select(User.username, User.display_name).where(User.active.is_(True)).order_by(User.username)
        if seat.role is not None:
            query = query.join(UserRole, UserRole.user_id == User.id).where(UserRole.role == seat.role)
        if seat.organ:
            query = query.join(Organisation, Organisation.id == User.org_id).where(Organisation.code == org)
        by_name = seat.role is not None or seat.organ
        if not by_name:
            typed = values.get(seat.field)
            names = typed if isinstance(typed, list) else [typed]
            query = query.where(User.username.in_([canonical_username(str(n)) for n in names if n]))
        members = tuple((username, (shown or username) if by_name else username)
                        for username, shown in uow.session.execute(query))
        registered[seat] = known_facts.Composition(members, frozenset())
    return registered


def registered(uow: UnitOfWork, kind: str, typed: set[str]) -> set[str]:
    """Which of the typed codes (`organisation`) or usernames (`person`, active users, however typed)
    the registry holds: one query over just these values (engine/form_names.py)."""
    if kind == "organisation":
        return set(uow.session.scalars(select(Organisation.code).where(Organisation.code.in_(sorted(typed)))))
    canonical = {value: canonical_username(value) for value in typed}
    active = set(uow.session.scalars(select(User.username).where(User.username.in_(sorted(set(canonical.values()))),
                                                                 User.active.is_(True))))
    return {value for value, username in canonical.items() if username in active}

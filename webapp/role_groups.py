"""Roles grouped by what they are, for the administrator's user editor (issue 22 item 6).

Procedure roles come under the statute whose steps they take (each role once, under the first statute in
engine.statutes.STATUTES whose profile's STEP_ROLES names it, or ALSO_IN); the rest are office roles
(audit, supervision, the public); the administrator role stands alone (DF-ADMIN-SEPARATION). Each role
appears once, so a form's checkboxes never send a role twice.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext

from engine.domain.roles import ADMIN
from engine.statutes import STATUTES
from webapp.names import definition_name

OFFICE = "office"
ALSO_IN: dict[str, str] = {"meeting_member": "major_decision", "participation_organiser": "major_decision",
                           "consulted_unit": "major_decision", "npc_liaison": "major_decision",
                           "legal_professional": "enforcement_review"}
"""Procedure roles no lane holds but a statute's guards or facts read (the meeting's members, the
public-participation organiser, consulted units, the people's congress liaison, the enforcement review's
legal professional qualification): placed under that statute."""
ADMINISTRATION = "administration"


@dataclass(frozen=True)
class RoleGroup:
    key: str
    """A statute's key (its definition's name is shown), or OFFICE or ADMINISTRATION."""
    roles: tuple[str, ...]


def _step_roles(statute: str) -> frozenset[str]:
    profile = importlib.import_module(f"engine.statutes.{statute}.profile")
    return frozenset().union(*getattr(profile, "STEP_ROLES", {}).values())


def groups(roles: Iterable[str]) -> list[RoleGroup]:
    """The roles that exist, in groups: one per statute with roles left to place, then office, then admin."""
    left = [r for r in roles if r != ADMIN]
    found = []
    for statute in STATUTES:
        mine = tuple(r for r in left if r in _step_roles(statute) or ALSO_IN.get(r) == statute)
        if mine:
            found.append(RoleGroup(statute, mine))
            left = [r for r in left if r not in mine]
    if left:
        found.append(RoleGroup(OFFICE, tuple(left)))
    if ADMIN in roles:
        found.append(RoleGroup(ADMINISTRATION, (ADMIN,)))
    return found


def label(key: str) -> str:
    """A group's heading: the statute's procedure by its definition's name, or the office or admin group."""
    if key == OFFICE:
        return str(lazy_gettext("Office roles: audit, supervision, the public"))
    if key == ADMINISTRATION:
        return str(lazy_gettext("Administration"))
    return str(lazy_gettext("Procedure roles: %(name)s", name=definition_name(key)))

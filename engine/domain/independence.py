"""Independence checked against the organisation registry (MD-20, MD-23), not on a declaration alone.

An expert who declares "no interest" may still work for the sponsoring unit; the law wants
experts and institutions without a direct interest (Art. 20) and a risk assessment by a third
party to be a third party (Art. 23). The service looks the units up — a user's unit from the
registry (users.org_id), the sponsor's code and name — and hands them to the guard in
`Affiliations`; for a person who is not a user, the unit the form states is what is compared.
Units compare canonically, by code or by name, so "发改委 " and "ＤＥＶ_ＲＥＦＯＲＭ" are caught.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.domain.actors import canonical_username


def canonical(text: object) -> str:
    """One spelling of a name or code: NFKC (full-width to half-width), no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


@dataclass(frozen=True)
class Unit:
    code: str
    name: str

    def is_named_by(self, stated: object) -> bool:
        """Whether `stated` names this unit, by its code or by its name."""
        said = canonical(stated)
        return bool(said) and said in (canonical(self.code), canonical(self.name))

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）" if self.name and self.name != self.code else self.code


@dataclass(frozen=True)
class Affiliations:
    """What the registry says about the people and units a step names, looked up by the service."""

    sponsor: Unit
    users: Mapping[str, Unit] = field(default_factory=dict)
    """canonical username → the user's unit, for the usernames the step names that exist."""
    excluded: tuple[Unit, ...] = ()
    """Other units the law excludes for this procedure (none recorded yet beyond the sponsor)."""
    pool: frozenset[str] = frozenset()
    """Canonical usernames among those named who are experts of an expert pool (`expert` role in an
    organisation of kind `expert_pool`): who may be said to come from this level's pool (MD-21)."""

    def in_pool(self, username: object) -> bool:
        return bool(username) and canonical_username(str(username)) in self.pool

    def unit_of(self, username: object) -> Unit | None:
        return self.users.get(canonical_username(str(username))) if username else None

    def conflict(self, stated_unit: object, username: object = None) -> str | None:
        """The excluded unit a person belongs to, as a label, or None.

        A registered user's unit is the registry's, whatever the form states; for someone who is not a
        user the stated unit is compared. Both are compared when both are given: a stated unit never
        hides the registered one, nor the other way round."""
        candidates = [u for u in (self.unit_of(username),) if u is not None]
        for unit in (self.sponsor, *self.excluded):
            if any(c.code == unit.code for c in candidates) or unit.is_named_by(stated_unit):
                return unit.label
        return None

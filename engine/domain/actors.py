"""Who acts: a plain value the services receive, never a web framework object."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from engine.domain.roles import acting_roles


def canonical_username(name: str) -> str:
    """A username as one person: Unicode-normalised, trimmed, case-folded (accounts are stored so)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


@dataclass(frozen=True)
class Actor:
    """A user as the engine sees one: name, organisation and roles, loaded from the database."""

    user_id: int
    username: str
    org: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # DF-ADMIN-SEPARATION: whatever the database holds, an administrator acts as administrator only.
        object.__setattr__(self, "roles", acting_roles(self.roles))

    def holds(self, role: str) -> bool:
        return role in self.roles

    def as_payload(self) -> dict[str, object]:
        """How the actor appears in history: enough to attribute the act for life (MD-38)."""
        return {"user": self.username, "org": self.org}


SYSTEM = Actor(user_id=0, username="system", org="system", roles=frozenset({"system"}))
"""The scheduler's actor: fires timers, never completes a human step."""

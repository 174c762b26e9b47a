"""The two kinds of separation of duties a statute declares in its profile (`DUTIES`).

`Apart` says one person never does a step of one side and a step of the other in the same procedure,
whatever roles they hold; `Independent` says nobody of the procedure's sponsoring organisation does these
steps. engine/domain/duties.py applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain import errors as e
from engine.domain.steps import StepKind as K


@dataclass(frozen=True)
class Apart:
    """Nobody who did a step of `one` does a step of `other` in the same procedure, nor the reverse."""

    one: tuple[K, ...]
    other: tuple[K, ...]
    barred: type[e.DutiesApart]

    @property
    def rule(self) -> str:
        return self.barred.rule

    def across(self, kind: str) -> tuple[K, ...]:
        """The step kinds a person who does `kind` may not also have done."""
        return (self.other if kind in self.one else ()) + (self.one if kind in self.other else ())


@dataclass(frozen=True)
class Independent:
    """MD-25a: the sponsoring organisation never does these steps itself."""

    kinds: tuple[K, ...]
    rule: str = e.SponsorMayNotReview.rule


Duty = Apart | Independent

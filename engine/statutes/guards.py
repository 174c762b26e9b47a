"""Statutory guards: what a step's form cannot say alone, checked before anything changes.

Each statute's home registers its guards (`<statute>/guards.py`), one per step kind, with what
each reads beyond the form (`Reads`): the moments earlier steps were completed, the registry units
of named people, the numbers other procedures hold. A guard gets the step's new data, the
procedure's data so far and the time, and either refuses with the rule's error or returns values
the engine derives — never values a client may set. For example the public-comment guard derives
`urgent_comment` and `comment_closes_at` from the opening form, so the BPMN branches on what the
law allows, not on a flag someone typed in (DESIGN 3).

Guards are pure: no database, no SpiffWorkflow; the service looks up what `Reads` names and
passes it in the `Context`. The numbers are configuration values with the national defaults.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from engine import workdays
from engine.domain.actors import Actor
from engine.domain.errors import FormInvalid
from engine.domain.independence import Affiliations
from engine.domain.known_facts import Received
from engine.statutes import modules
from engine.statutes.limits import Limits


@dataclass(frozen=True)
class Context:
    data: Mapping[str, Any]           # the new step's data
    before: Mapping[str, Any]         # what the procedure recorded so far
    now: datetime
    limits: Limits = field(default_factory=Limits)
    catalogue_status: str | None = None   # the chosen catalogue item's status, looked up by the service
    actor: Actor | None = None        # who does the step, for guards on the person (ER-3)
    registry: tuple[Mapping[str, Any], ...] | None = None  # the registry, looked up for the clean-up's scope (ND-9)
    completed: Mapping[str, tuple[datetime, ...]] = field(default_factory=dict)
    """When earlier steps were completed, by step kind, oldest first: the work items' record, looked up
    for the step kinds `Reads.completed` names (MD-26b), never a date the client typed."""
    affiliations: Affiliations | None = None
    """The sponsor's unit and the named users' units from the registry, for the (list field, username
    sub-field) pairs `Reads.affiliations` names (MD-20, MD-23): a declaration of no interest never
    stands in for them."""
    numbers_in_use: Mapping[str, int] | None = None
    """Canonical number → the other procedure holding it, read from history for the field `Reads.number`
    names (ND-6 and document numbers)."""
    opinions: tuple[Received, ...] | None = None
    """The opinions the public portal took for the procedure's latest call for comments and how each was
    marked (MD-18), when `Reads.opinions`: the count and the handling are the record's, not typed."""

    @property
    def today(self) -> date:
        return workdays.local_date(self.now)


Guard = Callable[[Context], dict[str, Any]]


@dataclass(frozen=True)
class Reads:
    """What a guard reads beyond the form, declared beside it; the service looks up only these."""

    completed: tuple[str, ...] = ()
    """Step kinds whose completion moments the guard dates from (MD-26b)."""
    affiliations: tuple[tuple[str, str], ...] = ()
    """(list field, username sub-field) of the people whose registry units it checks (MD-20, MD-23)."""
    number: str | None = None
    """The field whose number is unique across procedures (ND-6, document numbers)."""
    catalogue: bool = False
    """Whether it reads the chosen catalogue item's status (MD-3c)."""
    registry: bool = False
    """Whether it reads the registry of normative documents (ND-9's scope)."""
    opinions: bool = False
    """Whether it reads the opinions the public portal took and their marks (MD-18)."""


NOTHING = Reads()
_GUARDS: dict[tuple[str, str], tuple[Guard, Reads]] = {}


def for_statute(statute: str) -> Callable[..., Callable[[Guard], Guard]]:
    """The `@guard(kind, …)` decorator a statute's home registers its guards with."""
    def guard(kind: str, *, completed: tuple[str, ...] = (), affiliations: tuple[tuple[str, str], ...] = (),
              number: str | None = None, catalogue: bool = False,
              registry: bool = False, opinions: bool = False) -> Callable[[Guard], Guard]:
        def register(fn: Guard) -> Guard:
            if (statute, kind) in _GUARDS:
                raise ValueError(f"two guards for step kind {kind} of statute {statute}")
            _GUARDS[(statute, kind)] = (fn, Reads(tuple(completed), tuple(affiliations), number, catalogue, registry,
                                                  opinions))
            return fn
        return register
    return guard


@cache
def _registered() -> dict[tuple[str, str], tuple[Guard, Reads]]:
    modules("guards")  # importing each home's guards registers them
    return _GUARDS


def reads(statute: str | None, step_kind: str) -> Reads:
    """What the guard of this step kind reads beyond the form (nothing for a step without a guard)."""
    entry = _registered().get((statute or "", step_kind))
    return entry[1] if entry else NOTHING


def run(statute: str | None, step_kind: str, context: Context) -> dict[str, Any]:
    """Check the step's statutory guard; return the values the engine derives for it."""
    entry = _registered().get((statute or "", step_kind))
    return entry[0](context) if entry else {}


@cache
def record_names(statute: str | None) -> frozenset[str]:
    """Every name the statute's guards (and the checks they share) might read from the record or derive
    into it: each identifier-like string in their source, an over-approximation on purpose. A definition's
    script may not assign one (engine/bpmn/definition.py): `party_group_reviewed = True` would otherwise
    stand in for the step SC-6 requires, with every step of the BPMN in order."""
    if not statute or statute == "none" or not statute.isidentifier():
        return frozenset()
    sources = [Path(__file__).with_name("checks.py")]
    home = Path(__file__).with_name(statute) / "guards.py"
    if home.is_file():
        sources.append(home)
    names: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
                names.add(node.value)
    return frozenset(names)


def guarded() -> frozenset[tuple[str, str]]:
    """Every (statute, step kind) with a guard."""
    return frozenset(_registered())


DERIVED_NAMES = "__df_derived_names__"
"""The names statutory guards derived so far in a workflow's data (`urgent_comment`, `reviewed_at`,
`party_group_reviewed` …): the engine's, so no later step's form restates them (issue 19 item 8)."""


def derived_names(before: Mapping[str, Any], derived: Mapping[str, Any]) -> list[str]:
    """The names derived so far, this step's included: what the completion keeps in the workflow's data."""
    return sorted({*(before.get(DERIVED_NAMES) or ()), *derived})


def require_not_derived(values: Mapping[str, Any], before: Mapping[str, Any], derived: Mapping[str, Any]) -> None:
    """A form field never overwrites what a guard derived at an earlier step: a definition's form that
    carried `risk_controllable` or `party_group_reviewed` would otherwise restate the engine's facts (the
    step that derives a name again may: its guard's value is the one recorded)."""
    earlier = set(before.get(DERIVED_NAMES) or ()) - set(derived)
    restated = sorted(name for name in values if name in earlier or name.startswith("__"))
    if restated:
        raise FormInvalid(field=restated[0], problem="the engine derived this at an earlier step; a form never "
                          "restates it", problem_zh="该事项由系统在此前步骤中依法认定，表单不得重新填写")

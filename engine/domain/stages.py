"""The procedure at a glance: the statutory stages of a procedure and where each stands (issue 22 item 1).

An office reads a major decision as its stages — 公众参与, 专家论证, 风险评估, 合法性审查, 集体讨论决定,
then report, publication and archive — not as a diagram. Each stage is declared in its statute's profile
(engine/statutes/<statute>/profile.py) with the rule that makes it part of the procedure, the steps that
do it, and, where the law makes it conditional, the fact (a form field of an earlier step) that decides
whether it is required. `board` reads the completed steps of a record and says for each stage: done,
required and pending, not required (and which fact of which step, entered by whom, decided that), or
not yet decided; with the dates, people and documents of its steps. Pure: the record service supplies
the steps, nothing is read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from engine.statutes import modules

DONE, PENDING, NOT_REQUIRED, UNDECIDED = "done", "pending", "not_required", "undecided"


@dataclass(frozen=True)
class Condition:
    """The stage is required when `field` of the latest `step_kind` is truthy (or falsy, `when=False`)."""

    step_kind: str
    field: str
    when: bool = True


@dataclass(frozen=True)
class Stage:
    key: str
    zh: str
    en: str
    rule: str
    step_kinds: tuple[str, ...]
    required_if: Condition | None = None
    """None: the law requires the stage in every procedure of the statute."""
    completes: str | None = None
    """The step kind whose completion ends the stage (default: the last of `step_kinds`); a later optional
    step of the stage (a hearing) keeps it pending only while it is open."""

    @property
    def last_kind(self) -> str:
        return self.completes or self.step_kinds[-1]


class StepLike(Protocol):
    """What `board` reads of a completed step (engine.services.record.StepRecord)."""

    step_kind: str
    title: str
    form: str | None
    by: str
    org: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class Decided:
    """The fact that made a stage required or not: which field of which step, its value, who entered it."""

    step_title: str
    form: str | None
    field: str
    value: Any
    by: str
    at: datetime


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    state: str
    decided: Decided | None
    steps: tuple[StepLike, ...] = field(default=())
    documents: tuple[dict[str, Any], ...] = field(default=())

    @property
    def first_at(self) -> datetime | None:
        return self.steps[0].at if self.steps else None

    @property
    def last_at(self) -> datetime | None:
        return self.steps[-1].at if self.steps else None


def stages(statute: str) -> tuple[Stage, ...]:
    """The statute's stages, declared in its profile (engine/statutes/<statute>/profile.py `STAGES`)."""
    return _by_statute().get(statute, ())


@cache
def _by_statute() -> dict[str, tuple[Stage, ...]]:
    return {module.__name__.split(".")[2]: getattr(module, "STAGES", ()) for module in modules("profile")}



def board(statute: str, steps: Sequence[StepLike], open_kinds: Iterable[str] = ()) -> list[StageRow]:
    """Each stage of `statute` against the completed steps; [] for a statute with no stages declared.

    `open_kinds`: the step kinds open now, so a stage being worked on reads as pending, not undecided.
    """
    latest: dict[str, StepLike] = {}
    for step in steps:
        latest[step.step_kind] = step
    open_now = set(open_kinds)
    rows = []
    for stage in stages(statute):
        done = tuple(s for s in steps if s.step_kind in stage.step_kinds)
        decided, required = _decision(stage, latest)
        state = _state(stage, done, required, open_now)
        rows.append(StageRow(stage, state, decided, done, tuple(_documents(done))))
    return rows


def _decision(stage: Stage, latest: Mapping[str, StepLike]) -> tuple[Decided | None, bool | None]:
    """Whether the stage is required (None: the deciding step is not done yet) and the fact that said so."""
    condition = stage.required_if
    if condition is None:
        return None, True
    step = latest.get(condition.step_kind)
    if step is None:
        return None, None
    value = step.data.get(condition.field)
    return Decided(step.title, step.form, condition.field, value, step.by, step.at), bool(value) == condition.when


def _state(stage: Stage, done: tuple[StepLike, ...], required: bool | None, open_now: set[str]) -> str:
    if any(s.step_kind == stage.last_kind for s in done) and not open_now & set(stage.step_kinds):
        return DONE
    if done or open_now & set(stage.step_kinds):
        return PENDING
    if required is None:
        return UNDECIDED
    return PENDING if required else NOT_REQUIRED


def _documents(steps: Iterable[StepLike]) -> Iterable[dict[str, Any]]:
    """The document references the stage's steps hold, in step order (a reference has a `sha256`)."""
    for step in steps:
        yield from _refs(step.data)


def _refs(value: Any) -> Iterable[dict[str, Any]]:
    if isinstance(value, dict):
        if isinstance(value.get("sha256"), str):
            yield value
        else:
            for item in value.values():
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


@dataclass(frozen=True)
class MigrationStep:
    """A move of the procedure to another definition version (engine/services/migration.py), as the board
    shows it among the steps: when, the versions, the reason, who proposed and who approved, what is redone."""

    seq: int
    at: datetime
    from_version: int | None
    to_version: int | None
    reason: str
    proposed_by: str
    approved_by: str
    redo: Mapping[str, str]


class EventLike(Protocol):
    seq: int
    at: datetime
    kind: str
    payload: dict[str, Any]


def migrations(events: Iterable[EventLike]) -> list[MigrationStep]:
    """The `procedure_migrated` events of a record, in order."""
    out = []
    for event in events:
        if event.kind != "procedure_migrated":
            continue
        payload, proposal = event.payload, event.payload.get("proposal") or {}
        out.append(MigrationStep(event.seq, event.at, (payload.get("from") or {}).get("version"),
                                 (payload.get("definition") or {}).get("version"), str(proposal.get("reason", "")),
                                 str(proposal.get("proposed_by", "")), str(proposal.get("approved_by", "")),
                                 dict((payload.get("plan") or {}).get("redo") or {})))
    return out


def counted(steps: Sequence[Any], events: Iterable[EventLike]) -> list[Any]:
    """The completed steps that still count: a migration whose plan names a done step to be redone
    (DF-MIGRATE-STEPS) takes that step, done before it, off the board until it is done again."""
    redone = [(m.seq, set(m.redo)) for m in migrations(events)]
    return [s for s in steps if not any(s.seq < seq and s.spec in specs for seq, specs in redone)]

"""Assertions shared by the engine tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from engine.core import Engine
from engine.domain.errors import DomainError


@dataclass(frozen=True)
class Fingerprint:
    """Everything a refusal must leave untouched, read straight from the database."""

    procedures: tuple[tuple[object, ...], ...]
    events: int
    work_items: tuple[tuple[object, ...], ...]
    timers: int
    documents: int


def fingerprint(engine: Engine) -> Fingerprint:
    with engine.db.connect() as connection:
        procedures = tuple(tuple(r) for r in connection.execute(text(
            "SELECT id, state, version, status, head_seq, head_hash FROM procedures ORDER BY id")))
        events = connection.execute(text("SELECT count(*) FROM events")).scalar_one()
        items = tuple(tuple(r) for r in connection.execute(text(
            "SELECT task_id, status, assignee, completed_by FROM work_items ORDER BY task_id")))
        timers = connection.execute(text("SELECT count(*) FROM timers")).scalar_one()
        documents = connection.execute(text("SELECT count(*) FROM documents")).scalar_one()
    return Fingerprint(procedures, events, items, timers, documents)


def refused(engine: Engine, error: type[DomainError], rule: str, step: object, *args: object,
            **kwargs: object) -> DomainError:
    """Call `step`; assert it is refused with `error` under `rule` and that nothing changed."""
    before = fingerprint(engine)
    with pytest.raises(error) as caught:
        step(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.rule == rule, caught.value
    assert fingerprint(engine) == before
    return caught.value


@contextmanager
def triggers_off(engine: Engine, table: str = "events") -> Iterator[None]:
    """What a tamperer with the table owner's rights could do: switch an append-only guard off.

    Every append-only table has the same triggers: `<table>_no_update_delete` on PostgreSQL,
    `<table>_no_update` and `<table>_no_delete` on SQLite (see the migrations)."""
    with engine.db.begin() as connection:
        if engine.db.dialect.name == "postgresql":
            connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete"))
        else:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
    yield


def tamper(engine: Engine, sql: str, *, table: str = "events", **params: object) -> None:
    """Change exactly one row of an append-only table behind the engine's back."""
    with triggers_off(engine, table), engine.db.begin() as connection:
        assert connection.execute(text(sql), params).rowcount == 1


def replace_document(engine: Engine, sha256: str, content: bytes) -> None:
    """What someone with write access to the database does to a document: new bytes, its key and size kept."""
    with engine.db.begin() as connection:
        assert connection.execute(text("UPDATE documents SET content = :c WHERE sha256 = :s"),
                                  {"c": content, "s": sha256}).rowcount == 1


def stored_task_id(engine: Engine, procedure_id: int, spec: str, states: Callable[[str], bool]) -> str:
    """The SpiffWorkflow id of a task of `spec` whose state name `states` accepts, read from the stored workflow."""
    from SpiffWorkflow.util.task import TaskState

    from engine.persistence.tables import Procedure
    from engine.services.definitions import load_compiled

    uow = engine.uow()
    with uow:
        procedure = uow.session.get(Procedure, procedure_id)
        compiled = load_compiled(uow, procedure.definition_id)
        workflow = compiled.serializer.load(procedure.state)
    for task in workflow.get_tasks():
        if task.task_spec.name == spec and states(TaskState.get_name(task.state)):
            return str(task.id)
    raise LookupError(f"no task {spec} in the wanted state")


def pending_task_id(engine: Engine, procedure_id: int, spec: str) -> str:
    """A task of `spec` that is neither READY nor done (FUTURE, LIKELY, MAYBE…): a step a caller may attempt
    out of turn."""
    return stored_task_id(engine, procedure_id, spec, lambda state: state not in ("READY", "COMPLETED", "CANCELLED"))


def without_setup(entries):  # type: ignore[no-untyped-def]
    """The administration-log entries people wrote, without set-up's (engine/services/people.py SETUP)."""
    from engine.services.people import SETUP

    return [e for e in entries if e.actor != SETUP]

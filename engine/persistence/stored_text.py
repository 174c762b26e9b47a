"""The last door for text: nothing unfit (engine.domain.inputs) reaches a table, whoever wrote it.

The API's schemas, the pages and the engine's form checks refuse unfit text where it comes in,
naming the field as the client knows it. This listener catches what comes through any other way
(the CLI, a catalogue file, a new service) before the flush, so the unit of work rolls back and
nothing is written, and PostgreSQL and SQLite behave alike (PostgreSQL would fail on NUL with a
server error; SQLite would store it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from engine.domain.errors import FormInvalid
from engine.domain.inputs import unfit_text


def guard(sessions: sessionmaker[Session]) -> None:
    event.listen(sessions, "before_flush", _refuse_unfit_text)


def _refuse_unfit_text(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        for attribute in state.mapper.column_attrs:
            for value in state.attrs[attribute.key].history.added:
                for field, problem, problem_zh in unfit_text(value, ""):
                    name = f"{attribute.key}.{field}" if field else attribute.key
                    raise FormInvalid(field=name, problem=problem, problem_zh=problem_zh)

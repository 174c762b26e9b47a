"""The Engine: settings, database, clock and caches, built once by `build_engine`.

Callers use the services through it — `engine.tasks.complete(task_id, actor, data)` —
and each call runs in a unit of work of its own. No module-level engines or sessions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from types import ModuleType
from typing import Any

from sqlalchemy import Engine as SqlEngine

from engine.bpmn.cache import DefinitionCache
from engine.bpmn.clock_hook import install as install_clock_hook
from engine.clock import Clock, SystemClock
from engine.config import Settings
from engine.incidents import Incidents
from engine.persistence.database import StatementCounter, connect, session_factories
from engine.persistence.uow import UnitOfWork


class _Bound:
    """A service module with a fresh unit of work passed as the first argument of each call."""

    def __init__(self, engine: Engine, module: ModuleType) -> None:
        self._engine = engine
        self._module = module

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_") or name not in getattr(self._module, "__all__", ()):
            raise AttributeError(f"{self._module.__name__} has no service {name!r}")
        return partial(getattr(self._module, name), self._engine.uow())


class Engine:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        from engine.services import (
            accounts,
            adminlog,
            archive,
            catalogue,
            checkpoints,
            cleanup,
            consultation,
            definitions,
            drafts,
            grants,
            history,
            indicators,
            migration,
            monitoring,
            official,
            opinions,
            people,
            procedures,
            record,
            registry,
            replay,
            schedule,
            sessions,
            supervision,
            tasks,
            timers,
            tokens,
        )

        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.counter = StatementCounter()
        self.incidents = Incidents()
        self.db: SqlEngine = connect(settings.database_url, self.counter)
        self._writer, self.read_sessions = session_factories(self.db)
        self.definition_cache = DefinitionCache(settings.spec_cache_size)
        self.before_commit: Callable[[], None] | None = None
        self.definitions = _Bound(self, definitions)
        self.procedures = _Bound(self, procedures)
        self.tasks = _Bound(self, tasks)
        self.history = _Bound(self, history)
        self.timers = _Bound(self, timers)
        self.people = _Bound(self, people)
        self.catalogue = _Bound(self, catalogue)
        self.accounts = _Bound(self, accounts)
        self.grants = _Bound(self, grants)
        self.record = _Bound(self, record)
        self.tokens = _Bound(self, tokens)
        self.sessions = _Bound(self, sessions)
        self.archive = _Bound(self, archive)
        self.consultation = _Bound(self, consultation)
        self.opinions = _Bound(self, opinions)
        self.registry = _Bound(self, registry)
        self.cleanup = _Bound(self, cleanup)
        self.replay = _Bound(self, replay)
        self.schedule = _Bound(self, schedule)
        self.supervision = _Bound(self, supervision)
        self.adminlog = _Bound(self, adminlog)
        self.monitoring = _Bound(self, monitoring)
        self.drafts = _Bound(self, drafts)
        self.checkpoints = _Bound(self, checkpoints)
        self.indicators = _Bound(self, indicators)
        self.migration = _Bound(self, migration)
        self.official = _Bound(self, official)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self, self._writer, self.before_commit)

    def dispose(self) -> None:
        self.db.dispose()


def build_engine(settings: Settings | None = None, clock: Clock | None = None) -> Engine:
    install_clock_hook()
    logging.getLogger("spiff").setLevel(logging.WARNING)  # SpiffWorkflow logs every state change
    return Engine(settings or Settings.from_env(), clock)

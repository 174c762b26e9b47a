"""Give SpiffWorkflow's timers the engine's clock (DESIGN invariant 6).

SpiffWorkflow 3.2 computes and fires timers with `datetime.now(timezone.utc)` through
the module-level name `datetime` of its timer module and offers no clock parameter.
We replace that name, once, with a `datetime` subclass whose `now()` reads a context
variable; `engine_time(now)` sets it around every workflow operation. The variable is
per thread and per task, so concurrent requests never see each other's clock, and
outside `engine_time` the real time applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

_now: ContextVar[datetime | None] = ContextVar("decisionflow_now", default=None)


class _EngineDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        current = _now.get()
        if current is None:
            return datetime.now(tz)
        return current.astimezone(tz or UTC)


def install() -> None:
    """Idempotent: point the timer module at the hooked datetime."""
    spiff_timer.datetime = _EngineDatetime  # type: ignore[misc]


@contextmanager
def engine_time(now: datetime) -> Iterator[None]:
    """Run SpiffWorkflow code as if the time were `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("engine time must be timezone-aware")
    install()
    token = _now.set(now)
    try:
        yield
    finally:
        _now.reset(token)

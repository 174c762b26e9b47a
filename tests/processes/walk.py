"""One procedure walked through the engine's services by named people: the tests' common driver.

`ready` holds the open steps by task id → BPMN id, as the last completion returned them; a
test names a step by its BPMN id and a person by their key in `people`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.clock import FixedClock
from engine.core import Engine
from engine.workdays import local_date


@dataclass
class Walk:
    engine: Engine
    people: dict[str, Any]
    procedure_id: int = 0
    ready: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, engine: Engine, people: dict[str, Any], view: Any) -> Any:
        """The walk of a procedure just started (`view` as `procedures.start` returned it)."""
        return cls(engine, people, view.id, {i.task_id: i.spec for i in view.open_items})

    @property
    def clock(self) -> FixedClock:
        return self.engine.clock  # type: ignore[return-value]

    def do(self, spec: str, who: str, data: dict[str, Any], docs: dict[str, Any] | None = None) -> None:
        task = next(t for t, s in self.ready.items() if s == spec)
        self.ready = dict(self.engine.tasks.complete(task, self.people[who], data, docs or {}).ready)

    def open(self) -> set[str]:
        return set(self.ready.values())

    def today(self) -> str:
        """Today on the engine clock, the date a step done now carries (DF-DATE)."""
        return local_date(self.clock.now()).isoformat()

    def item(self, spec: str) -> Any:
        return next(i for i in self.engine.procedures.get(self.procedure_id).open_items if i.spec == spec)

    def derived(self) -> dict[str, Any]:
        return self.engine.history.events(self.procedure_id)[-1].payload["derived"]

    def status(self) -> str:
        return self.engine.procedures.get(self.procedure_id).status

    def refresh(self) -> None:
        """Read the open steps again, after something other than a completion moved the procedure."""
        self.ready = {i.task_id: i.spec for i in self.engine.procedures.get(self.procedure_id).open_items}

    def wake(self) -> None:
        """Fire every timer due on the engine clock, then read the open steps again."""
        for timer_id in self.engine.timers.due():
            self.engine.timers.fire(timer_id)
        self.refresh()

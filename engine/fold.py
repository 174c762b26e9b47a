"""Folding a procedure's history into what it waits for: open steps, pending periods, its status.

A migration to another definition version (`procedure_migrated`) keeps every task id; its `remapped`
and `timers_remapped` payloads name the open steps and periods whose element changed.

The one reading of the events' `opened`, `cancelled`, `timers`, `timers_ended` and `status` payloads,
shared by replay (the state after any event, for the auditor) and by verify (engine/integrity, which
compares the rebuilt work items and timers with the rows). Pure: events in, state out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.services.progress import RUNNING, WITHDRAWN
from engine.services.views import EventView


class Fold:
    """Open steps (task id → spec, claimant) and pending timers (task id → spec, due) after each event."""

    def __init__(self) -> None:
        self.open: dict[str, tuple[str, str | None]] = {}
        self.timers: dict[str, tuple[str, datetime]] = {}
        self.status = RUNNING

    def apply(self, event: EventView) -> None:
        payload = event.payload
        if event.kind == "task_claimed" and event.task_id in self.open:
            self.open[event.task_id] = (self.open[event.task_id][0], _user(payload.get("by"), event.actor))
        if event.kind == "task_completed" and event.task_id:
            self.open.pop(event.task_id, None)
        if event.kind == "timer_fired" and event.task_id:
            self.timers.pop(event.task_id, None)
        for task_id in payload.get("cancelled", []) or []:
            self.open.pop(str(task_id), None)
            self.timers.pop(str(task_id), None)
        for task_id in payload.get("timers_ended", []) or []:
            self.timers.pop(str(task_id), None)
        for opened in payload.get("opened", []) or []:
            self.open[str(opened["task"])] = (str(opened["step"]), None)
        for moved in payload.get("remapped", []) or []:  # a migration (procedure_migrated) renamed the element
            if str(moved["task"]) in self.open:
                self.open[str(moved["task"])] = (str(moved["step"]), self.open[str(moved["task"])][1])
        for moved in payload.get("timers_remapped", []) or []:
            if str(moved["task"]) in self.timers:
                self.timers[str(moved["task"])] = (str(moved["step"]), self.timers[str(moved["task"])][1])
        for timer in payload.get("timers", []) or []:
            self.timers[str(timer["task"])] = (str(timer["step"]), datetime.fromisoformat(str(timer["due_at"])))
        if event.kind == "procedure_withdrawn":
            self.status = WITHDRAWN
        elif "status" in payload:
            self.status = str(payload["status"])
        if self.status != RUNNING:  # a withdrawal cancels everything; a completed workflow waits for nothing
            self.open.clear()
            self.timers.clear()


def _user(by: Any, fallback: str) -> str:
    return str(by.get("user", fallback)) if isinstance(by, dict) else fallback

"""Firing due timers: one pass as a function, and an in-process scheduler for the demo.

`fire_due` is the whole job: each due timer fires in its own transaction, and `fire`
does nothing for a timer another process already fired, so a pass may be repeated or
run beside another safely. `decisionflow serve --demo` runs it every few seconds on an
APScheduler background thread; production runs dedicated worker processes instead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from engine.core import Engine

log = logging.getLogger(__name__)


def fire_due(engine: Engine, batch: int = 100) -> int:
    """Fire every timer due now, earliest first; return how many fired."""
    fired = 0
    while True:
        ids = engine.timers.due(limit=batch)
        if not ids:
            return fired
        progressed = 0
        for timer_id in ids:
            if engine.timers.fire(timer_id):
                fired += 1
                progressed += 1
        if progressed == 0:  # due but not yet firable (SpiffWorkflow fires strictly after): next pass
            return fired


def start_in_process(engine: Engine, every_seconds: float = 15.0) -> BackgroundScheduler:
    """A daemon scheduler thread that runs `fire_due` (one job at a time, missed runs coalesced)."""
    scheduler = BackgroundScheduler(daemon=True, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(_pass, "interval", seconds=every_seconds, args=[engine], id="fire_due_timers",
                      next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler


def _pass(engine: Engine) -> None:
    try:
        fired = fire_due(engine)
        if fired:
            log.info("fired %d due timer(s)", fired)
    except Exception:  # a failed pass is retried by the next one; never kill the scheduler thread
        log.exception("firing due timers failed")

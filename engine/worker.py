"""Firing due timers: `decisionflow worker`, and an in-process scheduler for the demo.

`fire_due` is the whole job: due timers are claimed in batches (`timers.claim`: one transaction,
SKIP LOCKED on PostgreSQL, each procedure held by one worker until its batch is done), and each
fires in its own transaction, so several workers share the work, none fires a timer twice, and a
procedure's timers fire in due order by one worker at a time; a worker killed mid-batch leaves its
timers pending, and its procedures free for the others as its connections close. Timers missed while no worker ran
are all due at the next start and fire then, in due order. `decisionflow serve --demo` runs the job
on an APScheduler background thread; production runs `decisionflow worker` processes (APScheduler's blocking scheduler).

Each pass also starts the year's clean-up of normative documents once its day has come (ND-9,
DECISIONFLOW_CLEANUP_ORG and DECISIONFLOW_CLEANUP_DAY): exactly once, however many workers run and
however often they pass (engine/services/cleanup.py); with DECISIONFLOW_DIGEST_AT, mails the
daily digest once a day (engine/services/schedule.py); and writes a signed checkpoint of every chain
head once per DECISIONFLOW_CHECKPOINT_MINUTES (default hourly; DF-CHECKPOINT), and folds the /metrics
totals (engine/persistence/tallies.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import smtplib
import socket
import time
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.clock import CST
from engine.core import Engine
from engine.domain.errors import DomainError
from engine.services import timers

log = logging.getLogger(__name__)
DIGEST_JOB = "digest"
CHECKPOINT_JOB = "checkpoint"
IDLE_RECHECK_SECONDS = 0.2
CLAIM_BATCH = 50  # timers per claim: one claim transaction for up to this many firings


def fire_due(engine: Engine, limit: int | None = None, skipped: set[int] | None = None,
             batch: int = CLAIM_BATCH) -> int:
    """Fire every timer due now, in due order per procedure, one transaction each; return how many fired.

    Timers are claimed `batch` at a time (`timers.claim`: one transaction, SKIP LOCKED on PostgreSQL,
    their procedures held by this worker until the batch is done), then fired one transaction each
    (`timers.fire_claimed`). A timer that did not fire (its workflow's own time has not come,
    SpiffWorkflow firing strictly after it; or a poisoned row, logged and counted) is added to
    `skipped` and not taken again in this pass; after a poisoned one, the later timers of its procedure
    wait for the next pass, so they never fire before it. The timers due after it still fire, and the
    pass ends when nothing but skipped timers is due, or after `limit` timers. First it starts the
    year's clean-up of normative documents if that is due (`start_due_cleanup`).
    """
    start_due_cleanup(engine)
    send_due_digest(engine)
    skipped = set() if skipped is None else skipped
    write_due_checkpoint(engine)
    engine.monitoring.fold_tallies()  # the /metrics totals: one statement, whatever came since the last pass
    fired = 0
    while limit is None or fired < limit:
        size = batch if limit is None else min(batch, limit - fired)
        with engine.timers.claim(size, skipped) as claimed:
            if not claimed.groups:
                return fired
            fired += _fire_claimed(engine, claimed, skipped, None if limit is None else limit - fired)
    return fired


def _fire_claimed(engine: Engine, claimed: timers.Claim, skipped: set[int], limit: int | None) -> int:
    """Fire a claimed batch, each procedure's timers in due order; a poisoned one ends its procedure's turn."""
    fired = 0
    for timer_ids in claimed.groups:
        for position, timer_id in enumerate(timer_ids):
            if limit is not None and fired >= limit:
                return fired
            try:
                done = timers.fire_claimed(claimed.uow(engine), timer_id)
            except timers.Poisoned:
                skipped.update(timer_ids[position:])
                break
            if done:
                fired += 1
            else:
                log.debug("timer %s is due but did not fire: skipped in this pass", timer_id)
                skipped.add(timer_id)
    return fired


def start_due_cleanup(engine: Engine) -> int | None:
    """Start the year's clean-up of normative documents when it is due and not yet started (ND-9).

    Returns the new procedure's id, or None. A refusal (the definition not deployed, an unknown
    organisation) is logged, never raised: the timers of this pass still fire.
    """
    period = engine.cleanup.due()
    if period is None:
        return None
    try:
        view = engine.cleanup.start_periodic(period)
    except DomainError as refused:
        log.warning("the %s clean-up of normative documents did not start: %s", period, refused.message("en"))
        return None
    if view is None:
        return None  # another worker started it first
    log.info("started the %s clean-up of normative documents: procedure %s", period, view.id)
    return int(view.id)


def send_due_digest(engine: Engine) -> list[str] | None:
    """Mail the daily digest once its time of day has come, once a day however many workers pass.

    Returns the usernames mailed, or None when nothing was due or another worker has the day. The day
    is claimed before mailing (engine/services/schedule.py): a failed send is logged and not retried
    by another worker, so nobody gets the same digest twice; the digest stays on its page (/digest).
    """
    at = engine.settings.digest_at
    if at is None:
        return None
    now = engine.clock.now().astimezone(CST)
    day = now.date().isoformat()
    if now.time() < at or engine.schedule.ran(DIGEST_JOB, day) or not engine.schedule.claim(DIGEST_JOB, day):
        return None
    from engine import mail  # the worker needs SMTP only when it mails

    try:
        sent = mail.send_digests(engine, now=now)
    except (OSError, smtplib.SMTPException, mail.MailNotConfigured) as failed:
        log.error("the digest of %s was not mailed: %s", day, failed)
        return []
    except Exception:  # a notice must never keep the pass from its timers
        log.exception("the digest of %s was not mailed", day)
        return []
    log.info("mailed the digest of %s to %d user(s)", day, len(sent))
    return sent


def write_due_checkpoint(engine: Engine) -> int | None:
    """Write the period's checkpoint (DF-CHECKPOINT) once per period, however many workers pass.

    Periods are DECISIONFLOW_CHECKPOINT_MINUTES long, counted from the Unix epoch in UTC, and named by
    their start. The period is claimed (scheduled_runs) before the file is written: a failure is logged
    and the next period writes the next one. Returns the checkpoint's number, or None.
    """
    minutes = engine.settings.checkpoint_minutes
    if minutes <= 0:
        return None
    now = engine.clock.now()
    start = int(now.timestamp()) // (minutes * 60) * minutes * 60
    period = datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%MZ")
    if engine.schedule.ran(CHECKPOINT_JOB, period) or not engine.schedule.claim(CHECKPOINT_JOB, period):
        return None
    try:
        view = engine.checkpoints.make()
    except Exception:  # a checkpoint must never keep the pass from its timers
        log.exception("the checkpoint of %s was not written", period)
        return None
    log.info("wrote checkpoint %d (root %s) for %s", view.seq, view.root, period)
    if view.timestamp_error:
        log.warning("checkpoint %d has no RFC 3161 timestamp: %s", view.seq, view.timestamp_error)
    return view.seq


def start_in_process(engine: Engine, every_seconds: float = 15.0) -> BackgroundScheduler:
    """A daemon scheduler thread that runs `fire_due` (one job at a time, missed runs coalesced)."""
    scheduler = BackgroundScheduler(daemon=True, job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(_pass, "interval", seconds=every_seconds, args=[engine, Heart()], id="fire_due_timers",
                      next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler


def run(engine: Engine, every_seconds: float, until_idle: bool = False) -> None:
    """The worker process: a pass at once (missed timers first), then one every `every_seconds`."""
    if until_idle:
        skipped: set[int] = set()  # timers that did not fire: never waited for, or this loop would not end
        while True:
            if fire_due(engine, skipped=skipped):
                continue
            if not set(engine.timers.due(limit=len(skipped) + 1)) - skipped:
                return  # nothing due but skipped timers: not even one another worker holds right now
            time.sleep(IDLE_RECHECK_SECONDS)  # others hold the due ones; a dead worker's return soon
    scheduler = BlockingScheduler(job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(_pass, "interval", seconds=every_seconds, args=[engine, Heart()], id="fire_due_timers",
                      next_run_time=datetime.now(UTC))
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    with contextlib.suppress(KeyboardInterrupt, SystemExit):  # Ctrl-C ends the worker quietly
        scheduler.start()


class Heart:
    """This worker's name and start time, for the heartbeat `/readyz` checks."""

    def __init__(self) -> None:
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.name = f"{self.host}:{self.pid}"
        self.started_at = datetime.now(UTC)


def _pass(engine: Engine, heart: Heart | None = None) -> None:
    try:
        fired = fire_due(engine)
        if fired:
            log.info("fired %d due timer(s)", fired)
        if heart is not None:
            engine.timers.beat(heart.name, heart.host, heart.pid, heart.started_at, fired)
    except Exception:  # a failed pass is retried by the next one; never kill the scheduler thread
        log.exception("firing due timers failed")

"""Clean-ups of normative documents (ND-9): the yearly one the worker starts, and special ones.

A clean-up is a procedure of its own (processes/nd_cleanup.bpmn): its organiser, the legality
review office of the owning organisation, takes the registry's documents in force as its scope,
decides continue / amend / repeal for each, the leadership approves, and the lists are published;
the registry then shows each document as the last clean-up left it (engine/services/registry.py).

The periodic clean-up starts once a year, on DECISIONFLOW_CLEANUP_DAY, for DECISIONFLOW_CLEANUP_ORG.
Exactly once, however many workers run: the `scheduled_runs` row (job, year) is inserted in the
transaction that starts the procedure, so a second worker's insert conflicts and its whole
transaction — the procedure it was starting included — rolls back. A special clean-up is started
by the organiser (`decisionflow cleanup start`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from engine.config import Settings
from engine.domain.actors import SYSTEM, Actor
from engine.domain.errors import StartInvalid
from engine.persistence.tables import Definition, ScheduledRun
from engine.persistence.uow import UnitOfWork
from engine.services import procedures, schedule
from engine.services.views import ProcedureView
from engine.workdays import local_date

__all__ = ["due", "runs", "start_periodic", "start_special", "startable"]

KEY = "nd_cleanup"
JOB = "nd_cleanup"
ORGANISER_ROLE = "legality_reviewer"
"""Who organises a clean-up: the legality review office (司法行政部门或法制机构) of the owning organ."""


def due(uow: UnitOfWork) -> str | None:
    """The period (the year) whose clean-up is due and not yet started, or None.

    None also when no organisation owns clean-ups (DECISIONFLOW_CLEANUP_ORG unset): then nothing
    is read. Otherwise one primary-key read per worker pass.
    """
    period = due_period(uow.settings, uow.clock.now())
    if period is None:
        return None
    return None if schedule.ran(uow, JOB, period) else period


def due_period(settings: Settings, now: datetime) -> str | None:
    """The year, once its clean-up day has come (a day past the year's end means its last day)."""
    if settings.cleanup_org is None:
        return None
    today = local_date(now)
    last = (date(today.year, 12, 31) - date(today.year, 1, 1)).days + 1
    return str(today.year) if today.timetuple().tm_yday >= min(settings.cleanup_day, last) else None


def start_periodic(uow: UnitOfWork, period: str) -> ProcedureView | None:
    """Start the periodic clean-up of `period` for the configured organisation, once (ND-9).

    Returns None when it was already started, by this worker or another: the run's row conflicts
    and nothing of this transaction is kept.
    """
    org = uow.settings.cleanup_org
    if org is None:
        raise StartInvalid(field="cleanup_org", problem="no organisation owns clean-ups (DECISIONFLOW_CLEANUP_ORG)",
                           problem_zh="未指定负责规范性文件清理的单位（DECISIONFLOW_CLEANUP_ORG）")
    with uow:
        if uow.session.get(ScheduledRun, (JOB, period)) is not None:  # in this transaction, not `schedule.ran`
            return None
        view = procedures.create(uow, KEY, f"{period}年度行政规范性文件定期清理", org, SYSTEM,
                                 {"cleanup_type": "periodic", "period": period},
                                 seed={"cleanup_started_as": "periodic", "cleanup_period": period})
        if not schedule.record(uow, JOB, period, view.id):
            return None  # another worker started this period's clean-up first: roll all of this back
        uow.commit()
        return view


def start_special(uow: UnitOfWork, actor: Actor, title: str | None = None) -> ProcedureView:
    """Start a special clean-up (专项清理), by the legality review office that organises it; its reason is
    stated when the organiser opens the scope (the first step)."""
    if not actor.holds(ORGANISER_ROLE):
        raise StartInvalid(field="by", problem=f"{actor.username} is not of a legality review office "
                           f"(role {ORGANISER_ROLE}), which organises clean-ups",
                           problem_zh=f"{actor.username} 不属于负责组织清理的合法性审核机构")
    title = (title or "").strip() or f"行政规范性文件专项清理（{local_date(uow.clock.now()).isoformat()}）"
    if len(title) > procedures.MAX_TITLE:
        raise StartInvalid(field="title", problem=f"a title of 1 to {procedures.MAX_TITLE} characters is required",
                           problem_zh=f"标题须为 1 至 {procedures.MAX_TITLE} 个字符")
    with uow:
        view = procedures.create(uow, KEY, title, actor.org, actor, {"cleanup_type": "special"},
                                 seed={"cleanup_started_as": "special"})
        uow.commit()
        return view


def startable(uow: UnitOfWork, actor: Actor) -> bool:
    """Whether `actor` may start a special clean-up now: the organiser's role, the definition deployed."""
    if not actor.holds(ORGANISER_ROLE):
        return False
    with uow.read():
        return uow.session.scalars(select(Definition.id).where(Definition.key == KEY).limit(1)).first() is not None


def runs(uow: UnitOfWork) -> list[tuple[str, str, int]]:
    """The clean-up's scheduled runs so far: (job, period, procedure id), oldest first (other jobs, the digest
    and the checkpoints, share the table)."""
    with uow.read():
        return [(r.job, r.period, r.procedure_id) for r in uow.session.scalars(
            select(ScheduledRun).where(ScheduledRun.job == JOB)
            .order_by(ScheduledRun.started_at, ScheduledRun.period))]

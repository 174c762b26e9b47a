"""The tables: definitions, procedures, work items, timers, documents, people, history.

One module per area (base, people, procedures, history, public, operations); every name is imported
from here, so `from engine.persistence.tables import Procedure` stays the one way to reach a table, and
importing this package registers every table with `Base.metadata` (migrations compare against it).

Every state change writes these in one transaction (DESIGN invariant 1). `events` is
append-only: a trigger refuses UPDATE and DELETE (see migrations), and nothing in
the code base issues either against it.
"""

from __future__ import annotations

from engine.persistence.tables.base import NAMING, POSTGRESQL_ONLY, Base
from engine.persistence.tables.history import Document, DocumentMention, Event, IndicatorFact, NumberHeld
from engine.persistence.tables.operations import AdminEvent, AdminLogHead, ScheduledRun, Tally, WorkerHeartbeat
from engine.persistence.tables.people import (
    ApiToken,
    LoginThrottle,
    Organisation,
    Role,
    RoleGrant,
    UsedChallenge,
    User,
    UserRole,
    WebSession,
)
from engine.persistence.tables.procedures import (
    Definition,
    Draft,
    MigrationProposal,
    Procedure,
    Reminder,
    Timer,
    WorkItem,
)
from engine.persistence.tables.public import CatalogueItem, Consultation, Opinion

__all__ = [
    "NAMING", "POSTGRESQL_ONLY", "AdminEvent", "AdminLogHead", "ApiToken", "Base", "CatalogueItem",
    "Consultation", "Definition", "Document", "DocumentMention", "Draft", "Event", "IndicatorFact",
    "LoginThrottle", "MigrationProposal", "NumberHeld", "Opinion", "Organisation", "Procedure", "Reminder",
    "Role", "RoleGrant", "ScheduledRun", "Tally", "Timer", "UsedChallenge", "User", "UserRole", "WebSession",
    "WorkItem", "WorkerHeartbeat",
]

"""Incidental reviews of normative documents (ND-10, RC-14), as the registry shows them.

An applicant for reconsideration may ask, with the application, for a review of the
normative document the act rests on (Art. 13). The reconsideration records the document's
number; this module reads those records back from the reconsideration procedures' history
so that each registry entry can say which cases put it in question and what they concluded
— an unlawful clause stops being applied (Art. 60). Only the case's number, dates and
outcome are exposed: the applicant and the facts stay in the case record (DF-VIEW).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.domain.citations import canonical_number
from engine.persistence.tables import Definition, Event, Procedure
from engine.persistence.uow import UnitOfWork

__all__ = ["IncidentalReview", "by_number", "normalise_number"]

KEY = "reconsideration"


@dataclass(frozen=True)
class IncidentalReview:
    procedure_id: int
    requested_on: str | None
    handling: str | None          # None (not yet decided), "handle" or "forward"
    conclusion: str | None        # None while pending, "lawful" or "unlawful"
    clauses: str | None           # the clauses no longer applied, if unlawful
    concluded_on: str | None

    @property
    def pending(self) -> bool:
        return self.conclusion is None


def normalise_number(number: str) -> str:
    """One spelling of a document number: no spaces, the 〔 〕 brackets whatever was typed, half-width,
    case-folded — the spelling the uniqueness checks use too (engine/domain/citations.py)."""
    return canonical_number(number)


def by_number(uow: UnitOfWork, procedure_ids: Iterable[int] | None = None) -> dict[str, list[IncidentalReview]]:
    """Incidental reviews asked for in reconsideration cases (all, or those of `procedure_ids`: a registry
    page's, engine/mentions.py), by normalised document number (caller's transaction)."""
    chosen = None if procedure_ids is None else sorted(set(procedure_ids))
    if chosen is not None and not chosen:
        return {}
    rows = uow.session.execute(
        select(Event.procedure_id, Event.payload)
        .join(Procedure, Procedure.id == Event.procedure_id)
        .join(Definition, Definition.id == Procedure.definition_id)
        .where(Definition.key == KEY, Event.kind == "task_completed",
               *([Event.procedure_id.in_(chosen)] if chosen is not None else []))
        .order_by(Event.procedure_id, Event.seq)).all()
    steps: dict[int, dict[str, dict[str, Any]]] = {}
    for procedure_id, payload in rows:
        step = str(payload.get("step"))
        if step in ("application", "incidental_handling", "incidental_conclusion"):
            steps.setdefault(procedure_id, {})[step] = {**(payload.get("data") or {}), **(payload.get("derived") or {})}
    found: dict[str, list[IncidentalReview]] = {}
    for procedure_id, done in steps.items():
        application = done.get("application", {})
        if not application.get("incidental_review") or not application.get("incidental_document_number"):
            continue
        handling, conclusion = done.get("incidental_handling", {}), done.get("incidental_conclusion", {})
        review = IncidentalReview(procedure_id, application.get("application_received_on"), handling.get("handling"),
                                  conclusion.get("conclusion"), conclusion.get("clauses"),
                                  conclusion.get("incidental_concluded_on"))
        found.setdefault(normalise_number(str(application["incidental_document_number"])), []).append(review)
    return found

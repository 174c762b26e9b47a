"""Checks several statutes' guards share: dates in order, legal bases, unique numbers, the draft under review."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.domain import citations, inputs
from engine.domain import errors as e
from engine.statutes.guards import Context


def not_before(value: object, field_name: str, earliest: date, reason: str, reason_zh: str) -> date:
    """DF-DATE: a date that follows an earlier step, or an earlier date of the same step, is not before it."""
    day = parse_date(value, field_name)
    if day < earliest:
        raise e.DateTooEarly(field=field_name, date=day.isoformat(), earliest=earliest.isoformat(), kind="order",
                             reason=reason, reason_zh=reason_zh)
    return day


def parse_date(value: object, field_name: str) -> date:
    problem = inputs.date_problem(str(value))
    if problem:
        raise e.FormInvalid(field=field_name, problem=problem[0], problem_zh=problem[1])
    return date.fromisoformat(str(value))


def require_legal_basis(c: Context, error: type[e.LegalBasisInvalid]) -> None:
    """MD-12a, MD-26a, ND-2: each legal basis names an instrument and an article (never 无)."""
    problem = citations.legal_basis_problem(c.data.get("legal_basis", []))
    if problem:
        index, sub, text, text_zh = problem
        raise error(field=f"legal_basis.{index}.{sub}", problem=text, problem_zh=text_zh)


IDENTIFIERS: dict[str, tuple[str, str]] = {
    "case_number": ("case number", "案件编号"),
    "archive_number": ("archive reference", "档号"),
}
"""Identifier fields other than registration and document numbers, each unique across procedures."""


def require_unique_number(c: Context, field_name: str, number: str) -> None:
    """ND-6, document numbers, case numbers and archive references: a number another procedure already
    recorded (compared canonically) is refused, naming it."""
    held_by = citations.holder(c.numbers_in_use, number)
    if held_by is None:
        return
    if field_name == "registration_number":
        raise e.RegistrationNumberTaken(number=number, procedure=held_by, field=field_name)
    if field_name in IDENTIFIERS:
        what, what_zh = IDENTIFIERS[field_name]
        raise e.IdentifierTaken(number=number, procedure=held_by, field=field_name, what=what, what_zh=what_zh)
    raise e.DocumentNumberTaken(number=number, procedure=held_by, field=field_name)


def draft_sha(c: Context, field_name: str) -> dict[str, Any]:
    """MD-25b: remember which draft (by SHA-256) is now the one to review and deliberate."""
    document = c.data.get(field_name)
    return {"current_draft_sha256": document["sha256"]} if isinstance(document, dict) else {}


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)

"""Domain errors: every refusal names the rule that refused it (DESIGN invariant 10).

The engine never mentions HTTP. The web layer maps the four families below to
statuses in one table; tests, logs and API clients key on `rule`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import ClassVar

from engine.domain.rulebook import rule as lookup_rule

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = _LOCALE_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


class DomainError(Exception):
    """A refusal under a procedural rule. `rule` is stable; `context` names the field or step."""

    rule: ClassVar[str]
    en: ClassVar[str]

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.en.format_map(_Missing(context)))

    @property
    def article(self) -> str:
        return lookup_rule(self.rule).article

    @property
    def field(self) -> str | None:
        value = self.context.get("field")
        return str(value) if value is not None else None

    def message(self, lang: str = "zh_CN") -> str:
        """The message in `lang` (zh_CN by default: our users are Chinese officials)."""
        template = _catalog(lang).get(type(self).__name__, self.en) if lang != "en" else self.en
        return template.format_map(_Missing(self.context))

    def as_dict(self, lang: str = "zh_CN") -> dict[str, object]:
        return {"rule": self.rule, "article": self.article, "message": self.message(lang),
                **{k: v for k, v in self.context.items() if _is_plain(v)}}


class _Missing(dict):  # type: ignore[type-arg]
    """format_map helper: a template naming absent context prints the name, never raises."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _is_plain(value: object) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, tuple, dict))


class NotFound(DomainError):
    rule = "DF-NOT-FOUND"


class Forbidden(DomainError):
    """The user may not do this (role, separation of duties)."""


class Refused(DomainError):
    """The step may not be done now or with this input (order, form, statutory guard)."""


class Conflict(DomainError):
    """Someone else changed the procedure first; nothing was done twice."""


# --- not found -------------------------------------------------------------------------

class TaskNotFound(NotFound):
    en = "No step with id {task_id} exists."


class ProcedureNotFound(NotFound):
    en = "No procedure with id {procedure_id} exists."


class DefinitionNotFound(NotFound):
    en = "No deployed process definition {key} exists."


class UserNotFound(NotFound):
    en = "No user {username} exists."


class DocumentNotFound(NotFound):
    en = "No document with SHA-256 {sha256} exists."


# --- order ------------------------------------------------------------------------------

class StepNotReady(Refused):
    rule = "MD-39"
    en = "Step {step} ({step_kind}) is {state}: it can be done only when the steps before it are done."


class StepAlreadyCompleted(Conflict):
    rule = "MD-33b"
    en = "Step {step} ({step_kind}) was already done; a completed step is never done again or edited."


class ProcedureEnded(Refused):
    rule = "MD-33b"
    en = "Procedure {procedure_id} has ended ({status}); nothing more can be done in it."


class VersionConflict(Conflict):
    rule = "DF-CONFLICT"
    en = "Procedure {procedure_id} is at version {actual}, not {expected}: it changed in the meantime."


# --- who -------------------------------------------------------------------------------

class RoleRequired(Forbidden):
    rule = "DF-ROLE"
    en = "Step {step} ({step_kind}) is done by role {role}{org_clause}; {username} does not hold it."


class NotAssignee(Forbidden):
    rule = "DF-ASSIGNEE"
    en = "Step {step} was claimed by {assignee}; only that user can do it."


class SponsorMayNotReview(Forbidden):
    rule = "MD-25a"
    en = "The sponsoring unit {org} may not do step {step} ({step_kind}): it must be done independently."


class SameActorBarred(Forbidden):
    rule = "DF-ROLE"
    en = "{username} already did step {other_step} of this procedure and may not also do {step}."


class WithdrawForbidden(Forbidden):
    rule = "DF-WITHDRAW"
    en = "Only the decision organ (role decision_organ) withdraws a procedure; {username} does not hold it."


# --- input -----------------------------------------------------------------------------

class FormInvalid(Refused):
    rule = "DF-FORM"
    en = "Field {field}: {problem}"


class DocumentTooLarge(Refused):
    rule = "DF-DOCUMENT"
    en = "Document {field} is {size} bytes; the limit is {limit} bytes."


class DocumentNotUploaded(Refused):
    rule = "DF-DOCUMENT"
    en = "Field {field} is a document: upload it with the step, do not reference it in the data."


class StartInvalid(Refused):
    rule = "DF-START"
    en = "Cannot start: {problem}"


class WithdrawInvalid(Refused):
    rule = "DF-WITHDRAW"
    en = "Cannot withdraw procedure {procedure_id}: {problem}"


class DefinitionInvalid(Refused):
    rule = "DF-DEFINITION"
    en = "The process definition has {count} problem(s); the first: {first}"


class ExpressionFailed(Refused):
    rule = "DF-EXPRESSION"
    en = "The procedure cannot continue at {element}: {problem}. Check the data of this step."


class ExpressionForbidden(Refused):
    rule = "DF-EXPRESSION"
    en = "Expression {expression!r} is not allowed: {problem}"

"""Domain errors: every refusal names the rule that refused it (DESIGN invariant 10).

The engine never mentions HTTP. The web layer maps the four families below to
statuses in one table; tests, logs and API clients key on `rule`.

Each refusal lives with its statute (`engine/statutes/<statute>/errors.py`), beside the rules and
guards that raise it; the engine's own (DF-…) in `engine/statutes/decisionflow/errors.py`. This
module holds the four families and answers for every refusal by name (`errors.RoleRequired`), so a
caller needs not know which statute's home a refusal has.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import ClassVar

from engine.domain.rulebook import rule as lookup_rule
from engine.statutes import HOMES


class DomainError(Exception):
    """A refusal under a procedural rule. `rule` is stable; `context` names the field or step."""

    rule: ClassVar[str]
    en: ClassVar[str]
    zh: ClassVar[str]

    def __init__(self, **context: object) -> None:
        self.context = context
        super().__init__(self.en.format_map(SafeContext(context)))

    @property
    def article(self) -> str:
        return lookup_rule(self.rule).article

    @property
    def field(self) -> str | None:
        value = self.context.get("field")
        return str(value) if value is not None else None

    def message(self, lang: str = "zh_CN", **shown: object) -> str:
        """The message in `lang` (zh_CN by default: our users are Chinese officials). `shown` replaces context
        values for display only — a page names the field by its title where the API keeps its key."""
        template = self.en if lang == "en" else getattr(self, "zh", self.en)
        return template.format_map(SafeContext({**self.context, **shown}))

    def as_dict(self, lang: str = "zh_CN") -> dict[str, object]:
        return {"rule": self.rule, "article": self.article, "message": self.message(lang),
                **{k: v for k, v in self.context.items() if _is_plain(v)}}


class SafeContext(dict):  # type: ignore[type-arg]
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


@cache
def _homes() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"engine.statutes.{home}.errors") for home in HOMES)


def refusals() -> list[type[DomainError]]:
    """Every refusal the engine can give (a class that names its rule), each home's in its declared order."""
    return [value for module in _homes() for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, DomainError) and value.__module__ == module.__name__
            and hasattr(value, "rule")]


def __getattr__(name: str) -> type[DomainError]:
    """`errors.X` for a refusal declared in any statute's home (PEP 562)."""
    if name.startswith("__"):  # the import system asks for __path__ and the like: never a refusal
        raise AttributeError(name)
    for module in _homes():
        found = vars(module).get(name)
        if isinstance(found, type) and issubclass(found, DomainError):
            globals()[name] = found
            return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


"""Separation of duties: the steps of one procedure the law keeps apart, declared once per statute.

Each statute declares its list in its profile (engine/statutes/<statute>/profile.py). `Apart` says
one person never does a step of one side and a step of the other in the same procedure, whatever
roles they hold (the check runs both ways, on the person's account, not on the role they act in);
`Independent` says nobody of the procedure's sponsoring organisation does these steps. The checks key
on step kinds, the statutes' own vocabulary, so a definition that declares no statute is bound too.
`engine.domain.rules.require_separation` applies them at every door that gives a person a step.
"""

from __future__ import annotations

from engine.domain.separation import Apart, Duty, Independent
from engine.statutes import modules

__all__ = ["DUTIES", "NAMED_DOERS", "Apart", "Duty", "Independent", "apart_for", "earlier_kinds", "independent"]




DUTIES: dict[str, tuple[Duty, ...]] = {
    module.__name__.split(".")[2]: module.DUTIES for module in modules("profile")}
"""Statute → its separation of duties, declared in its profile (engine/statutes/<statute>/profile.py)."""


NAMED_DOERS: dict[str, str] = {
    "enforcement_submission": "investigators",
}
"""ER-3: the persons a step names in this field count as having done it — every investigator the
submission lists, not only the account that sent it — at every door (page, claim, complete, inbox)."""


def apart_for(kind: str) -> tuple[Apart, ...]:
    """The pairs that constrain whoever does a step of `kind`."""
    return tuple(d for duties in DUTIES.values() for d in duties if isinstance(d, Apart) and d.across(kind))


def independent(kind: str) -> bool:
    return any(isinstance(d, Independent) and kind in d.kinds for duties in DUTIES.values() for d in duties)


def earlier_kinds(kind: str) -> tuple[str, ...]:
    """Every step kind whose doer may not do `kind`: what the history query asks for (none: no query)."""
    return tuple(sorted({str(k) for d in apart_for(kind) for k in d.across(kind)}))

"""Facts the engine already knows, and the lists on a form that must agree with them.

A form's list that restates something on record — who was on the hearing's published participant
list, which units assessed the decision, whose view a meeting recorded — is never trusted as typed
(DESIGN 11, issue 19 items 2 and 3): `known` gives the rows the engine fills in from earlier steps (the
step page shows them prefilled), and `check` refuses, before anything changes, a submission that drops
or alters a known entry, names one person twice, or states a count its list contradicts; the refusal
names the field and, in `entries`, the entries at fault. Where the law allows additions (a meeting's
views are the meeting's own facts; units the organ knows of besides those on record, MD-36b) the form
may add; where the list was fixed in advance (MD-16c) it may not.

Entries are compared as one person, not as typed: Unicode-normalised, trimmed, case-folded, inner
spaces collapsed (so "乘客甲 " and "乘客甲" are one participant). Keyed by form name: a form of a
statute's prefix belongs to that statute alone (deploy refuses it elsewhere). Pure: the service hands
in what the procedure recorded so far.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain import errors as e
from engine.domain.actors import canonical_username

Rows = list[dict[str, Any]]
_SPACES = re.compile(r"\s+")


def identity(name: object) -> str:
    """One person however typed: the canonical username rule, inner whitespace collapsed."""
    return _SPACES.sub(" ", canonical_username(str(name)))


PRE_DECISION_STEPS = ("expert_argumentation", "risk_assessment")
"""MD-36b: the steps whose units did the main argumentation or assessment before the decision."""


@dataclass(frozen=True)
class Composition:
    """Who sits on a body by the organisation registry: each member as (username, display name), and the
    usernames of those who chair it — the government's meeting and its head (MD-30a, MD-30b), an
    enforcement organ's heads (ER-8). Looked up by the service, never typed."""

    members: tuple[tuple[str, str], ...]
    chairs: frozenset[str]

    def who(self, typed: object) -> str | None:
        """The username of the member a typed name is (by username or display name, however typed)."""
        key = identity(typed)
        return next((u for u, shown in self.members if key in (identity(u), identity(shown))), None)

    def names(self) -> str:
        return "、".join(shown for _, shown in self.members)


@dataclass(frozen=True)
class Staff:
    """People a form names who must be the registry's, declared in the statute's profile (`STAFF`).

    `field` holds a name or a list of names: accounts or display names of active users holding `role` in
    the acting user's organisation (`organ`) or anywhere; with no `role`, any registry account, named by
    its username. Each person takes one seat among the form's staff fields: `repeated` refuses the second."""

    field: str
    seat_zh: str
    refusal: Callable[..., e.DomainError]
    repeated: Callable[..., e.DomainError]
    role: str | None = None
    organ: bool = True


@dataclass(frozen=True)
class Received:
    """An opinion the public portal took (MD-18), as its row records it: the receipt, how it was marked
    (topic and adoption, None while unmarked), and whether it was hidden as abusive or is a duplicate."""

    receipt: str
    topic: str | None
    adoption: str | None
    hidden: bool = False
    duplicate: bool = False

    @property
    def to_handle(self) -> bool:
        """Whether the law wants it sorted and answered: every opinion but an abusive one or a duplicate."""
        return not self.hidden and not self.duplicate


def check_staff(data: Mapping[str, Any], registered: Mapping[Staff, Composition]) -> None:
    """Refuse a named person the registry does not hold in that seat, or one person in two seats (issue 19
    items 2 and 4: a typed name never stands in for the registry, nor makes up a number the law requires)."""
    seats: dict[str, tuple[str, str]] = {}
    for seat in registered:
        value = data.get(seat.field)
        if value is None or value == "":
            continue
        names = value if isinstance(value, list) else [value]
        for i, name in enumerate(names):
            path = f"{seat.field}.{i}" if isinstance(value, list) else seat.field
            who = registered[seat].who(name)
            if who is None:
                raise seat.refusal(field=path, entry=name, holders=registered[seat].names() or "—", entries=[name])
            if who in seats:
                first, first_zh = seats[who]
                raise seat.repeated(field=path, entry=name, first=first, first_zh=first_zh, entries=[name])
            seats[who] = (path, seat.seat_zh)


def known(form: str, before: Mapping[str, Any]) -> dict[str, Rows]:
    """The rows the engine fills in for `form` from what earlier steps recorded (field → rows)."""
    fn = _KNOWN.get(form)
    return fn(before) if fn else {}


def check(form: str, data: Mapping[str, Any], before: Mapping[str, Any],
          on_record: Mapping[str, list[str]] | None = None, composition: Composition | None = None) -> None:
    """Refuse a list that drops, alters or repeats a known entry, or a count its list contradicts.

    `on_record`: entries another procedure's chain fixes (field → entries), looked up by the service.
    `composition`: the body the registry says met (a meeting's members), for the forms that record one."""
    fn = _CHECKS.get(form)
    if fn:
        fn(data, before)
    composed = _COMPOSED.get(form)
    if composed and composition is not None:
        composed(data, composition)
    for field_name, entries in (on_record or {}).items():
        typed = {identity(n) for n in data.get(field_name) or []}
        missing = [n for n in entries if identity(n) not in typed]
        if missing:
            raise e.PreDecisionUnitsIncomplete(field=field_name, missing="、".join(missing), entries=missing)


def pre_decision_units(completions: Iterable[Mapping[str, Any]]) -> list[str]:
    """MD-36b: from a decision's `task_completed` payloads, the organisations that completed its expert
    argumentation or risk assessment, the expert institutions and the earlier assessment body its forms
    name; each once, in the order recorded. An organisation may add to them, never drop one."""
    units: dict[str, str] = {}
    for payload in completions:
        if payload.get("step_kind") not in PRE_DECISION_STEPS:
            continue
        data = payload.get("data") or {}
        names = [(payload.get("by") or {}).get("org"), data.get("existing_assessment_body"),
                 *(x.get("organisation") for x in data.get("experts") or [] if isinstance(x, Mapping))]
        for name in names:
            if name:
                units.setdefault(identity(name), str(name))
    return list(units.values())


# --- the hearing (MD-16c, MD-16d, MD-17) ------------------------------------------------------

def _listed(before: Mapping[str, Any]) -> list[str]:
    """The participants the hearing notice published (MD-16c), in the notice's order."""
    return [str(p.get("name", "")) for p in before.get("participants") or [] if isinstance(p, Mapping)]


def _hearing_record_known(before: Mapping[str, Any]) -> dict[str, Rows]:
    names = _listed(before)
    if not names:
        return {}
    return {"deliveries": [{"participant": n} for n in names], "signatures": [{"participant": n} for n in names]}


def _hearing_notice_check(data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """MD-16c: the published list names each participant once."""
    _once((str(p.get("name", "")) for p in data.get("participants") or []), "participants", e.ParticipantRepeated)


def _hearing_record_check(data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """MD-16d: materials reach every listed participant; MD-17: every one signs or refuses on record.

    The list was published before the hearing (MD-16c): nobody is added to it at the hearing."""
    names = _listed(before)
    for field_name, error in (("deliveries", e.HearingDeliveriesIncomplete),
                              ("signatures", e.HearingSignaturesIncomplete)):
        rows = [r for r in data.get(field_name) or [] if isinstance(r, Mapping)]
        given = [str(r.get("participant", "")) for r in rows]
        _once(given, field_name, e.ParticipantRepeated)
        if not names:  # a record without a notice on file (a version from before): nothing known to compare
            continue
        listed = {identity(n) for n in names}
        for i, name in enumerate(given):
            if identity(name) not in listed:
                raise e.ParticipantNotListed(field=f"{field_name}.{i}.participant", participant=name,
                                             listed="、".join(names), entries=[name])
        typed = {identity(n) for n in given}
        missing = [n for n in names if identity(n) not in typed]
        if missing:
            raise error(field=field_name, missing="、".join(missing), entries=missing)


# --- the meeting (MD-30a, MD-30b, MD-30d) ------------------------------------------------------

def _deliberation_check(data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """MD-30d: each member's view is recorded once, as that member's; MD-30a/b: every member present
    is in the record (silent ones too), so the count present is the number of views."""
    views = [v for v in data.get("views") or [] if isinstance(v, Mapping)]
    _once((str(v.get("member", "")) for v in views), "views", e.MemberViewRepeated)
    present = data.get("members_present")
    if isinstance(present, int) and present != len(views):
        raise e.PresentCountMismatch(field="members_present", present=present, listed=len(views))


def _deliberation_members(data: Mapping[str, Any], body: Composition) -> None:
    """MD-30a: the meeting's members are the government's, as the registry lists them, so the total is
    theirs and every view is a member's; MD-30b: the view recorded as the head's is the head's. A registry
    that lists nobody is refused, never read as "anyone may sit" (issue 19 item 2)."""
    if not body.members:
        raise e.MeetingNotRegistered(field="views")
    total = data.get("members_total")
    if isinstance(total, int) and total != len(body.members):
        raise e.MembersTotalNotOnRecord(field="members_total", total=total, on_record=len(body.members),
                                        members=body.names())
    for i, view in enumerate(v for v in data.get("views") or [] if isinstance(v, Mapping)):
        name = view.get("member", "")
        who = body.who(name)
        if who is None:
            raise e.MemberNotOnRecord(field=f"views.{i}.member", entry=name, members=body.names(), entries=[name])
        if view.get("is_head") and who not in body.chairs:
            raise e.HeadNotOnRecord(field=f"views.{i}.member", entry=name, entries=[name],
                                    heads="、".join(shown for u, shown in body.members if u in body.chairs))


# --- collective discussion of an enforcement decision (ER-8) -----------------------------------

def _er_collective_check(data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """ER-8: the heads who met are counted as people, each once."""
    _once((str(p) for p in data.get("participants") or []), "participants", e.HeadRepeated)


def _once(names: Iterable[str], field_name: str, error: Callable[..., e.DomainError]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = identity(name)
        if key in seen:
            raise error(field=f"{field_name}.{i}", entry=name, first=seen[key], entries=[name])
        seen[key] = i


# --- service of a reconsideration decision (RC-15) --------------------------------------------

def _rc_parties(before: Mapping[str, Any]) -> list[str]:
    """The parties the application recorded: the applicant and the respondent organ."""
    return [str(before[k]) for k in ("applicant", "respondent_organ") if before.get(k)]


def _rc_decision_known(before: Mapping[str, Any]) -> dict[str, Rows]:
    parties = _rc_parties(before)
    return {"deliveries": [{"party": p} for p in parties]} if parties else {}


def _rc_decision_check(data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """RC-15: a decision served is served on every party the application recorded, each once; third
    parties may be added. No list at all means not served yet (and so not in effect)."""
    rows = data.get("deliveries")
    if not rows:
        return
    given = [str(r.get("party", "")) for r in rows if isinstance(r, Mapping)]
    _once(given, "deliveries", e.PartyServedTwice)
    typed = {identity(n) for n in given}
    missing = [n for n in _rc_parties(before) if identity(n) not in typed]
    if missing:
        raise e.DeliveriesIncomplete(field="deliveries", missing="、".join(missing), entries=missing)


def _cleanup_review_known(before: Mapping[str, Any]) -> dict[str, Rows]:
    """ND-9: a clean-up's review opens with one row per document of the scope its first step fixed."""
    return {"decisions": [{"number": d["number"], "title": d["title"]} for d in before.get("cleanup_scope") or []]}


_KNOWN: dict[str, Callable[[Mapping[str, Any]], dict[str, Rows]]] = {
    "md_hearing_record": _hearing_record_known,
    "ndc_review": _cleanup_review_known,
    "rc_decision": _rc_decision_known,
}
_COMPOSED: dict[str, Callable[[Mapping[str, Any], Composition], None]] = {
    "md_deliberation": _deliberation_members,
}
_CHECKS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], None]] = {
    "md_hearing_notice": _hearing_notice_check,
    "md_hearing_record": _hearing_record_check,
    "md_deliberation": _deliberation_check,
    "er_collective": _er_collective_check,
    "rc_decision": _rc_decision_check,
}

"""Guards of periodic and special clean-ups of normative documents (ND-9).

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.domain import errors as e
from engine.domain.steps import StepKind as K
from engine.statutes.checks import (
    parse_date,
)
from engine.statutes.guards import Context, for_statute

guard = for_statute("nd_cleanup")


CLEANUP_SCOPE = ("in_force", "amending")
"""ND-9: what a clean-up reviews: the registry's documents in force, those marked for amendment included
(they stay in force until an amended text replaces them)."""

CLEANUP_LISTS = {"continue": "continuing_list", "amend": "amending_list", "repeal": "repealed_list"}
"""ND-9: the list each decision puts a document on; documents whose validity ran out go on `lapsed_list`."""

CLEANUP_DECISIONS_ZH = {"continue": "继续有效", "amend": "修改", "repeal": "废止"}


@guard(K.cleanup, registry=True)
def _ndc_scope(c: Context) -> dict[str, Any]:
    """ND-9: a special clean-up states its reason; the scope is the registry as it stands now, kept in the
    procedure so review, approval and publication all work on the same documents."""
    kind = c.data["cleanup_type"]
    started_as = c.before.get("cleanup_started_as")
    if started_as and kind != started_as:
        raise e.FormInvalid(field="cleanup_type", problem=f"this clean-up was started as {started_as}",
                            problem_zh="清理类型与启动方式不一致（按年度计划自动启动的为定期清理）")
    if kind == "special" and not str(c.data.get("special_reason") or "").strip():
        raise e.SpecialCleanupUnreasoned(field="special_reason")
    if c.registry is None:
        raise RuntimeError("the clean-up's scope needs the registry: tasks.complete passes it for this step")
    scope = [_ndc_document(d) for d in c.registry if d.get("status") in CLEANUP_SCOPE]
    lapsed = [_ndc_document(d) for d in c.registry
              if d.get("status") == "expired" and d.get("cleanup_decision") != "lapsed"]
    return {"cleanup_scope": scope, "cleanup_lapsed": lapsed, "scope_taken_on": c.today.isoformat(),
            "cleanup_decisions": [], "cleanup_approved": False}


def _ndc_document(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {"procedure_id": entry["procedure_id"], "number": entry["number"], "title": entry["title"],
            "organisation": entry.get("organisation"), "valid_until": entry.get("valid_until")}


@guard(K.cleanup_review)
def _ndc_review(c: Context) -> dict[str, Any]:
    """ND-9: each document in scope is decided once: continue (its basis confirmed), amend or repeal (with the
    reason); a row without a decision leaves its document undecided, and the review is refused."""
    scope = {d["number"]: d for d in c.before.get("cleanup_scope", [])}
    decided: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(c.data.get("decisions", [])):
        number, decision = str(row.get("number", "")).strip(), row.get("decision")
        if number not in scope:
            raise e.CleanupDocumentUnknown(number=number, field=f"decisions.{i}.number")
        if number in decided:
            raise e.CleanupDecidedTwice(number=number, field=f"decisions.{i}.number")
        if decision is None:
            continue
        reason = str(row.get("reason") or "").strip()
        if decision != "continue" and not reason:
            raise e.CleanupUnreasoned(number=number, decision=decision, decision_zh=CLEANUP_DECISIONS_ZH[decision],
                                      field=f"decisions.{i}.reason")
        if decision == "continue" and row.get("basis_confirmed") is not True:
            raise e.CleanupBasisUnconfirmed(number=number, field=f"decisions.{i}.basis_confirmed")
        decided[number] = {**scope[number], "decision": decision, "reason": reason}
    _ndc_require_decided(scope, decided, "decisions")
    return {"cleanup_decisions": [decided[n] for n in scope], "cleanup_approved": False}


def _ndc_require_decided(scope: Mapping[str, Any], decided: Mapping[str, Any], field_name: str | None = None) -> None:
    """ND-9: no clean-up goes on, or closes, while a document of its scope is undecided."""
    undecided = [number for number in scope if number not in decided]
    if undecided:
        raise e.CleanupUndecided(count=len(undecided), numbers="、".join(undecided),
                                 **({"field": field_name} if field_name else {}))


def _ndc_recorded(c: Context) -> list[dict[str, Any]]:
    decisions = list(c.before.get("cleanup_decisions") or [])
    _ndc_require_decided({d["number"]: d for d in c.before.get("cleanup_scope", [])},
                         {d["number"]: d for d in decisions})
    return decisions


@guard(K.cleanup_approval)
def _ndc_approval(c: Context) -> dict[str, Any]:
    """ND-9, as ND-5 for the documents themselves: the leadership approves the result at a meeting."""
    _ndc_recorded(c)
    if c.data.get("meeting_type") not in ("standing", "office"):
        raise e.CleanupNotAtMeeting(meeting_type=c.data.get("meeting_type"), field="meeting_type")
    return {"cleanup_approved": c.data.get("meeting_outcome") == "adopt"}


@guard(K.cleanup_publication)
def _ndc_publication(c: Context) -> dict[str, Any]:
    """ND-9: the approved lists are published: continuing, to be amended, repealed and lapsed documents; a
    document on no continuing list is no basis for administration from then on."""
    decisions = _ndc_recorded(c)
    if not c.before.get("cleanup_approved"):
        raise e.CleanupNotApproved()
    published = parse_date(c.data["published_on"], "published_on")
    if published > c.today:
        raise e.FormInvalid(field="published_on", problem="the lists cannot be published in the future",
                            problem_zh="公布日期不能晚于今天")
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in CLEANUP_LISTS.values()}
    for d in decisions:
        lists[CLEANUP_LISTS[d["decision"]]].append(_ndc_listed(d))
    return {"published_on": published.isoformat(), **lists,
            "lapsed_list": [_ndc_listed(d) for d in c.before.get("cleanup_lapsed", [])]}


def _ndc_listed(document: Mapping[str, Any]) -> dict[str, Any]:
    return {"procedure_id": document["procedure_id"], "number": document["number"], "title": document["title"]}

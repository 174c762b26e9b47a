"""Guards of the legal review of major enforcement decisions (ER-…).

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from engine import workdays
from engine.domain import errors as e
from engine.domain.actors import canonical_username
from engine.domain.known_facts import identity
from engine.domain.materials import ENFORCEMENT_CONDITIONS, ENFORCEMENT_MATERIALS
from engine.domain.steps import StepKind as K
from engine.statutes.checks import (
    parse_date,
    require_unique_number,
)
from engine.statutes.guards import Context, for_statute

guard = for_statute("enforcement_review")


QUALIFICATION_FROM = date(2018, 1, 1)
"""ER-3 [M]: the 2017 amendment of the Administrative Penalty Law (in force 2018-01-01) requires the
legal professional qualification of reviewers who start reviewing penalty decisions from then on."""

REVIEW_FINDINGS: dict[str, str] = {
    "finding_authority": "执法主体和权限", "finding_qualification": "执法人员资格", "finding_procedure": "执法程序",
    "finding_facts": "案件事实", "finding_evidence": "证据", "finding_law": "法律适用",
    "finding_discretion": "裁量基准", "finding_documents": "执法文书", "crime_transfer": "是否涉嫌犯罪需要移送",
}
"""ER-5: what every legal review opinion finds on, field → the content it covers."""


@guard(K.enforcement_submission, number="case_number")
def _er_submission(c: Context) -> dict[str, Any]:
    """ER-1 scope, ER-9 attestation; starts the review clock (ER-7) on the proposed decision (ER-2). The
    case number is the case's: another procedure's number is refused."""
    _require_attested(c)
    require_unique_number(c, "case_number", str(c.data.get("case_number", "")))
    grounds = list(c.data.get("scope_grounds", []))
    amount = c.data.get("fine_amount") or 0
    if amount >= c.limits.er_amount_threshold and "catalogue" not in grounds:
        grounds.append("catalogue")
    if not grounds:
        raise e.OutsideReviewScope(amount=amount, threshold=c.limits.er_amount_threshold)
    heavy = bool(c.data.get("heavy_penalty")) and c.data.get("case_type") == "penalty"
    return {"review_scope": grounds, "heavy_case": heavy, **_er_resubmitted(c, _sha256_of(c.data["proposed_decision"]))}


@guard(K.enforcement_supplement)
def _er_supplement(c: Context) -> dict[str, Any]:
    """ER-4/ER-6: a supplement or a corrected proposal is a new submission, reviewed afresh; a written
    objection to the opinion goes to the heads' coordination instead, the submission unchanged."""
    _require_attested(c)
    if c.data.get("objection"):
        changed = sorted(m.field for m in ENFORCEMENT_MATERIALS if m.field in c.data)
        if changed or "revised_proposed_decision" in c.data:
            raise e.FormInvalid(field=(changed or ["revised_proposed_decision"])[0],
                                problem="an objection stands on the submission reviewed: no new materials with it",
                                problem_zh="提出异议的，以已审核的送审材料为准，不得同时补充或者修改材料")
        return {"objection_raised": True}
    revised = _sha256_of(c.data.get("revised_proposed_decision"))
    return {**_er_resubmitted(c, revised or c.before.get("current_submission_sha256")), "objection_raised": False}


def _sha256_of(document: Any) -> str | None:
    return document["sha256"] if isinstance(document, dict) else None


@guard(K.coordination)
def _er_coordination(c: Context) -> dict[str, Any]:
    """ER-6: the heads settle a disagreement together (ER-8's minimum); siding with the unit lets the
    decision proceed on the very submission they discussed, recorded with reasons."""
    heads = {identity(p) for p in c.data.get("participants", [])}
    if len(heads) < c.limits.er_collective_minimum:
        raise e.NotCollective(count=len(heads), minimum=c.limits.er_collective_minimum)
    if c.data["outcome"] != "unit_prevails":
        return {"coordination_outcome": "review_stands"}
    return {"coordination_outcome": "unit_prevails", "collective_discussed": True,
            "coordinated_submission_sha256": c.before.get("current_submission_sha256")}


@guard(K.judicial_transfer)
def _er_transfer(c: Context) -> dict[str, Any]:
    """ER-5/ER-6: a suspected crime is transferred to the judicial organs; no enforcement decision follows."""
    transferred = parse_date(c.data["transferred_on"], "transferred_on")
    reviewed = workdays.local_date(datetime.fromisoformat(c.before["reviewed_at"]))
    if not reviewed <= transferred <= c.today:
        raise e.FormInvalid(field="transferred_on", problem="between the legal review and today",
                            problem_zh="移送日期应当在法制审核之日与今天之间")
    return {"transferred_on": transferred.isoformat(), "transferred_to": c.data["transferred_to"]}


def _require_attested(c: Context) -> None:
    if c.data.get("truth_declaration") is not True:
        raise e.MaterialsUnattested()


def _er_resubmitted(c: Context, proposed_sha256: str | None) -> dict[str, Any]:
    """A (re)submission: the proposal under review, what is missing, and a fresh review clock."""
    have = {**c.before, **c.data}
    missing = [m.key for m in ENFORCEMENT_MATERIALS
               if (m.required or have.get(ENFORCEMENT_CONDITIONS.get(m.field, ""))) and not isinstance(
                   have.get(m.field), dict)]
    due = workdays.add_working_days(c.today, c.limits.er_review_working_days)
    return {"current_submission_sha256": proposed_sha256,
            "materials_missing": missing, "review_opinion": "pending", "collective_discussed": False,
            "coordination_outcome": None,
            "review_materials_received": c.today.isoformat(), "review_due": due.last_day.isoformat(),
            "review_due_provisional": due.provisional}


@guard(K.enforcement_legal_review)
def _er_legal_review(c: Context) -> dict[str, Any]:
    _require_reviewer(c)
    opinion = c.data["opinion"]
    if opinion != "supplement_requested":
        missing = c.before.get("materials_missing") or []
        if missing:
            names = {m.key: m.zh for m in ENFORCEMENT_MATERIALS}
            raise e.MaterialsIncomplete(materials="、".join(names.get(k, k) for k in missing))
        for field_name, content in REVIEW_FINDINGS.items():
            if not c.data.get(field_name):
                raise e.ReviewFindingMissing(finding=content, field=field_name)
        if not isinstance(c.data.get("opinion_document"), dict):
            raise e.OpinionNotWritten()
        if opinion in ("problems", "transfer") and not c.data.get("problems"):
            raise e.ProblemsUnreasoned()
        if (c.data.get("crime_transfer") == "transfer") != (opinion == "transfer"):
            raise e.CrimeTransferMismatch(finding=c.data.get("crime_transfer"), opinion=opinion)
    return {"review_opinion": opinion, "reviewed_submission_sha256": c.before.get("current_submission_sha256"),
            "reviewed_at": c.now.isoformat(), **_er_review_time(c),
            "collective_required": bool(c.before.get("heavy_case") or c.data.get("collective_discussion_required"))}


def _require_reviewer(c: Context) -> None:
    """ER-3: not an investigator of the case; a first-time penalty reviewer holds the qualification."""
    if c.actor is None:
        return
    named = {canonical_username(str(name)) for name in c.before.get("investigators", [])}
    if canonical_username(c.actor.username) in named:  # the accounts as typed: case and white space aside
        raise e.InvestigatorMayNotReview(username=c.actor.username, other_step="investigators",
                                         other_kind="enforcement_submission", step="legal_review",
                                         step_kind="enforcement_legal_review")
    since = c.data.get("reviewing_since")
    veteran = since is not None and parse_date(since, "reviewing_since") < QUALIFICATION_FROM
    if c.before.get("case_type") == "penalty" and not c.actor.holds("legal_professional") and not veteran:
        raise e.ReviewerUnqualified(username=c.actor.username)


def _er_review_time(c: Context) -> dict[str, Any]:
    """ER-7: past the review period an opinion states the approved extension; past that it is flagged."""
    if not c.before.get("review_due"):
        return {}
    due = parse_date(c.before["review_due"], "review_due")
    if c.today <= due:
        return {"review_overdue": False}
    if not (c.data.get("extension_reason") and c.data.get("extension_approved_by")):
        raise e.ReviewExtensionUnapproved(due=due.isoformat())
    extended = workdays.add_working_days(due, c.limits.er_extension_working_days)
    return {"review_extended_to": extended.last_day.isoformat(), "review_overdue": c.today > extended.last_day}


@guard(K.collective_discussion)
def _er_collective(c: Context) -> dict[str, Any]:
    """ER-8: the organ's heads decide together, on a case the legal review agreed to (ER-2)."""
    if c.before.get("review_opinion") != "agree":
        raise e.NotReviewedAgree(opinion=c.before.get("review_opinion"))
    heads = {identity(p) for p in c.data.get("participants", [])}
    if len(heads) < c.limits.er_collective_minimum:
        raise e.NotCollective(count=len(heads), minimum=c.limits.er_collective_minimum)
    return {"collective_discussed": c.data.get("meeting_outcome") == "decide"}


@guard(K.enforcement_decision, number="decision_number")
def _er_decision(c: Context) -> dict[str, Any]:
    """ER-2: only on an agreeing review of the very proposal; ER-8: flagged cases after the heads met."""
    if c.data.get("head_decision") != "decide":
        return {}
    current = c.before.get("current_submission_sha256")
    coordinated = c.before.get("coordination_outcome") == "unit_prevails" and \
        c.before.get("coordinated_submission_sha256") == current
    if c.before.get("review_opinion") != "agree" and not coordinated:
        raise e.NotReviewedAgree(opinion=c.before.get("review_opinion"))
    if not coordinated and c.before.get("reviewed_submission_sha256") != current:
        raise e.SubmissionChangedAfterReview()
    if c.before.get("collective_required") and not c.before.get("collective_discussed"):
        raise e.CollectiveDiscussionMissing()
    require_unique_number(c, "decision_number", str(c.data.get("decision_number", "")))
    return {"decided_submission_sha256": c.before.get("current_submission_sha256")}

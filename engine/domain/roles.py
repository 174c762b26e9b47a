"""The roles of the procedures (regulation.md glossary), with their Chinese and English titles."""

from __future__ import annotations

from collections.abc import Iterable

ROLES: dict[str, tuple[str, str]] = {
    "sponsor": ("决策承办单位", "Sponsoring unit"),
    "decision_organ": ("决策机关", "Decision organ"),
    "gov_office": ("政府办公室", "Government general office"),
    "meeting_secretary": ("会议秘书（政府办公室）", "Meeting secretary"),
    "head": ("行政首长", "Head of government"),
    "meeting_member": ("会议组成人员", "Meeting member"),
    "participation_organiser": ("公众参与组织单位", "Public-participation organiser"),
    "consulted_unit": ("有关单位", "Consulted unit"),
    "expert": ("专家", "Expert"),
    "risk_assessor": ("风险评估单位", "Risk assessor"),
    "fair_competition_reviewer": ("公平竞争审查机构", "Fair competition reviewer"),
    "legality_reviewer": ("合法性审查机构（司法局）", "Legality review office"),
    "legal_adviser": ("法律顾问", "Legal adviser"),
    "public_lawyer": ("公职律师", "Public lawyer"),
    "party_liaison": ("党委联络人", "Party-committee liaison"),
    "npc_liaison": ("人大联络人", "People's congress liaison"),
    "executor": ("决策执行单位", "Execution unit"),
    "evaluator": ("决策后评估单位", "Post-decision evaluator"),
    "enforcement_unit": ("执法承办机构", "Enforcement unit"),
    "legal_office": ("法制审核机构", "Legal review office"),
    "legal_professional": ("持法律职业资格的法制审核人员", "Reviewer with the legal professional qualification"),
    "enforcement_head": ("行政机关负责人", "Head of the enforcement organ"),
    "reconsideration_office": ("行政复议机构", "Reconsideration office"),
    "respondent": ("被申请人", "Respondent"),
    "reconsideration_head": ("行政复议机关负责人", "Head of the reconsideration organ"),
    "auditor": ("审计/监督", "Auditor"),
    "supervisor": ("督办人员", "Supervisor"),
    "admin": ("系统管理员", "Administrator"),
    "public": ("社会公众", "Public"),
}

ADMIN = "admin"
REVIEW_ROLES = frozenset({"legality_reviewer", "legal_adviser", "public_lawyer"})
"""The roles that judge a draft's legality (MD-25 to MD-28, ND, ER): their reviews are the law's safeguard."""
FOUR_EYES_ROLES = frozenset({"auditor"}) | REVIEW_ROLES
"""Roles granted only with a second administrator's approval (DF-FOUR-EYES): the auditor reads every
procedure and the administration log, the review roles judge legality."""


def acting_roles(held: Iterable[str]) -> frozenset[str]:
    """The roles a user acts with (DF-ADMIN-SEPARATION): an administrator acts as administrator only.

    The accounts service never grants admin beside another role; an account that still holds both
    (data from before the rule, or written around the services) is treated as admin only, so it
    reads no procedure's contents until an administrator removes one side.
    """
    roles = frozenset(held)
    return frozenset({ADMIN}) if ADMIN in roles else roles

"""The roles of the procedures (regulation.md glossary), with their Chinese and English titles."""

from __future__ import annotations

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
    "auditor": ("审计/监督", "Auditor"),
    "supervisor": ("督办人员", "Supervisor"),
    "admin": ("系统管理员", "Administrator"),
    "public": ("社会公众", "Public"),
}

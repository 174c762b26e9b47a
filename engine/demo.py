"""Demo data for `decisionflow serve --demo`: organisations, one user per role, sample procedures.

A county government's offices, with the users a walk-through needs. Nothing here is
used outside the demo; a real county loads its own organisations and staff. Passwords
are random, returned once for printing, and stored only as the hash the caller makes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from engine.core import Engine
from engine.domain.roles import ROLES

ORGANISATIONS = (
    ("county_gov", "示范县人民政府", "decision_organ"),
    ("gov_office", "示范县人民政府办公室", "gov_office"),
    ("dev_reform", "示范县发展和改革局", "department"),
    ("housing", "示范县住房和城乡建设局", "department"),
    ("urban_management", "示范县城市管理局", "department"),
    ("justice", "示范县司法局", "review_office"),
    ("expert_pool", "示范县决策咨询专家库", "expert_pool"),
    ("risk_center", "示范县社会稳定风险评估中心", "assessor"),
    ("party_office", "中共示范县委办公室", "party_committee"),
    ("audit_office", "示范县审计局", "auditor"),
    ("market_reg", "示范县市场监督管理局", "department"),
    ("fuyi_office", "示范县人民政府行政复议办公室", "review_office"),
)

CLEANUP_ORG = "justice"
"""Who owns the demo's yearly clean-up of normative documents (ND-9): the 司法局, whose legality reviewer
(`reviewer`) opens and reviews it; the head (`head`) approves it; the office (`secretary`) publishes the lists."""

USERS = (
    ("sponsor", "dev_reform", "张伟", ["sponsor"]),
    ("housing", "housing", "李娜", ["sponsor"]),
    ("urban", "urban_management", "王强", ["sponsor"]),
    ("reviewer", "justice", "刘洋", ["legality_reviewer"]),
    ("adviser", "justice", "陈静", ["legal_adviser", "public_lawyer"]),
    ("expert", "expert_pool", "周教授", ["expert"]),
    ("assessor", "risk_center", "吴敏", ["risk_assessor"]),
    ("secretary", "gov_office", "赵磊", ["meeting_secretary", "gov_office"]),
    ("head", "county_gov", "孙县长", ["head", "decision_organ", "meeting_member"]),
    ("fxz_jia", "county_gov", "副县长甲", ["meeting_member"]),
    ("fxz_yi", "county_gov", "副县长乙", ["meeting_member"]),
    ("fxz_bing", "county_gov", "副县长丙", ["meeting_member"]),
    ("zhuren", "gov_office", "政府办主任", ["meeting_member"]),
    ("liaison", "party_office", "郑联络", ["party_liaison"]),
    ("auditor", "audit_office", "钱审计", ["auditor"]),
    ("duban", "gov_office", "督办员", ["supervisor"]),
    ("zhifa", "market_reg", "周执法", ["sponsor", "enforcement_unit"]),
    ("fazhi", "market_reg", "冯法制", ["legal_office", "legal_professional"]),
    ("juzhang", "market_reg", "韩局长", ["enforcement_head"]),
    ("fujuzhang", "market_reg", "许副局长", ["enforcement_head"]),
    ("fuyi", "fuyi_office", "林复议", ["sponsor", "reconsideration_office"]),
    ("beishen", "market_reg", "何答复", ["respondent"]),
    ("fuyi_head", "county_gov", "马副县长", ["reconsideration_head"]),
    ("admin", "gov_office", "系统管理员", ["admin"]),
)


def seed(engine: Engine, hash_password: Callable[[str], str] | None = None) -> dict[str, str | None]:
    """Create the demo organisations, roles and users (idempotent).

    Returns each username with the password made for it now, or None when the user already
    had one (a second run prints no password: it was shown once).
    """
    for name, (zh, en) in ROLES.items():
        engine.people.ensure_role(name, zh, en)
    for code, name, kind in ORGANISATIONS:
        engine.people.ensure_organisation(code, name, kind)
    made: dict[str, str | None] = {}
    for username, org, display, roles in USERS:
        engine.people.ensure_user(username, org, roles, display)
        made[username] = None
        if hash_password is not None and engine.accounts.credentials(username) is None:
            password = secrets.token_urlsafe(9)
            engine.people.set_password_hash(username, hash_password(password))
            made[username] = password
    return made

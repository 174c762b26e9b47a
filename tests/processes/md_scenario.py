"""Drive processes/major_decision.bpmn through the engine services, step by step.

Each method completes one step with valid data that a test may override; the clock is
the test's FixedClock. Tests read like the procedure: `md.draft(professional_technical=True)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from engine.clock import FixedClock
from engine.core import Engine
from engine.domain.actors import Actor
from engine.services.definitions import read_bundle
from engine.services.tasks import Upload
from engine.workdays import local_date

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "major_decision.bpmn"
CATALOGUE = PROCESS.parent / "catalogue" / "2026.json"


def pdf(name: str) -> Upload:
    return Upload(f"{name}.pdf", "application/pdf", f"%PDF-1.7 {name}".encode())


@dataclass
class Cast:
    sponsor: Actor
    organ: Actor
    gov_office: Actor
    expert: Actor
    assessor: Actor
    fair: Actor
    adviser: Actor
    reviewer: Actor
    secretary: Actor
    liaison: Actor


def cast(engine: Engine) -> Cast:
    p = engine.people
    for code, name in (("dev_reform", "县发展和改革局"), ("county_gov", "县人民政府"), ("gov_office", "县政府办公室"),
                       ("expert_pool", "县决策咨询专家库"), ("risk_center", "县社会稳定风险评估中心"),
                       ("market_reg", "县市场监督管理局"), ("justice", "县司法局"), ("party_office", "县委办公室")):
        p.ensure_organisation(code, name, "expert_pool" if code == "expert_pool" else "department")
    government_meeting(engine)
    return Cast(
        sponsor=p.ensure_user("zhang_wei", "dev_reform", ["sponsor"]),
        organ=p.ensure_user("sun_qiang", "county_gov", ["decision_organ"]),
        gov_office=p.ensure_user("qian_li", "gov_office", ["gov_office"]),
        expert=p.ensure_user("zhou_jiao", "expert_pool", ["expert"]),
        assessor=p.ensure_user("wu_min", "risk_center", ["risk_assessor"]),
        fair=p.ensure_user("he_ping", "market_reg", ["fair_competition_reviewer"]),
        adviser=p.ensure_user("chen_jing", "justice", ["legal_adviser"]),
        reviewer=p.ensure_user("liu_yang", "justice", ["legality_reviewer"]),
        secretary=p.ensure_user("zhao_lei", "gov_office", ["meeting_secretary"]),
        liaison=p.ensure_user("zheng_hua", "party_office", ["party_liaison"]),
    )


def government_meeting(engine: Engine) -> None:
    """The registry's government meeting (MD-30a, MD-30b): a head and four members. A deliberation is
    checked against it, never against names typed into the minutes."""
    p = engine.people
    p.ensure_user("sun_xz", "county_gov", ["head", "meeting_member"], "孙县长")
    for username, name in (("fxz_jia", "副县长甲"), ("fxz_yi", "副县长乙"), ("fxz_bing", "副县长丙")):
        p.ensure_user(username, "county_gov", ["meeting_member"], name)
    p.ensure_user("zhuren", "gov_office", ["meeting_member"], "政府办主任")


BASIS = [{"instrument": "《城市公共交通条例》", "article": "第十条"}]
"""A legal basis as the forms take it: an instrument and its article (MD-12a, MD-26a)."""

FACTS = ("professional_technical", "stability_or_safety_risk", "affects_market_entities", "specific_group_affected",
         "directly_affects_interests", "hearing_required_by_law", "wide_public_concern", "major_divergence")


@dataclass
class MajorDecision:
    engine: Engine
    clock: FixedClock
    people: Cast
    procedure_id: int = 0
    ready: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, engine: Engine, clock: FixedClock, title: str = "县城公交线网优化调整方案") -> MajorDecision:
        engine.definitions.deploy(*read_bundle(PROCESS), "test")
        engine.catalogue.load(json.loads(CATALOGUE.read_text(encoding="utf-8")), "test")
        people = cast(engine)
        view = engine.procedures.start("major_decision", title, "dev_reform", people.sponsor)
        return cls(engine, clock, people, view.id, {i.task_id: i.spec for i in view.open_items})

    # --- plumbing --------------------------------------------------------------------
    def task(self, spec: str) -> str:
        for task_id, name in self.ready.items():
            if name == spec:
                return task_id
        raise LookupError(f"step {spec} is not open; open: {sorted(self.ready.values())}")

    def do(self, spec: str, actor: Actor, data: dict[str, Any], docs: dict[str, Upload] | None = None) -> None:
        """Complete the open step `spec`; a field overridden with None is left out."""
        data = {k: v for k, v in data.items() if v is not None}
        result = self.engine.tasks.complete(self.task(spec), actor, data, docs or {})
        self.ready = dict(result.ready)

    def wake(self) -> None:
        """Fire every due timer, as the scheduler would."""
        for timer_id in self.engine.timers.due():
            self.engine.timers.fire(timer_id)
        self.ready = {i.task_id: i.spec for i in self.engine.procedures.get(self.procedure_id).open_items}

    def today(self) -> str:
        return local_date(self.clock.now()).isoformat()

    def open(self) -> set[str]:
        return set(self.ready.values())

    # --- steps -------------------------------------------------------------------------
    def propose(self, **over: Any) -> None:
        data = {"proposal_source": "leadership", "summary": "优化县城公交线网，减少重复线路", **over}
        self.do("proposal", self.people.sponsor, data, {"study_report": pdf("研究论证报告")})

    def initiate(self, **over: Any) -> None:
        data = {"launched": True, "reason": "列入年度决策事项目录", "decision_level": "county",
                "matter_type": "major_decision", "category": "public_policy",
                "category_justification": "涉及公共服务的重大公共政策", "catalogue_item": "2026-05",
                "lead_sponsor": "dev_reform", **over}
        self.do("initiation", self.people.organ, data)

    def draft(self, **facts: Any) -> None:
        data: dict[str, Any] = {"legal_basis": BASIS, "options_count": 1,
                                "cost_benefit_not_needed_reason": "不涉及新增财政支出"}
        for fact in FACTS:
            data[fact] = False
        for key, value in facts.items():
            data[key] = value
            if key in FACTS and value is True:
                data.setdefault(f"{key}_basis", f"{key} 的认定依据")
        self.do("drafting", self.people.sponsor, data, {"draft": pdf("决策草案"), "explanation": pdf("起草说明")})

    def consult(self, **over: Any) -> None:
        data = {"records": [{"unit": "transport", "opinion": "同意", "agreed": True}], **over}
        self.do("consultation", self.people.sponsor, data)

    def determine_disclosure(self, disclosed: bool = True, npc: bool = False, **over: Any) -> None:
        data: dict[str, Any] = {"disclosed": disclosed, "npc_report_required": npc, **over}
        if not disclosed:
            data.setdefault("non_disclosure_basis", "《政府信息公开条例》第十四条")
        if npc:
            data.setdefault("npc_basis", "县人大常委会讨论决定重大事项的规定")
        self.do("disclosure", self.people.gov_office, data)

    def open_comment(self, days: int = 30, **over: Any) -> None:
        today = local_date(self.clock.now())
        data = {"channels": ["gov_website"], "url": "https://www.example.gov.cn/zqyj/1", "feedback_method": "网上留言",
                "start_date": today.isoformat(), "end_date": (today + timedelta(days=days)).isoformat(),
                "methods": ["public_comment"], **over}
        self.do("open_comment", self.people.sponsor, data, {"draft": pdf("征求意见稿"), "explanation": pdf("说明")})

    def summarise(self, **over: Any) -> None:
        data = {"opinions_received": 2, "register": [
            {"topic": "线路", "summary": "增加夜班线", "adoption": "adopted"},
            {"topic": "票价", "summary": "降低票价", "adoption": "not_adopted", "reason": "票价不属于本次决策范围"}],
            **over}
        self.do("summarise_opinions", self.people.sponsor, data, {"adoption_statement": pdf("意见采纳情况说明")})

    def submit_for_review(self) -> None:
        self.do("review_submission", self.people.sponsor,
                {"procedures_account": "已履行公众参与、征求意见等法定程序", "legal_basis": BASIS},
                {"draft": pdf("送审稿")})

    def legal_opinion(self, actor: Actor | None = None) -> None:
        self.do("legal_opinion", actor or self.people.adviser,
                {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True, "summary": "未发现违法问题"},
                {"opinion": pdf("法律意见书")})

    def review(self, outcome: str = "lawful", actor: Actor | None = None, **over: Any) -> None:
        data: dict[str, Any] = {"review_outcome": outcome, **over}
        docs = {}
        if outcome in ("lawful", "lawful_with_changes", "unlawful"):
            for finding, text in (("finding_authority", "符合法定权限"), ("finding_procedure", "已履行法定程序"),
                                  ("finding_content", "内容合法")):
                data.setdefault(finding, text)
            docs["opinion_document"] = pdf("合法性审查意见书")
        if outcome == "lawful_with_changes":
            data.setdefault("required_changes", "第三条表述修改")
        if outcome in ("returned", "supplement_requested"):
            data.setdefault("missing_materials", "缺少社会稳定风险评估报告")
        self.do("legality_review", actor or self.people.reviewer, data, docs)

    def revise(self, spec: str) -> None:
        self.do(spec, self.people.sponsor, {"changes_summary": "按意见修改第三条"},
                {"revised_draft": pdf("修改稿"), "response_sheet": pdf("修改情况说明")})

    def deliberate(self, outcome: str = "adopt", views: list[dict[str, Any]] | None = None, **over: Any) -> None:
        views = views if views is not None else [
            {"member": "副县长甲", "is_head": False, "position": "support"},
            {"member": "副县长乙", "is_head": False, "position": "support"},
            {"member": "孙县长", "is_head": True, "position": "support"}]
        data = {"meeting_type": "standing", "meeting_date": self.today(), "members_total": 5,
                "members_present": len(views), "views": views, "decision_outcome": outcome, **over}
        self.do("deliberation", self.people.secretary, data, {"minutes": pdf("会议纪要")})

    def report_to_party(self) -> None:
        self.do("party_report", self.people.liaison, {"reported_on": self.today(), "form": "written", "reply": "同意"})

    def publish(self, **over: Any) -> None:
        data = {"channels": ["gov_website", "gazette"], "published_on": self.today(),
                "url": "https://www.example.gov.cn/zcwj/1", **over}
        self.do("publication", self.people.gov_office, data, {"decision_document": pdf("决策文件")})

    def archive(self) -> None:
        self.do("archiving", self.people.gov_office,
                {"archive_number": f"2026-JC-{self.procedure_id:03d}", "archived_on": self.today(), "complete": True})

    # --- compound ------------------------------------------------------------------------
    def to_open_comment(self, **facts: Any) -> None:
        """Proposal to the published call for comments: the 30-day window now runs."""
        self.propose()
        self.initiate()
        self.draft(**facts)
        if "consultation" in self.open():
            self.consult()
        self.determine_disclosure()
        self.open_comment()

    def through_comment(self, **facts: Any) -> None:
        """Proposal to the end of public comment: the ordinary path, 30 days of comment."""
        self.to_open_comment(**facts)
        self.clock.advance(days=31)
        self.wake()
        self.summarise()

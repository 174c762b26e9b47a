"""Sample procedures for the demo, at different stages, made through the services.

They are driven by the engine's own doors with a clock set in the past, so their history
is as real as any: one waits out its public comment period, one waits for the legality
review, one is decided, published and archived, and one (made last) stands at expert
argumentation with risk assessment to follow. The sister procedures have one each: a
normative document in force (in the public registry, filed), an enforcement case waiting
for its legal review, and a reconsideration of a fine that asks for an incidental review
of that document (the registry links the case, ND-10). Dates are chosen before the demo's
"today" (the system clock), so no history runs backwards.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from engine.clock import CST, FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.services.tasks import Upload

FACTS = ("professional_technical", "stability_or_safety_risk", "affects_market_entities", "specific_group_affected",
         "directly_affects_interests", "hearing_required_by_law", "wide_public_concern", "major_divergence")
SAMPLES = (
    # title, sponsor user, sponsor org, catalogue item, how far, days before today it started
    ("县城公交线网优化调整方案", "sponsor", "dev_reform", "2026-05", "comment", 16),
    ("县城老旧小区改造三年行动计划", "housing", "housing", "2026-02", "review", 38),
    ("城区生活垃圾分类管理实施办法", "urban", "urban_management", "2026-04", "archived", 120),
)
EXPERT_SAMPLE = ("示范县国土空间总体规划（2021—2035年）实施方案", "sponsor", "dev_reform", "2026-01", "expert", 80)
"""A professional and technical matter that may affect social stability (MD-19, MD-22): it stands at expert
argumentation, and risk assessment follows, so the expert and the risk assessor each have a step to fill.
It is made after the sister samples (their ids stay 4 to 6) and started early enough that its 31-day wait
ends before any of them begins, so it fires no timer of theirs."""


def pdf(name: str) -> Upload:
    body = f"%PDF-1.4\n% DecisionFlow demo document: {name}\n%%EOF\n".encode()
    return Upload(f"{name}.pdf", "application/pdf", body)


class Driver:
    """Completes the open step of one procedure with sample data, by the demo user of its role."""

    def __init__(self, engine: Engine, clock: FixedClock, procedure_id: int) -> None:
        self.engine, self.clock, self.procedure_id = engine, clock, procedure_id

    def do(self, spec: str, username: str, data: dict[str, Any], docs: dict[str, Upload] | None = None) -> None:
        view = self.engine.procedures.get(self.procedure_id)
        self.engine.tasks.complete(view.task(spec), self.engine.people.actor(username), data, docs or {})
        self.clock.advance(hours=20)

    def wait(self, days: int) -> None:
        self.clock.advance(days=days)
        for timer_id in self.engine.timers.due():
            self.engine.timers.fire(timer_id)

    def today(self) -> str:
        return self.clock.now().astimezone(CST).date().isoformat()


def create(settings: Settings, today: date) -> list[int]:
    """Make the samples (once: none is made when procedures exist); return their ids."""
    first = datetime.combine(today - timedelta(days=max(s[5] for s in SAMPLES)), time(9), tzinfo=CST)
    clock = FixedClock(first)
    engine = build_engine(settings, clock)
    try:
        if engine.procedures.search(limit=1)[0]:
            return []
        ids = [_major(engine, clock, today, *sample) for sample in SAMPLES]
        ids += sister_samples(engine, clock, today)
        return [*ids, _major(engine, clock, today, *EXPERT_SAMPLE)]
    finally:
        engine.dispose()


def _major(engine: Engine, clock: FixedClock, today: date, title: str, user: str, org: str, item: str, stage: str,
           started: int) -> int:
    """One major decision, started `started` days before today and driven to `stage`."""
    clock.set(datetime.combine(today - timedelta(days=started), time(9), tzinfo=CST))
    view = engine.procedures.start("major_decision", title, org, engine.people.actor(user))
    facts = ("professional_technical", "stability_or_safety_risk") if stage == "expert" else ()
    drive(Driver(engine, clock, view.id), user, item, stage, facts)
    return view.id


FACT_BASES = {
    "professional_technical": "涉及国土空间布局、用地指标测算等专业技术问题（条例第十九条）",
    "stability_or_safety_risk": "涉及征地拆迁和群众切身利益，可能引发社会稳定风险（条例第二十二条）",
}
"""Why the drafting step finds a fact true (its `…_basis` field), for the facts the demo sets."""

MD_BASIS = [{"instrument": "《重大行政决策程序暂行条例》", "article": "第十二条"}]
"""The legal basis the demo cites: an instrument and its article (MD-12a, MD-26a)."""


def drive(d: Driver, sponsor: str, item: str, stage: str, facts: tuple[str, ...] = ()) -> None:
    """Take a procedure from its proposal to `stage`: "comment", "expert", "review" or "archived".

    The drafting step answers every fact of FACTS no, except those in `facts`; "expert" stops after the
    opinions are summarised, where a procedure with professional_technical goes to expert argumentation.
    """
    d.do("proposal", sponsor, {"proposal_source": "leadership", "summary": "按年度决策事项目录开展前期研究"},
         {"study_report": pdf("研究论证报告")})
    d.do("initiation", "head", {"launched": True, "reason": "列入年度重大行政决策事项目录", "decision_level": "county",
                                "matter_type": "major_decision", "category": "public_policy",
                                "category_justification": "涉及社会公众切身利益的重要政策", "catalogue_item": item,
                                "lead_sponsor": d.engine.procedures.get(d.procedure_id).sponsor_org})
    draft: dict[str, Any] = {"legal_basis": MD_BASIS, "options_count": 1,
                             "cost_benefit_not_needed_reason": "不涉及新增财政支出"}
    draft.update({fact: fact in facts for fact in FACTS})
    draft.update({f"{fact}_basis": FACT_BASES[fact] for fact in facts})
    d.do("drafting", sponsor, draft, {"draft": pdf("决策草案"), "explanation": pdf("起草说明")})
    if "consultation" in {i.spec for i in d.engine.procedures.get(d.procedure_id).open_items}:
        d.do("consultation", sponsor, {"records": [{"unit": "finance", "opinion": "同意", "agreed": True}]})
    d.do("disclosure", "secretary", {"disclosed": True, "npc_report_required": False})
    start = d.clock.now().astimezone(CST).date()
    d.do("open_comment", sponsor, {"channels": ["gov_website"], "url": "https://www.example.gov.cn/zqyj/",
                                   "feedback_method": "网上留言、信函", "start_date": start.isoformat(),
                                   "end_date": (start + timedelta(days=30)).isoformat(), "methods": ["public_comment"]},
         {"draft": pdf("征求意见稿"), "explanation": pdf("征求意见稿说明")})
    if stage == "comment":
        return
    d.wait(31)
    d.do("summarise_opinions", sponsor, {"opinions_received": 1, "register": [
        {"topic": "实施范围", "summary": "建议扩大实施范围", "adoption": "adopted"}]},
        {"adoption_statement": pdf("意见采纳情况说明")})
    if stage == "expert":
        return
    d.do("review_submission", sponsor, {"procedures_account": "已履行公众参与等法定程序",
                                        "legal_basis": MD_BASIS}, {"draft": pdf("送审稿")})
    if stage == "review":
        return
    d.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                      "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    d.wait(12)
    d.do("legality_review", "reviewer", {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                                         "finding_procedure": "已履行法定程序", "finding_content": "内容合法"},
         {"opinion_document": pdf("合法性审查意见书")})
    d.do("deliberation", "secretary", {
        "meeting_type": "standing", "meeting_date": d.today(), "members_total": 5, "members_present": 3,
        "views": [{"member": "副县长甲", "is_head": False, "position": "support"},
                  {"member": "副县长乙", "is_head": False, "position": "support"},
                  {"member": "孙县长", "is_head": True, "position": "support"}],
        "decision_outcome": "adopt"}, {"minutes": pdf("会议纪要")})
    d.do("party_report", "liaison", {"reported_on": d.today(), "form": "written", "reply": "同意"})
    d.do("publication", "secretary", {"channels": ["gov_website"], "published_on": d.today(),
                                      "url": "https://www.example.gov.cn/zcwj/"},
         {"decision_document": pdf("决策文件")})
    d.do("archiving", "secretary", {"archive_number": "2026-JC-001", "archived_on": d.today(), "complete": True})


DOCUMENT_NUMBER = "示范府规〔2026〕1号"
"""The demo's normative document in force, which the demo reconsideration asks to review (ND-10)."""


def sister_samples(engine: Engine, clock: FixedClock, today: date) -> list[int]:
    """One procedure of each sister definition, made through the services like the others."""
    def at(days_before: int) -> None:
        clock.set(datetime.combine(today - timedelta(days=days_before), time(9), tzinfo=CST))

    at(45)
    document = engine.procedures.start("normative_document", "示范县促进个体工商户发展若干措施", "dev_reform",
                                       engine.people.actor("sponsor"))
    _normative_document(Driver(engine, clock, document.id))
    at(20)
    case = engine.procedures.start("enforcement_review", "某食品有限公司违法生产案拟罚款决定法制审核", "market_reg",
                                   engine.people.actor("zhifa"))
    Driver(engine, clock, case.id).do("submission", "zhifa", {
        "case_number": "示市监罚〔2026〕21号", "case_type": "penalty", "party": "某食品有限公司", "fine_amount": 50000,
        "scope_grounds": ["major_rights", "after_hearing"], "investigators": ["zhifa"], "truth_declaration": True},
        {"proposed_decision": pdf("拟作出的行政处罚决定"), "review_report": pdf("送审报告"),
         "evidence_file": pdf("证据材料")})
    at(3)
    appeal = engine.procedures.start("reconsideration", "某个体工商户不服罚款决定申请行政复议", "fuyi_office",
                                     engine.people.actor("fuyi"))
    _reconsideration(Driver(engine, clock, appeal.id), today - timedelta(days=3))
    return [document.id, case.id, appeal.id]


def _normative_document(d: Driver) -> None:
    """Drafted without public comment (no major effect), found lawful, adopted, signed, numbered, published, filed."""
    d.do("drafting", "sponsor", {
        "document_title": "示范县促进个体工商户发展若干措施",
        "legal_basis": [{"instrument": "《促进个体工商户发展条例》", "article": "第五条"}],
        "within_powers": True, "affects_rights_obligations": True, "generally_binding": True,
        "repeatedly_applicable": True, "to_be_published": True, "major_effect": False,
        "market_entities_affected": False, "is_major_decision": False},
        {"draft": pdf("文件草案"), "drafting_statement": pdf("起草说明")})
    d.do("submission", "sponsor", {"comment_summary": "不属于应当公开征求意见的文件"}, {"draft": pdf("文件送审稿")})
    d.wait(14)  # the review takes its 5 working days at least (ND-4)
    d.do("legality_review", "reviewer", {
        "outcome": "lawful", "creates_licence": False, "creates_penalty": False, "creates_compulsion": False,
        "creates_fee": False, "adds_obligations": False, "reduces_rights": False,
        "opinion": "主体、权限、程序、内容合法"}, {"opinion_document": pdf("合法性审核意见书")})
    d.do("collective_review", "head", {"meeting_type": "standing", "meeting_date": d.today(),
                                       "meeting_outcome": "adopt"}, {"minutes": pdf("常务会议纪要")})
    d.do("signing", "head", {"signed_on": d.today()}, {"signed_document": pdf("签发稿")})
    d.do("registration", "secretary", {"registration_number": DOCUMENT_NUMBER, "registered_on": d.today()})
    effective = d.clock.now().astimezone(CST).date() + timedelta(days=1)
    d.do("publication", "secretary", {
        "published_on": d.today(), "channels": ["gazette", "website"], "effective_from": effective.isoformat(),
        "valid_until": (effective + timedelta(days=4 * 365)).isoformat()},  # within the 5 years of ND-8
        {"published_document": pdf("印发文件")})
    for organ in ("government", "npc"):
        d.do(f"filing_{organ}", "secretary", {"filed_with": organ, "filed_on": d.today()},
             {"receipt": pdf("备案回执")})


def _reconsideration(d: Driver, applied: date) -> None:
    """A fine lodged with the reconsideration office, accepted, with an incidental review of the document."""
    d.do("application", "fuyi", {
        "applicant": "某个体工商户", "respondent_organ": "示范县市场监督管理局",
        "respondent_level": "county_department",
        "act_description": "示市监罚〔2026〕19号行政处罚决定", "act_type": "penalty", "sanction": "fine",
        "fine_amount": 8000, "act_date": (applied - timedelta(days=10)).isoformat(),
        "knew_act_on": (applied - timedelta(days=10)).isoformat(), "applied_on": applied.isoformat(),
        "told_of_right": True, "channel": "in_person", "incidental_review": True,
        "incidental_document_kind": "normative_document", "incidental_document_number": DOCUMENT_NUMBER,
        "incidental_document_title": "示范县促进个体工商户发展若干措施", "incidental_document_organ": "示范县人民政府"},
        {"application": pdf("行政复议申请书")})
    d.do("acceptance_review", "fuyi", {"outcome": "accept", "procedure": "ordinary"}, {"notice": pdf("受理通知书")})

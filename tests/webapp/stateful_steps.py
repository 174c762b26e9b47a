"""Valid completions of each statutory step, by the demo user whose role does it, for the stateful tests.

The data are the demo walk-throughs' (engine/demo_procedures.py), dated by the engine clock's today and
numbered by the procedure, so unique identifiers stay unique across procedures. A step missing here is
one no valid walk reaches (its branch needs a fact the walks record as false).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.demo_procedures import FACTS, pdf
from engine.services.tasks import Upload


@dataclass(frozen=True)
class Completion:
    username: str
    data: dict[str, Any]
    docs: dict[str, Upload]


Maker = Callable[[date, int, dict[str, Any]], Completion]
"""(today, procedure id, the rows the engine fills in for the step) → the step's valid completion, by the
demo users of the starter's unit."""

STARTERS = {"major_decision": "sponsor", "normative_document": "sponsor", "enforcement_review": "zhifa",
            "reconsideration": "fuyi", "nd_cleanup": "reviewer"}
"""Which demo user starts a procedure of each definition (a sponsor of their own unit)."""


MD_BASIS = [{"instrument": "《重大行政决策程序暂行条例》", "article": "第十二条"}]
"""A legal basis cites an instrument and an article (MD-12a, MD-26a, ND-2)."""


def _md(spec: str) -> Maker:
    def make(today: date, pid: int, known: dict[str, Any]) -> Completion:
        d = today.isoformat()
        table: dict[str, Completion] = {
            "proposal": Completion("sponsor", {"proposal_source": "leadership", "summary": "按年度目录开展前期研究"},
                                   {"study_report": pdf("研究论证报告")}),
            "initiation": Completion("head", {
                "launched": True, "reason": "列入年度重大行政决策事项目录", "decision_level": "county",
                "matter_type": "major_decision", "category": "public_policy",
                "category_justification": "涉及社会公众切身利益的重要政策", "catalogue_item": "2026-05",
                "lead_sponsor": "dev_reform"}, {}),
            "drafting": Completion("sponsor", {"legal_basis": MD_BASIS, "options_count": 1,
                                               "cost_benefit_not_needed_reason": "不涉及新增财政支出",
                                               **{fact: False for fact in FACTS}},
                                   {"draft": pdf("决策草案"), "explanation": pdf("起草说明")}),
            "consultation": Completion("sponsor", {"records": [{"unit": "finance", "opinion": "同意",
                                                                 "agreed": True}]}, {}),
            "disclosure": Completion("secretary", {"disclosed": True, "npc_report_required": False}, {}),
            "open_comment": Completion("sponsor", {
                "channels": ["gov_website"], "url": "https://www.example.gov.cn/zqyj/", "feedback_method": "网上留言",
                "start_date": d, "end_date": (today + timedelta(days=30)).isoformat(), "methods": ["public_comment"]},
                {"draft": pdf("征求意见稿"), "explanation": pdf("征求意见稿说明")}),
            "summarise_opinions": Completion("sponsor", {"opinions_received": 1, "register": [
                {"topic": "实施范围", "summary": "建议扩大实施范围", "adoption": "adopted"}]},
                {"adoption_statement": pdf("意见采纳情况说明")}),
            "review_submission": Completion("sponsor", {"procedures_account": "已履行公众参与等法定程序",
                                                        "legal_basis": MD_BASIS},
                                            {"draft": pdf("送审稿")}),
            "legal_opinion": Completion("adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser",
                                                    "signed": True, "summary": "未发现违法问题"},
                                        {"opinion": pdf("法律意见书")}),
            "legality_review": Completion("reviewer", {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                                                       "finding_procedure": "已履行法定程序",
                                                       "finding_content": "内容合法"},
                                          {"opinion_document": pdf("合法性审查意见书")}),
            "deliberation": Completion("secretary", {
                "meeting_type": "standing", "meeting_date": d, "members_total": 5, "members_present": 3,
                "views": [{"member": "副县长甲", "is_head": False, "position": "support"},
                          {"member": "副县长乙", "is_head": False, "position": "support"},
                          {"member": "孙县长", "is_head": True, "position": "support"}],  # the registry's (MD-30a)
                "decision_outcome": "adopt"}, {"minutes": pdf("会议纪要")}),
            "party_report": Completion("liaison", {"reported_on": d, "form": "written", "reply": "同意"}, {}),
            "publication": Completion("secretary", {"channels": ["gov_website"], "published_on": d,
                                                    "url": "https://www.example.gov.cn/zcwj/"},
                                      {"decision_document": pdf("决策文件")}),
            "archiving": Completion("secretary", {"archive_number": f"2026-JC-{pid:03d}", "archived_on": d,
                                                  "complete": True}, {}),
        }
        return table[spec]
    return make


def _nd(spec: str) -> Maker:
    def make(today: date, pid: int, known: dict[str, Any]) -> Completion:
        d = today.isoformat()
        effective = today + timedelta(days=1)
        filing = {f"filing_{organ}": Completion("secretary", {"filed_with": organ, "filed_on": d},
                                                {"receipt": pdf("备案回执")}) for organ in ("government", "npc")}
        table: dict[str, Completion] = {
            "drafting": Completion("sponsor", {
                "document_title": f"示范县促进个体工商户发展若干措施（{pid}）",
                "legal_basis": [{"instrument": "《促进个体工商户发展条例》", "article": "第五条"}],
                "within_powers": True, "affects_rights_obligations": True, "generally_binding": True,
                "repeatedly_applicable": True, "to_be_published": True, "major_effect": False,
                "market_entities_affected": False, "is_major_decision": False},
                {"draft": pdf("文件草案"), "drafting_statement": pdf("起草说明")}),
            "submission": Completion("sponsor", {"comment_summary": "不属于应当公开征求意见的文件"},
                                     {"draft": pdf("文件送审稿")}),
            "legality_review": Completion("reviewer", {
                "outcome": "lawful", "creates_licence": False, "creates_penalty": False, "creates_compulsion": False,
                "creates_fee": False, "adds_obligations": False, "reduces_rights": False,
                "opinion": "主体、权限、程序、内容合法"}, {"opinion_document": pdf("合法性审核意见书")}),
            "collective_review": Completion("head", {"meeting_type": "standing", "meeting_date": d,
                                                     "meeting_outcome": "adopt"}, {"minutes": pdf("常务会议纪要")}),
            "signing": Completion("head", {"signed_on": d}, {"signed_document": pdf("签发稿")}),
            "registration": Completion("secretary", {"registration_number": f"示范府规〔2026〕{pid}号",
                                                     "registered_on": d}, {}),
            "publication": Completion("secretary", {
                "published_on": d, "channels": ["gazette", "website"], "effective_from": effective.isoformat(),
                "valid_until": (effective + timedelta(days=4 * 365)).isoformat()},
                {"published_document": pdf("印发文件")}),
            **filing,
        }
        return table[spec]
    return make


def _er(spec: str) -> Maker:
    def make(today: date, pid: int, known: dict[str, Any]) -> Completion:
        findings = {"finding_authority": "主体合法", "finding_qualification": "执法人员均持有执法证",
                    "finding_procedure": "已履行告知、听证程序", "finding_facts": "违法事实清楚",
                    "finding_evidence": "证据合法充分", "finding_law": "适用法律准确",
                    "finding_discretion": "符合裁量基准", "finding_documents": "文书完备", "crime_transfer": "none"}
        table: dict[str, Completion] = {
            "submission": Completion("zhifa", {
                "case_number": f"示市监罚〔2026〕{pid}号", "case_type": "penalty", "party": "某食品有限公司",
                "fine_amount": 50000, "scope_grounds": ["major_rights", "after_hearing"], "investigators": ["zhifa"],
                "truth_declaration": True},
                {"proposed_decision": pdf("拟作出的行政处罚决定"), "review_report": pdf("送审报告"),
                 "evidence_file": pdf("证据材料")}),
            "legal_review": Completion("fazhi", {"opinion": "agree", **findings},
                                       {"opinion_document": pdf("法制审核意见书")}),
            "decision": Completion("juzhang", {"head_decision": "decide",
                                               "decision_number": f"示市监罚决〔2026〕{pid}号",
                                               "decided_on": today.isoformat()},
                                   {"decision_document": pdf("行政处罚决定书")}),
        }
        return table[spec]
    return make


def _rc(spec: str) -> Maker:
    def make(today: date, pid: int, known: dict[str, Any]) -> Completion:
        applicant, respondent = f"某食品有限公司（案{pid}）", "示范县市场监督管理局"
        knew = (today - timedelta(days=10)).isoformat()
        table: dict[str, Completion] = {
            "application": Completion("fuyi", {
                "applicant": applicant, "respondent_organ": respondent, "respondent_level": "county_department",
                "act_description": f"示市监罚〔2026〕{pid}号行政处罚决定", "act_type": "penalty", "sanction": "fine",
                "fine_amount": 5000, "act_date": knew, "knew_act_on": knew, "applied_on": today.isoformat(),
                "told_of_right": True, "channel": "in_person"}, {"application": pdf("行政复议申请书")}),
            "acceptance_review": Completion("fuyi", {"outcome": "accept", "procedure": "ordinary"},
                                            {"notice": pdf("受理通知书")}),
            "respondent_copy": Completion("fuyi", {"respondent_received_on": today.isoformat()},
                                          {"delivery_receipt": pdf("送达回证")}),
            "respondent_reply": Completion("beishen", {"statement": "事实清楚，证据确凿"},
                                           {"reply": pdf("书面答复"), "evidence": pdf("证据材料")}),
            "case_review": Completion("fuyi", {"hearing_method": "in_person"}, {"views_record": pdf("听取意见笔录")}),
            "decision": Completion("fuyi_head", {
                "outcome": "decide", "decision_type": "revoke", "grounds": "认定事实不清，证据不足",
                "deliveries": [{"party": applicant, "served_on": today.isoformat()},
                               {"party": respondent, "served_on": today.isoformat()}]},
                {"decision_document": pdf("行政复议决定书")}),
        }
        return table[spec]
    return make


def _ndc(spec: str) -> Maker:
    def make(today: date, pid: int, known: dict[str, Any]) -> Completion:
        d = today.isoformat()
        decisions = [{"number": row["number"], "decision": "continue", "basis_confirmed": True}
                     for row in known.get("decisions", [])]  # the scope the engine took (ND-9), each once
        table: dict[str, Completion] = {
            "scope": Completion("reviewer", {"cleanup_type": "special", "special_reason": "上位法修改后专项清理"},
                                {"plan": pdf("清理工作方案")}),
            "review": Completion("reviewer", {"decisions": decisions}, {"review_report": pdf("清理审查报告")}),
            "approval": Completion("head", {"meeting_type": "standing", "meeting_date": d, "meeting_outcome": "adopt"},
                                   {"minutes": pdf("常务会议纪要")}),
            "publication": Completion("secretary", {"published_on": d, "channels": ["gazette", "website"]},
                                      {"lists_document": pdf("清理结果目录")}),
        }
        return table[spec]
    return make


CATALOGUE_ITEMS = {"dev_reform": "2026-05", "housing": "2026-02", "urban_management": "2026-04"}
"""The 2026 catalogue's item of each demo sponsoring unit (processes/catalogue/2026.json)."""

SPECS = {
    "major_decision": ("proposal", "initiation", "drafting", "consultation", "disclosure", "open_comment",
                       "summarise_opinions", "review_submission", "legal_opinion", "legality_review", "deliberation",
                       "party_report", "publication", "archiving"),
    "normative_document": ("drafting", "submission", "legality_review", "collective_review", "signing",
                           "registration", "publication", "filing_government", "filing_npc"),
    "enforcement_review": ("submission", "legal_review", "decision"),
    "reconsideration": ("application", "acceptance_review", "respondent_copy", "respondent_reply", "case_review",
                        "decision"),
    "nd_cleanup": ("scope", "review", "approval", "publication"),
}
MAKERS = {"major_decision": _md, "normative_document": _nd, "enforcement_review": _er, "reconsideration": _rc,
          "nd_cleanup": _ndc}


def valid(definition: str, spec: str, today: date, pid: int, starter: str, sponsor_org: str,
          known: dict[str, Any] | None = None) -> Completion | None:
    """The valid completion of `spec`, or None for a step no walk here reaches.

    The sponsoring unit's steps are done by whoever started the procedure (a sponsor of their own unit)."""
    if spec not in SPECS.get(definition, ()):
        return None
    done = MAKERS[definition](spec)(today, pid, known or {})
    data = done.data
    if "lead_sponsor" in data:  # the catalogue item is the sponsoring unit's (MD-3c)
        data = {**data, "lead_sponsor": sponsor_org, "catalogue_item": CATALOGUE_ITEMS.get(sponsor_org, "2026-05")}
    return Completion(starter if done.username == STARTERS[definition] else done.username, data, done.docs)

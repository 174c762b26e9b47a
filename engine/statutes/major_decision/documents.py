"""The official documents a major decision's steps produce, pre-filled from the record (engine/official.py).

合法性审查意见书 (MD-25a, MD-27, MD-28a), the meeting's 会议纪要 (MD-30a … MD-30d) and the decision's
公告 (MD-32): each states what the record holds and leaves a blank where the step has not said it yet.
"""

from __future__ import annotations

from engine.domain.steps import StepKind as K
from engine.official import Facts, Kind, OfficialDocument

_MD = "《重大行政决策程序暂行条例》"


def _review_opinion(f: Facts) -> OfficialDocument:
    outcome = f.value("review_outcome")
    paragraphs = [
        f"你单位报送的《{f.title}》（送审稿）及相关材料收悉。根据{_MD}第二十五条至第二十八条的规定，"
        "我单位对其进行了合法性审查，现提出审查意见如下：",
        f"一、关于是否符合法定权限。{f.value('finding_authority')}",
        f"二、关于决策草案的形成是否履行相关法定程序。{f.value('finding_procedure')}",
        f"三、关于决策草案内容是否符合有关法律、法规、规章和国家政策的规定。{f.value('finding_content')}",
        f"四、审查结论：{outcome}。",
    ]
    if f.values.get("required_changes"):
        paragraphs.append(f"修改意见：{f.values['required_changes']}")
    if f.values.get("legal_risk_statement"):
        paragraphs.append(f"法律风险提示：{f.values['legal_risk_statement']}")
    paragraphs.append("决策草案经修改的，请重新送请合法性审查。")
    return OfficialDocument(f.issuer, "", f"关于《{f.title}》的合法性审查意见书", f.sponsor, tuple(paragraphs), f.today)


def _minutes(f: Facts) -> OfficialDocument:
    meeting = f.value("meeting_type", "会议")
    paragraphs = [
        f"{f.value('meeting_date')}，召开{meeting}，审议{f.sponsor}提请的《{f.title}》。会议组成人员"
        f"{f.value('members_total')}人，出席{f.value('members_present')}人。",
        "会议组成人员按发言顺序发表意见如下：",
    ]
    for view in f.values.get("views") or []:
        if isinstance(view, dict):
            role = "（行政首长）" if view.get("is_head") else ""
            paragraphs.append(f"{view.get('member', '')}{role}：{f.labels('position', str(view.get('position', '')))}"
                              f"{'。' + str(view['remarks']) if view.get('remarks') else '。'}")
    paragraphs.append(f"会议决定：{f.value('decision_outcome')}。")
    for reason in ("head_reason", "defer_reason"):
        if f.values.get(reason):
            paragraphs.append(f"理由：{f.values[reason]}")
    return OfficialDocument(f.issuer, "", f"{meeting}纪要", "各会议组成人员", tuple(paragraphs), f.today)


def _announcement(f: Facts) -> OfficialDocument:
    paragraphs = (
        f"《{f.title}》已经集体讨论决定，现予公布。",
        "公众意见、专家论证意见的采纳情况及政策解读一并公布。",
    )
    return OfficialDocument(f.issuer, "", f"关于公布《{f.title}》的公告", "社会各界", paragraphs, f.today)


DOCUMENTS = {
    K.legality_review: (Kind("legality_opinion", "合法性审查意见书", _review_opinion),),
    K.deliberation: (Kind("minutes", "会议纪要", _minutes),),
    K.publication: (Kind("announcement", "决策公告", _announcement),),
}
"""Step kind → the official documents its step produces."""

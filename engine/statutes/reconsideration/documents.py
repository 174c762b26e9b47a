"""The official documents of administrative reconsideration, pre-filled from the record (engine/official.py).

受理通知书 and 补正通知书 (RC-4, RC-5: 《行政复议法》第三十条、第三十一条) at the acceptance review, and the
行政复议决定书 (RC-12, RC-13, RC-15) at the decision.
"""

from __future__ import annotations

from engine.domain.steps import StepKind as K
from engine.official import Facts, Kind, OfficialDocument

_LAW = "《中华人民共和国行政复议法》"


def _case(f: Facts) -> str:
    return (f"你（单位）不服{f.value('respondent_organ')}{f.value('act_description')}，"
            f"于{f.value('applied_on')}提出的行政复议申请收悉。")


def _acceptance(f: Facts) -> OfficialDocument:
    paragraphs = (
        _case(f) + f"经审查，该申请符合{_LAW}第三十条规定的受理条件，本机关决定予以受理，"
        f"适用{f.value('procedure', '普通程序')}审理。",
        "特此通知。",
    )
    return OfficialDocument(f.issuer, "", "行政复议受理通知书", f.value("applicant"), paragraphs, f.today)


def _correction(f: Facts) -> OfficialDocument:
    paragraphs = (
        _case(f) + f"经审查，申请材料不齐全或者表述不清楚。根据{_LAW}第三十一条的规定，请你（单位）自收到本通知之日起"
        "十个工作日内补正下列事项：",
        f.value("gaps"),
        "无正当理由逾期不补正的，视为放弃行政复议申请。",
    )
    return OfficialDocument(f.issuer, "", "行政复议申请补正通知书", f.value("applicant"), paragraphs, f.today)


def _decision(f: Facts) -> OfficialDocument:
    paragraphs = (
        f"申请人：{f.value('applicant')}",
        f"被申请人：{f.value('respondent_organ')}",
        f"申请人不服被申请人{f.value('act_description')}，于{f.value('applied_on')}向本机关申请行政复议，"
        "本机关依法予以受理。本案现已审理终结。",
        f"本机关认为：{f.value('grounds')}",
        f"根据{_LAW}的规定，本机关决定：{f.value('decision_type')}。",
        "申请人如不服本决定，可以自收到本决定书之日起十五日内，依法向人民法院提起行政诉讼。",
    )
    return OfficialDocument(f.issuer, "", "行政复议决定书", f.value("applicant"), paragraphs, f.today)


DOCUMENTS = {
    K.acceptance_review: (Kind("acceptance_notice", "受理通知书", _acceptance),
                          Kind("correction_notice", "补正通知书", _correction)),
    K.reconsideration_decision: (Kind("decision", "行政复议决定书", _decision),),
}
"""Step kind → the official documents its step produces."""

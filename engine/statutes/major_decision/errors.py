"""Refusals of 重大行政决策 — the national Regulation (国务院令第713号) and Sichuan's rules (SC-…).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Forbidden, Refused
from engine.statutes.decisionflow.errors import DutiesApart


class SponsorMayNotReview(Forbidden):
    rule = "MD-25a"
    en = "The sponsoring unit {org} may not do step {step} ({step_kind}): it must be done independently."
    zh = "决策承办单位 {org} 不得办理步骤“{step}”（{step_kind}）：该步骤须独立进行。"


class AuthorMayNotReview(DutiesApart):
    rule = "MD-25a"
    en = ("{username} already did step {other_step} ({other_kind}) of this procedure; the same person may not "
          "also do step {step} ({step_kind}): the legality review is independent of the draft's authors.")
    zh = ("用户 {username} 已办理本程序的步骤“{other_step}”（{other_kind}），同一人员不得再办理步骤“{step}”（{step_ki"
          "nd}）：合法性审查独立于决策草案的起草和报送人员。")


class ExcludedMatter(Refused):
    rule = "MD-3b"
    en = ("Matter type {matter_type} is excluded from the major-decision procedure (Art. 3(2)); it "
          "follows its own procedure.")
    zh = "事项性质为 {matter_type}，不适用重大行政决策程序（条例第三条第二款），应当适用其专门程序。"


class CatalogueRequired(Refused):
    rule = "MD-3c"
    en = ("A launched matter names its decision-catalogue item, or the decision organ's determination for "
          "a matter outside the catalogue.")
    zh = "启动的决策事项应当列明决策事项目录编号；目录外事项须有决策机关的认定意见。"


class CatalogueItemNotSelectable(Refused):
    rule = "MD-3c"
    en = ("Catalogue item {item} is {status}: only items of the year's published catalogue, approved by the "
          "party committee, can be chosen; otherwise record the decision organ's determination.")
    zh = ("决策事项目录编号 {item} 的状态为 {status}：只能选择经同级党委同意并向社会公布的年度目录事项；目录外事项应"
          "当记录决策机关的认定意见。")


class OptionsRequired(Refused):
    rule = "MD-12c"
    en = "Views differ sharply: offer two or more options, or state why one suffices."
    zh = "各方面意见分歧较大：应当提出两个以上方案，或者说明只提出一个方案的理由。"


class ConsultationIncomplete(Refused):
    rule = "MD-13"
    en = "No consultation record for the affected unit(s) {units}."
    zh = "尚未记录对有关单位 {units} 的协商情况。"


class DisputeUnstated(Refused):
    rule = "MD-13"
    en = "Consultation with {unit} did not agree: state the disputed points, each side's view and yours."
    zh = "与 {unit} 协商未达成一致：应当说明争议的主要问题、有关单位的意见以及承办单位的意见、理由和依据。"


class CommentPeriodTooShort(Refused):
    rule = "MD-15b"
    en = ("The comment period is {days} days; it is at least {minimum} days unless a reason for "
          "shortening is stated in the call.")
    zh = "征求意见期限为 {days} 日；一般不少于 {minimum} 日，缩短的须在公告中说明理由。"


class HearingRequired(Refused):
    rule = "MD-16a"
    en = "A hearing is required by law here ({basis}); include a hearing among the participation methods."
    zh = "依法应当举行听证（{basis}），公众参与方式须包括听证会。"


class HearingChoiceUnstated(Refused):
    rule = "MD-16a"
    en = "The matter directly affects interests or views diverge sharply: record whether a hearing is held and why."
    zh = "决策事项直接涉及公众切身利益或者意见分歧较大：应当记录是否召开听证会及其理由。"


class SpecificGroupUnheard(Refused):
    rule = "MD-14b"
    en = "The matter affects a specific group: record the consultation of its organisations and representatives."
    zh = "决策事项涉及特定群体利益：应当记录与相关人民团体、社会组织以及群众代表沟通协商的情况。"


class CommentWindowOpen(Refused):
    rule = "MD-15b"
    en = "The public comment period runs until {closes}; it cannot be closed before its end."
    zh = "公开征求意见期限至 {closes} 届满，届满前不得结束征求意见。"


class ConsultationClosed(Refused):
    rule = "MD-15b"
    en = "The comment period of procedure {procedure_id} closed at {closes}; opinions are no longer taken."
    zh = "程序 {procedure_id} 的公开征求意见期已于 {closes} 截止，不再接收意见。"


class OpinionForbidden(Forbidden):
    rule = "MD-18"
    en = ("{username} may not handle the opinions of procedure {procedure_id}: the sponsoring unit (sponsor or "
          "participation organiser) does.")
    zh = "用户 {username} 无权处理程序 {procedure_id} 的公众意见：应由决策承办单位（承办人员或公众参与组织单位）处理。"


class AdoptionReasonMissing(Refused):
    rule = "MD-18"
    en = "Opinion '{topic}' is not (fully) adopted: record the reason."
    zh = "意见“{topic}”未采纳或部分采纳：应当说明理由。"


class HearingNoticeLate(Refused):
    rule = "MD-16b"
    en = "The hearing notice must be published before the hearing."
    zh = "听证会的时间、地点等应当在听证会前向社会公布。"


class ParticipantSelectionOrder(Refused):
    rule = "MD-16c"
    en = "Publish the selection method first, then the participant list, both before the hearing."
    zh = "应当先公布听证参加人遴选办法，再公布参加人名单，且均在听证会前公布。"


class SidesUnrepresented(Refused):
    rule = "MD-16c"
    en = "The participants do not represent every side; state why."
    zh = "听证参加人未能代表各方利益的，应当说明理由。"


class HearingMaterialsLate(Refused):
    rule = "MD-16d"
    en = ("Materials were last delivered on {delivered}; the hearing on {held} is less than {days} days "
          "later: reschedule it.")
    zh = "听证材料最后送达日期为 {delivered}，听证会 {held} 距送达不足 {days} 日，应当另行安排听证日期。"


class HearingRecordUnsigned(Refused):
    rule = "MD-17"
    en = "Participant {participant} has not signed the record and no refusal is noted."
    zh = "听证参加人 {participant} 未在笔录上签字，且未记录拒签情况。"


class ParticipantRepeated(Refused):
    rule = "MD-16c"
    en = "{field}: {entry} is already listed (row {first}); each participant appears once."
    zh = "{field}：{entry} 已列出（第 {first} 行），每名参加人只列一次。"


class ParticipantNotListed(Refused):
    rule = "MD-16c"
    en = ("{field}: {participant} is not on the participant list published with the hearing notice ({listed}); "
          "nobody is added to it at the hearing.")
    zh = "{field}：{participant} 不在听证公告公布的参加人名单（{listed}）中，听证会上不得增加参加人。"


class HearingDeliveriesIncomplete(Refused):
    rule = "MD-16d"
    en = "{field} leaves out {missing}: the materials reach every participant on the published list."
    zh = "{field} 遗漏了 {missing}：听证材料应当送达公布名单上的每一名参加人。"


class HearingSignaturesIncomplete(Refused):
    rule = "MD-17"
    en = "{field} leaves out {missing}: every participant signs the record or a refusal is noted."
    zh = "{field} 遗漏了 {missing}：每一名参加人应当确认笔录并签字，拒绝签字的应当记录在案。"


class ExpertInterested(Refused):
    rule = "MD-20"
    en = "Expert {expert} has a direct interest in the matter and may not argue it."
    zh = "专家 {expert} 与决策事项有直接利害关系，不得参加论证。"


class ExpertNotIndependent(Refused):
    rule = "MD-20"
    en = ("Expert {expert} belongs to {organisation}, the sponsoring unit by the organisation registry: an expert "
          "or institution with a direct interest may not argue the matter (Art. 20), whatever the declaration says.")
    zh = ("专家 {expert} 经组织机构登记属于决策承办单位 {organisation}，与决策事项有直接利害关系，不得参加论证（条例"
          "第二十条）；无利害关系声明不能改变登记事实。")


class RiskAssessorNotIndependent(Refused):
    rule = "MD-23"
    en = ("The third-party risk assessor {assessor} belongs to {organisation}, the sponsoring unit by the "
          "organisation registry: a third party is not the sponsor (Art. 23).")
    zh = "第三方风险评估机构 {assessor} 经组织机构登记属于决策承办单位 {organisation}，不是第三方（条例第二十三条）。"


class LegalBasisInvalid(Refused):
    rule = "MD-12a"
    en = "Legal basis ({field}): {problem}; each legal basis names an instrument and its article (Art. 12)."
    zh = "法律依据（{field}）：{problem_zh}；每项依据应载明文件名称和具体条款（条例第十二条）。"


class ReviewLegalBasisInvalid(LegalBasisInvalid):
    rule = "MD-26a"
    en = ("Legal basis ({field}): {problem}; the review request cites each instrument and its article "
          "(Art. 26).")
    zh = ("法律依据（{field}）：{problem_zh}；送请合法性审查应当提供有关法律、法规、规章等依据及其条款（条例第二十六"
          "条）。")


class ExpertOpinionUnsigned(Refused):
    rule = "MD-19b"
    en = "The experts' written opinion must be signed (experts) or sealed (institutions)."
    zh = "专家论证书面意见应当署名（专家）或者盖章（专业机构）。"


class LegalOpinionUnsigned(Refused):
    rule = "MD-28a"
    en = "The legal adviser's or public lawyer's opinion must be signed."
    zh = "法律顾问、公职律师的法律意见应当签名。"


class NotAMeeting(Refused):
    rule = "MD-30a"
    en = "A decision is discussed at a standing or plenary meeting; {meeting_type} is not such a meeting."
    zh = "决策草案应当经政府常务会议或者全体会议讨论；{meeting_type} 不是法定会议形式。"


class RiskNotControllable(Refused):
    rule = "MD-24"
    en = "The latest risk assessment found the risk not controllable: adjust the draft and reassess before deciding."
    zh = "最近一次风险评估结论为风险不可控：应当调整决策草案、确保风险可控后方可作出决策。"


class NotReviewedLawful(Refused):
    rule = "MD-25b"
    en = "The draft's legality review outcome is {outcome}: only a draft found lawful goes to deliberation."
    zh = "决策草案合法性审查结论为 {outcome}：未经合法性审查或者经审查不合法的，不得提交讨论。"


class MeetingBeforeReviewDue(Refused):
    """MD-26b: the review is left its working days; once the opinion is issued, not before the opinion."""

    rule = "MD-26b"
    en = "Field {field}: the meeting date {date} is before {earliest}, the earliest lawful date: {reason}."
    zh = "字段 {field}：会议日期 {date} 早于最早的合法日期 {earliest}：{reason_zh}。"


class DraftChangedAfterReview(Refused):
    rule = "MD-25b"
    en = "The draft changed after its legality review: only the exact draft found lawful goes to deliberation."
    zh = "决策草案在合法性审查后发生了变化：只有经审查合法的同一草案方可提交讨论。"


class ConsistencyAssessmentMissing(Refused):
    rule = "SC-5"
    en = ("This county requires the macro-policy and grassroots-burden consistency assessments before the "
          "legality review.")
    zh = "本县规定报送合法性审查前须完成宏观政策取向一致性评估和为基层减负一致性评估。"


class PartyGroupReviewMissing(Refused):
    rule = "SC-6"
    en = "This county requires the government party group's prior review before deliberation."
    zh = "本县规定提交集体讨论前须经政府党组前置研究。"


class NoQuorum(Refused):
    rule = "MD-30a"
    en = "{present} of {total} members present: the meeting needs more than half."
    zh = "出席人数 {present} 人，组成人员 {total} 人：会议须过半数出席。"


class PresentCountMismatch(Refused):
    rule = "MD-30a"
    en = ("{present} members present, but the record has {listed} views: every member present is recorded, "
          "silent ones included.")
    zh = "出席人数为 {present}，但发言记录有 {listed} 条：每名出席的会议组成人员均应记录，未发表意见的也应记录。"


class MemberViewRepeated(Refused):
    rule = "MD-30d"
    en = "{field}: {entry} already has a view (row {first}); each member's view is recorded once."
    zh = "{field}：{entry} 已有发言记录（第 {first} 行），每名会议组成人员的意见只记录一次。"


class MembersTotalNotOnRecord(Refused):
    rule = "MD-30a"
    en = ("{field}: {total} members stated, but the registry lists {on_record} members of the government's "
          "meeting ({members}); the total is the registry's.")
    zh = ("{field}：填写的会议组成人员为 {total} 人，但组织名册登记的政府会议组成人员为 {on_record} 人（{members}），"
          "人数以名册为准。")


class MeetingNotRegistered(Refused):
    rule = "MD-30a"
    en = ("{field}: the registry lists no members of the government's meeting (role meeting_member, its head "
          "holding the role head), so who met cannot be checked; the administrator registers them first.")
    zh = ("{field}：组织名册尚未登记政府会议组成人员（角色“会议组成人员”，行政首长另有“行政首长”角色），无法核对出席"
          "人员；请系统管理员先行登记。")


class MemberNotOnRecord(Refused):
    rule = "MD-30a"
    en = ("{field}: {entry} is not a member of the government's meeting by the registry ({members}); only "
          "members' views decide.")
    zh = "{field}：{entry} 不是组织名册登记的政府会议组成人员（{members}），只有会议组成人员的意见计入决定。"


class HeadNotOnRecord(Refused):
    rule = "MD-30b"
    en = "{field}: {entry} is recorded as the head, but the registry's head of government is {heads}."
    zh = "{field}：{entry} 被记录为行政首长，但组织名册登记的行政首长是 {heads}。"


class HeadViewMissing(Refused):
    rule = "MD-30b"
    en = "The record must contain exactly one view of the head of government, found {count}."
    zh = "会议记录应当有且仅有一条行政首长意见，实有 {count} 条。"


class HeadNotLast(Refused):
    rule = "MD-30b"
    en = "The head of government ({head}) speaks last, after every member."
    zh = "行政首长（{head}）应当在其他组成人员之后最后发表意见。"


class HeadAgainstMajority(Refused):
    rule = "MD-30c"
    en = ("The decision has no majority behind it ({support} support, {oppose} oppose of {members} "
          "members): the head states the reason.")
    zh = "会议决定与多数人意见不一致（{members} 名组成人员中同意 {support}、反对 {oppose}）：行政首长应当说明理由。"


class OpinionsUnmarked(Refused):
    rule = "MD-18"
    en = ("{field}: {count} opinions taken by the public portal are not yet sorted and answered ({receipts}); "
          "mark each with its topic and whether it is adopted before summarising the call.")
    zh = ("{field}：公众参与平台收到的 {count} 条意见尚未归类并作出采纳处理（回执号 {receipts}），"
          "请逐条标注意见类别和采纳情况后再汇总。")


class OpinionsCountBelowRecord(Refused):
    rule = "MD-18"
    en = ("{field}: {typed} opinions stated, but the public portal alone took {on_record}; the count covers "
          "them, and opinions from other channels add to it.")
    zh = ("{field}：填写的收到意见 {typed} 条，少于公众参与平台已收到的 {on_record} 条；"
          "其他渠道收到的意见应在此基础上累加。")


class RegisterTopicMissing(Refused):
    rule = "MD-18"
    en = "{field}: the opinions taken by the portal were sorted under {topics}, which the register leaves out."
    zh = "{field}：公众参与平台收到的意见已归入“{topics}”类别，意见登记表中缺少该类别。"


class ExpertNotInPool(Refused):
    rule = "MD-21"
    en = ("{field}: {expert} is said to come from this level's expert pool, but no registered expert of the pool "
          "is named; give the expert's account (an expert of an expert-pool organisation), or say where the "
          "expert comes from (the higher level's pool, or outside any pool).")
    zh = ("{field}：{expert} 填写为本级专家库专家，但未填写专家库登记的专家账号；请填写该专家在本系统的账号"
          "（专家库单位的专家），或者如实选择“上级专家库”或“库外”。")

"""Refusals of 行政复议 — administrative reconsideration under the 2023 Law (RC-…).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Refused
from engine.statutes.decisionflow.errors import DutiesApart


class ScopeExcluded(Refused):
    rule = "RC-1"
    en = ("An application against {act_type} is outside the scope of reconsideration (Art. 12): it is not "
          "accepted, with that reason.")
    zh = "对 {act_type} 不服的，不属于行政复议范围（行政复议法第十二条），不予受理并说明理由。"


class ApplicationLate(Refused):
    rule = "RC-2"
    en = ("The application came on {applied}, after the period that ended on {last} ({days} days from knowing of the "
          "act, Art. 20–21): it is not accepted as late.")
    zh = ("申请于 {applied} 提出，已超过于 {last} 届满的申请期限（知道行政行为之日起{days}日，行政复议法第二十、二十一"
          "条），不予受理。")


class OutsideJurisdiction(Refused):
    rule = "RC-3"
    en = "This organ does not hear cases against {level}: not accepted, naming the competent organ {organ}."
    zh = "本机关不管辖对 {level} 的行政复议申请，不予受理，并告知有管辖权的复议机关：{organ}。"


class RespondentMayNotHear(DutiesApart):
    rule = "RC-3"
    en = ("{username} already did step {other_step} ({other_kind}) of this case for the respondent; the same "
          "person may not also do step {step} ({step_kind}): the organ that made the act does not hear its own "
          "reconsideration.")
    zh = ("用户 {username} 已代表被申请人办理本案的步骤“{other_step}”（{other_kind}），同一人员不得再办理步骤“{step}”"
          "（{step_kind}）：作出行政行为的机关不审理对其行为的复议。")


class AcceptancePeriodOver(Refused):
    rule = "RC-4"
    en = ("The acceptance review ended on {due} without a decision: the application is deemed accepted "
          "(Art. 30); it can no longer be refused or returned for correction.")
    zh = "受理审查期限已于 {due} 届满未作决定，视为受理（行政复议法第三十条），不得再决定不予受理或者通知补正。"


class CorrectionGapsUnlisted(Refused):
    rule = "RC-5"
    en = "A correction notice lists every gap of the application at once (gaps)."
    zh = "补正通知应当一次性载明需要补正的全部事项。"


class SecondCorrectionNotice(Refused):
    rule = "RC-5"
    en = "The applicant was already notified to correct the application; the law allows one notice listing all gaps."
    zh = "已通知申请人补正；补正通知应当一次性载明全部事项，不得再次通知补正。"


class CorrectionLate(Refused):
    rule = "RC-5"
    en = ("The correction period ended on {due}: a later supplement needs a good reason (late_reason), "
          "else the application is deemed abandoned.")
    zh = "补正期限已于 {due} 届满；逾期补正的应当有正当理由，否则视为申请人放弃行政复议申请。"


class SuspensionUnnotified(Refused):
    rule = "RC-7"
    en = "A suspension or a resumption of the case is notified to the parties in writing (notice)."
    zh = "行政复议中止、恢复审理，应当书面告知当事人（通知书）。"


class IncidentalRuleExcluded(Refused):
    rule = "RC-1"
    en = ("Incidental review may be asked of normative documents other than rules; a rule (规章) is not reviewed "
          "with a reconsideration (Art. 13).")
    zh = "可以一并请求审查的是规章以外的行政规范性文件，规章不属于附带审查的范围（行政复议法第十三条）。"


class MediationUnsigned(Refused):
    rule = "RC-15"
    en = "A mediation agreement takes effect only once every party signed it and the organ sealed it (Art. 73)."
    zh = "行政复议调解书经各方当事人签字并加盖行政复议机关印章，即具有法律效力（行政复议法第七十三条）。"


class SettlementUnlawful(Refused):
    rule = "RC-15"
    en = ("A settlement may not harm the state's, the public's or others' lawful interests nor break mandatory law "
          "(Art. 74): confirm it before the case is ended by withdrawal.")
    zh = ("和解内容不得损害国家利益、社会公共利益和他人合法权益，不得违反法律、法规的强制性规定（行政复议法第七十四条"
          "），请先确认后再撤回终止。")


class TerminationNotDue(Refused):
    rule = "RC-7"
    en = ("A suspended case ends only after {minimum} days of a suspension for the applicant's death, incapacity "
          "or end (Art. 41(5)); this one is for '{ground}', {days} days so far.")
    zh = ("因申请人死亡、丧失参加行政复议的行为能力或者终止而中止满{minimum}日，中止原因仍未消除的，方可终止行政复议"
          "（行政复议法第四十一条第五项）；本案中止情形为“{ground}”，已中止{days}日。")


class InvestigatorsTooFew(Refused):
    rule = "RC-8"
    en = "An investigation is done by at least {minimum} officers showing their ID; {count} recorded."
    zh = "调查取证时行政复议人员不得少于{minimum}人，并应当出示行政复议工作证件；本次记录 {count} 人。"


class HearingNoticeTooShort(Refused):
    rule = "RC-10"
    en = ("The hearing on {hearing} was notified on {notice}: the written notice is served at least "
          "{days} working days before.")
    zh = "听证于 {hearing} 举行，通知于 {notice} 送达：应当在举行听证的 {days} 个工作日前书面通知当事人。"


class OfficerNotRegistered(Refused):
    rule = "RC-8"
    en = ("{field}: {entry} is not one of this organ's reconsideration staff in the organisation registry "
          "(registered: {holders}); investigators and hearing officers are the organ's, never names typed in.")
    zh = "{entry} 不是组织机构登记中本机关的行政复议人员（已登记：{holders}）；调查、听证人员应为本机关行政复议人员。"


class PanelMemberRepeated(Refused):
    rule = "RC-10"
    en = "{field}: {entry} already sits in this record ({first}); each person takes one seat and counts once."
    zh = "{entry} 已在本记录中列为{first_zh}；每名人员只能担任一个角色，只计一次。"


class HearingPanelIncomplete(Refused):
    rule = "RC-10"
    en = "A hearing has 1 presiding officer, at least 2 hearing officers and 1 recorder."
    zh = "听证由一名行政复议人员任主持人，两名以上行政复议人员任听证员，一名记录员制作听证笔录。"


class SimplifiedNotAllowed(Refused):
    rule = "RC-11"
    en = ("The simplified procedure needs an on-the-spot act, a warning or criticism, a fine of at most {limit} "
          "yuan, an information disclosure matter, or the consent of all parties (Art. 53).")
    zh = ("适用简易程序须为当场作出、警告或者通报批评、罚款 {limit} 元以下、政府信息公开案件，或者当事人各方同意（行"
          "政复议法第五十三条）。")


class ExtensionTooLong(Refused):
    rule = "RC-12"
    en = "The decision period may be extended by at most {maximum} days; {days} were asked."
    zh = "审理期限最多延长 {maximum} 日，本次申请延长 {days} 日。"


class ExtensionRepeated(Refused):
    rule = "RC-12"
    en = "The decision period may be extended once; it was already extended to {until}."
    zh = "审理期限只能延长一次，已延长至 {until}。"


class ExtensionUnapproved(Refused):
    rule = "RC-12"
    en = "An extension needs the approval of the reconsideration office's head and a written notice to the parties."
    zh = "延长审理期限应当经行政复议机构负责人批准，并书面告知当事人。"


class DecisionWorsens(Refused):
    rule = "RC-13"
    en = ("A change may not make the applicant worse off ({new} > {old} yuan) unless a third party asked for it "
          "(Art. 63).")
    zh = ("变更决定不得作出对申请人更为不利的决定（{new} 元 > {old} 元），第三人提出相反请求的除外（行政复议法第六十"
          "三条）。")


class ChangedFineAmountMissing(Refused):
    rule = "RC-13"
    en = ("A decision that changes a fine states the new amount, a positive sum in yuan with at most two "
          "decimals (Art. 63); got {amount}.")
    zh = ("变更罚款的复议决定应当载明变更后的罚款金额（大于零的元数，最多两位小数）（行政复议法第六十三条）；收到：{a"
          "mount}。")


class UpheldWithoutEvidence(Refused):
    rule = "RC-13"
    en = ("The respondent did not reply with evidence in time and is treated as having none (Art. 70): "
          "the act cannot be upheld.")
    zh = "被申请人未按期提出书面答复、提交证据依据，视为没有证据、依据（行政复议法第七十条），不得决定维持。"


class DeliveriesIncomplete(Refused):
    rule = "RC-15"
    en = ("{field}: the decision is served on every party the application recorded; {missing} is missing from "
          "the list (a party not yet served is listed without a date).")
    zh = ("{field}：行政复议决定书应当送达申请登记的每一方当事人，送达情况中缺少 {missing}"
          "（尚未送达的，列明受送达人、不填送达日期）。")


class PartyServedTwice(Refused):
    rule = "RC-15"
    en = "{field}: {entry} is listed twice (first as row {first}); each party's service is recorded once."
    zh = "{field}：{entry} 重复列出（首次为第 {first} 行），每一受送达人只登记一次。"

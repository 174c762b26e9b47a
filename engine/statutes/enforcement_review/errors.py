"""Refusals of 重大执法决定法制审核 — legal review of major enforcement decisions (ER-…).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Forbidden, Refused
from engine.statutes.decisionflow.errors import DutiesApart


class OutsideReviewScope(Refused):
    rule = "ER-1"
    en = ("The case states no ground for a legal review of a major enforcement decision and its amount {amount} "
          "is below the catalogue threshold {threshold}: it is not a major enforcement decision.")
    zh = ("案件未说明属于重大执法决定的情形，且涉及金额 {amount} 元低于目录清单标准 {threshold} 元：不属于重大执法决"
          "定法制审核范围。")


class NotReviewedAgree(Refused):
    rule = "ER-2"
    en = ("No major enforcement decision without a legal review that agrees: the review opinion is {opinion}.")
    zh = "未经法制审核或者审核未通过的，不得作出重大执法决定：法制审核意见为 {opinion}。"


class SubmissionChangedAfterReview(Refused):
    rule = "ER-2"
    en = "The proposed decision changed after the legal review agreed to it; the changed one is reviewed first."
    zh = "法制审核同意后拟作出的执法决定又有改动，改动后的决定应当重新送审。"


class InvestigatorMayNotReview(DutiesApart):
    rule = "ER-3"
    en = ("{username} already did step {other_step} ({other_kind}) of this case; the same person may not also do "
          "step {step} ({step_kind}): reviewers are separate from investigators.")
    zh = ("用户 {username} 已办理本案的步骤“{other_step}”（{other_kind}），同一人员不得再办理步骤“{step}”（{step_kind"
          "}）：审核人员与调查人员相分离。")


class ReviewerUnqualified(Forbidden):
    rule = "ER-3"
    en = ("{username} does not hold the national legal professional qualification (role legal_professional); "
          "a first-time reviewer of a penalty decision must hold it.")
    zh = ("用户 {username} 未取得国家统一法律职业资格（角色 legal_professional）：初次从事行政处罚决定法制审核的人员"
          "应当取得法律职业资格。")


class MaterialsIncomplete(Refused):
    rule = "ER-4"
    en = "The submission lacks {materials}: the legal office requests a supplement instead of giving an opinion."
    zh = "送审材料缺少{materials}：法制审核机构应当要求补充材料，不得出具审核意见。"


class ReviewFindingMissing(Refused):
    rule = "ER-5"
    en = "The legal review opinion states no finding on {finding} ({field})."
    zh = "法制审核意见未载明对“{finding}”（{field}）的审核意见。"


class OpinionNotWritten(Refused):
    rule = "ER-6"
    en = "The legal review opinion is given in writing: upload the written opinion (opinion_document)."
    zh = "法制审核机构应当出具书面审核意见：请上传书面法制审核意见。"


class ProblemsUnreasoned(Refused):
    rule = "ER-6"
    en = "An opinion that finds problems states them with reasons and what to do (problems)."
    zh = "审核意见为存在问题的，应当写明存在的问题、理由及处理建议。"


class CrimeTransferMismatch(Refused):
    rule = "ER-5"
    en = ("The finding on a suspected crime ({finding}) and the opinion ({opinion}) disagree: a case suspected of a "
          "crime is transferred to the judicial organs, and only such a case.")
    zh = ("是否涉嫌犯罪的审核结论（{finding}）与审核意见（{opinion}）不一致：涉嫌犯罪的案件应当移送司法机关，不涉嫌犯"
          "罪的不得以移送结案。")


class ReviewExtensionUnapproved(Refused):
    rule = "ER-7"
    en = ("The review period ended on {due}; a later opinion states the approved extension "
          "(extension_reason and extension_approved_by).")
    zh = "法制审核期限已于 {due} 届满；逾期出具意见的，应当写明经批准延长审核期限的理由和批准人。"


class NotCollective(Refused):
    rule = "ER-8"
    en = "A collective discussion has at least {minimum} of the organ's heads; {count} attended."
    zh = "集体讨论应当有至少 {minimum} 名行政机关负责人参加，本次仅 {count} 名。"


class HeadRepeated(Refused):
    rule = "ER-8"
    en = "{field}: {entry} is already listed ({first}); each head attending counts once."
    zh = "{entry} 已列为{first_zh}，每名出席的负责人只计一次。"


class InvestigatorNotRegistered(Refused):
    rule = "ER-3"
    en = ("{field}: {entry} is not an account in the organisation registry; investigators are named by their "
          "accounts, so that none of them reviews the case.")
    zh = "{entry} 不是组织机构登记中的账户；调查人员须以账户列明，以确保其不参与本案的法制审核。"


class InvestigatorRepeated(Refused):
    rule = "ER-3"
    en = "{field}: {entry} is already listed ({first}); each investigator is listed once."
    zh = "{entry} 已列为调查人员（{first_zh}），每名调查人员只列一次。"


class HeadNotRegistered(Refused):
    rule = "ER-8"
    en = ("{field}: {entry} is not a head of this organ in the organisation registry (its heads: {holders}); the "
          "heads who discuss are the organ's, never names typed in.")
    zh = "{entry} 不是组织机构登记中本机关的负责人（登记的负责人：{holders}）；参加集体讨论的应为本机关负责人。"


class CollectiveDiscussionMissing(Refused):
    rule = "ER-8"
    en = "A heavy penalty for a complex or major violation is decided by the organ's heads collectively first."
    zh = "对情节复杂或者重大违法行为给予较重的行政处罚，应当先由行政机关负责人集体讨论决定。"


class MaterialsUnattested(Refused):
    rule = "ER-9"
    en = "The enforcement unit answers for the truth and completeness of the materials: confirm truth_declaration."
    zh = "执法承办机构对送审材料的真实性、完整性负责：请确认材料真实完整。"

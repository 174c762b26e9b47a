"""Refusals of 行政规范性文件 — drafting, review, registration, filing and validity (ND-…).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Forbidden, Refused
from engine.statutes.decisionflow.errors import DutiesApart
from engine.statutes.major_decision.errors import LegalBasisInvalid


class NdLegalBasisInvalid(LegalBasisInvalid):
    rule = "ND-2"
    en = ("Legal basis ({field}): {problem}; a normative document cites the higher-law instrument and article "
          "it rests on.")
    zh = "制定依据（{field}）：{problem_zh}；应载明所依据的上位法名称和具体条款。"


class QualificationUnconfirmed(Refused):
    rule = "ND-1"
    en = ("A normative document is issued within the organ's powers, touches rights and obligations, binds generally, "
          "applies repeatedly and is published; unconfirmed: {missing}. Other documents do not use this procedure.")
    zh = ("行政规范性文件应当由行政机关在法定职权范围内依照法定程序制定并公开发布，涉及公民、法人和其他组织权利义务，"
          "具有普遍约束力并在一定期限内反复适用；未确认：{missing}。其他文件不适用本程序。")


class ReviewTooShort(Refused):
    rule = "ND-4"
    en = ("The legality review takes generally at least {days} working days (until {earliest}); an opinion given "
          "sooner states why (expedited_reason).")
    zh = "合法性审核时间一般不少于{days}个工作日（至{earliest}）；提前出具审核意见的，应当说明提前的原因。"


class ContentBeyondPowers(Refused):
    rule = "ND-2"
    en = ("The review found that the document {findings} without a higher-law basis; it cannot be found lawful.")
    zh = "合法性审核发现文件{findings}且无上位法依据，审核意见不能为“合法”。"


class DocumentCommentTooShort(Refused):
    rule = "ND-3"
    en = "The public comment period ends on {end}; it has to run at least until {earliest} ({minimum})."
    zh = "征求意见截止日期为 {end}，至少应当持续到 {earliest}（{minimum}）。"


class DrafterMayNotReview(DutiesApart):
    rule = "ND-4"
    en = ("{username} already did step {other_step} ({other_kind}) of this document; the same person may not "
          "also do step {step} ({step_kind}): the drafter never reviews its legality.")
    zh = ("用户 {username} 已办理本文件的步骤“{other_step}”（{other_kind}），同一人员不得再办理步骤“{step}”（{step_ki"
          "nd}）：起草人员不得审核本文件的合法性。")


class DocumentNotReviewedLawful(Refused):
    rule = "ND-4"
    en = ("A normative document goes to collective review only after the legality review found this very draft "
          "lawful (review outcome: {outcome}).")
    zh = "未经合法性审核或者经审核不合法的行政规范性文件，不得提交集体审议（审核结论：{outcome}）。"


class NotALeadershipMeeting(Refused):
    rule = "ND-5"
    en = "A normative document is reviewed at a standing or office meeting of the leadership; {meeting_type} is not."
    zh = "行政规范性文件应当经政府常务会议或者部门办公会议集体审议，{meeting_type} 不是此类会议。"


class NotPrincipalHead(Forbidden):
    rule = "ND-5"
    en = "A normative document is signed by the organ's principal head; {username} is not."
    zh = "行政规范性文件由主要负责人签发，{username} 不是主要负责人。"


class DocumentNotAdopted(Refused):
    rule = "ND-6"
    en = "The registry gives a number only to a document adopted at the collective review."
    zh = "经集体审议通过的文件方可统一登记、统一编号。"


class RegistrationNumberInvalid(Refused):
    rule = "ND-6"
    en = "The unified number {number} does not have the form <organ>规〔<year>〕<n>号."
    zh = "统一编号 {number} 格式不正确，应为“××规〔年份〕序号号”。"


class RegistrationNumberTaken(Refused):
    rule = "ND-6"
    en = "The unified number {number} is already held by procedure {procedure}: each number is given once."
    zh = "统一编号 {number} 已由程序 {procedure} 使用，统一编号不得重复。"


class DocumentNotRegistered(Refused):
    rule = "ND-6"
    en = "A normative document is issued and published only under its unified registration number."
    zh = "行政规范性文件应当统一登记、统一编号后方可印发公布。"


class ValidityTooLong(Refused):
    rule = "ND-8"
    en = "The document is valid until {valid_until}; from {effective_from} at most until {latest} ({years} years)."
    zh = "文件有效期至 {valid_until}；自 {effective_from} 起最长至 {latest}（{years} 年）。"


class MajorDecisionProcedureRequired(Refused):
    rule = "ND-11"
    en = ("A normative document that is also a major decision goes through the major-decision procedure first; "
          "name that procedure.")
    zh = "同时属于重大行政决策事项的行政规范性文件，应当先履行重大行政决策程序，请注明该决策程序。"

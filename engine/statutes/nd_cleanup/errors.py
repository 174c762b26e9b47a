"""Refusals of 规范性文件清理 — periodic and special clean-ups of normative documents (ND-9).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Refused


class SpecialCleanupUnreasoned(Refused):
    rule = "ND-9"
    en = "A special clean-up states why it is held (special_reason), e.g. a new higher law."
    zh = "专项清理应当说明开展清理的理由（如上位法制定、修改或者废止）。"


class CleanupDocumentUnknown(Refused):
    rule = "ND-9"
    en = ("{number} is not a document of this clean-up's scope (the registry's documents in force when it "
          "opened).")
    zh = "{number} 不在本次清理范围内（清理启动时目录中现行有效的文件）。"


class CleanupDecidedTwice(Refused):
    rule = "ND-9"
    en = "{number} is decided more than once; every document in scope gets one decision."
    zh = "{number} 被重复作出清理决定；清理范围内的每件文件只作一个决定。"


class CleanupUnreasoned(Refused):
    rule = "ND-9"
    en = ("A decision to {decision} {number} states its reason: it conflicts with higher law, lacks a basis or no "
          "longer fits.")
    zh = "对 {number} 作出“{decision_zh}”决定的，应当说明理由：与上位法相抵触、缺乏依据或者不再适应实际情况。"


class CleanupBasisUnconfirmed(Refused):
    rule = "ND-9"
    en = "{number} continues only when its legal basis is confirmed and it still fits (basis_confirmed)."
    zh = "{number} 继续有效的，应当确认其具有合法依据并仍然适应实际（basis_confirmed）。"


class CleanupUndecided(Refused):
    rule = "ND-9"
    en = ("Every document in the clean-up's scope is given continue, amend or repeal; {count} undecided: "
          "{numbers}.")
    zh = "清理范围内的每件文件都应当作出继续有效、修改或者废止的决定；尚有 {count} 件未作决定：{numbers}。"


class CleanupNotAtMeeting(Refused):
    rule = "ND-9"
    en = "The clean-up's result is approved at a standing or office meeting of the leadership; {meeting_type} is not."
    zh = "清理结果应当经政府常务会议或者部门办公会议审议通过，{meeting_type} 不是此类会议。"


class CleanupNotApproved(Refused):
    rule = "ND-9"
    en = "The lists of the clean-up are published only after the leadership approved its result."
    zh = "清理结果经制定机关审议通过后，方可公布继续有效、修改、废止和失效的文件目录。"

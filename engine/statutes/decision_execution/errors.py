"""Refusals of 决策执行 — executing, adjusting and evaluating a major decision (MD-34 … MD-37).

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Refused
from engine.statutes.decisionflow.errors import DutiesApart


class AssessorMayNotEvaluate(DutiesApart):
    rule = "MD-36b"
    en = ("{username} already did step {other_step} ({other_kind}) of this procedure; the same person may not "
          "also do step {step} ({step_kind}): who argued or assessed before the decision does not evaluate it.")
    zh = ("用户 {username} 已办理本程序的步骤“{other_step}”（{other_kind}），同一人员不得再办理步骤“{step}”（{step_ki"
          "nd}）：决策作出前承担论证评估工作的，不得承担决策后评估。")


class EvaluatorNotIndependent(Refused):
    rule = "MD-36b"
    en = "{evaluator} did the main argumentation or assessment before the decision and may not evaluate it."
    zh = "{evaluator} 在决策作出前承担了主要论证评估工作，不得承担决策后评估。"


class PreDecisionUnitsIncomplete(Refused):
    rule = "MD-36b"
    en = ("{field} leaves out {missing}: the decision's record shows they did its main argumentation or "
          "assessment, and such a unit may not evaluate the decision.")
    zh = "{field} 遗漏了 {missing}：决策过程记录显示其承担了决策作出前的主要论证评估工作，此类单位不得承担决策后评估。"

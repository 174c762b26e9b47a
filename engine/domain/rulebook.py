"""The catalogue of rules the engine cites when it refuses something.

One table maps a rule id to its article and a short text in both languages. Domain
errors carry only the id; the article and text come from here, so a refusal, the
docs and the tests all name the same rule. Ids of the law (MD-…, ND-…, ER-…, RC-…)
follow ../shared/domain/regulation.md; DF-… ids are the engine's own rules that keep
the law's order in a computer (no skipping, no editing history, valid input).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    zh: str
    en: str


_REGULATION = "《重大行政决策程序暂行条例》"

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("MD-25a", f"{_REGULATION}第二十五条第一款",
             "决策草案提交讨论前应当由负责合法性审查的部门进行合法性审查，承办单位不得自行审查",
             "The legality review is done by the review office, never by the sponsoring unit"),
        Rule("MD-33b", f"{_REGULATION}第三十三条、第三十九条",
             "决策过程记录应当真实完整：已完成的步骤不得修改、删除或重复办理",
             "The record is true: a completed step is never edited, deleted or done again"),
        Rule("MD-39", f"{_REGULATION}第三十九条",
             "不得违反法定程序：步骤只能在前序步骤完成后按顺序办理",
             "Statutory procedure is not skipped: a step is done only when the steps before it are"),
        Rule("DF-ROLE", "DecisionFlow 设计不变量 2（岗位职责）",
             "步骤只能由持有该步骤岗位角色的人员办理",
             "A step is done only by a user who holds its role"),
        Rule("DF-ASSIGNEE", "DecisionFlow 设计不变量 2（岗位职责）",
             "已签收的步骤只能由签收人办理",
             "A claimed step is done only by the user who claimed it"),
        Rule("DF-FORM", "DecisionFlow 设计不变量 2（表单校验）",
             "办理数据必须符合该步骤的表单定义",
             "Step data must match the step's form"),
        Rule("DF-DOCUMENT", "DecisionFlow 设计不变量 9（文件）",
             "文件必须在大小限制内，并通过上传提交",
             "Documents are uploaded, within the size limit"),
        Rule("DF-CONFLICT", "DecisionFlow 设计不变量 5（并发）",
             "该程序已被他人同时修改，请刷新后重试",
             "The procedure changed in the meantime; reload and try again"),
        Rule("DF-NOT-FOUND", "DecisionFlow 设计不变量 1",
             "所请求的对象不存在",
             "The requested object does not exist"),
        Rule("DF-DEFINITION", "DecisionFlow 设计不变量 8（流程定义）",
             "流程定义不符合要求，不能部署或启动",
             "The process definition has problems and cannot be deployed or started"),
        Rule("DF-EXPRESSION", "DecisionFlow 设计不变量 7（受限表达式）",
             "流程表达式只能使用受限的运算，不得执行任意代码",
             "Process expressions use only restricted operations, never arbitrary code"),
        Rule("DF-START", "DecisionFlow 设计不变量 2",
             "启动程序需要标题和承办单位，并由承办单位人员发起",
             "A procedure starts with a title and a sponsoring unit, by a member of that unit"),
        Rule("DF-WITHDRAW", "DecisionFlow 设计文档（程序撤回）",
             "只有决策机关可以撤回程序，且须说明理由；已结束的程序不能撤回",
             "Only the decision organ withdraws a procedure, with a reason; an ended one cannot be"),
    )
}


def rule(rule_id: str) -> Rule:
    """The rule with this id; an unknown id is a programming error, not a refusal."""
    return RULES[rule_id]

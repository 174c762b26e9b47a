"""Refusals of DecisionFlow's own rules (DF-…): what keeps the law's order inside a computer.

Each names its rule (and so its article) and carries its message in English (`en`) and
Chinese (`zh`); numbers in a message come from the context the guard passes, never typed in.
"""

from __future__ import annotations

from engine.domain.errors import Conflict, DomainError, Forbidden, NotFound, Refused, SafeContext


class TaskNotFound(NotFound):
    en = "No step with id {task_id} exists."
    zh = "不存在编号为 {task_id} 的步骤。"


class ProcedureNotFound(NotFound):
    en = "No procedure with id {procedure_id} exists."
    zh = "不存在编号为 {procedure_id} 的程序。"


class DefinitionNotFound(NotFound):
    en = "No deployed process definition {key} exists."
    zh = "不存在已部署的流程定义 {key}。"


class UserNotFound(NotFound):
    en = "No user {username} exists."
    zh = "不存在用户 {username}。"


class GrantNotFound(NotFound):
    en = "No role grant with id {grant_id} exists."
    zh = "不存在编号为 {grant_id} 的角色授予申请。"


class DocumentNotFound(NotFound):
    en = "No document with SHA-256 {sha256} exists."
    zh = "不存在 SHA-256 为 {sha256} 的文件。"


class DocumentAltered(DomainError):
    """The stored bytes no longer hash to the document's key: altered behind the engine's back (DF-INTEGRITY).

    Neither not-found nor a refusal of the user's request: the record itself is damaged, so the web
    layer answers it as a server-side failure, never with the bytes."""

    rule = "DF-INTEGRITY"
    en = ("Document {sha256} of procedure {procedure_id} was altered in the database: its content no longer "
          "matches its SHA-256 and size, so it is not sent. The incident is logged; tell the administrator.")
    zh = ("程序 {procedure_id} 的文件 {sha256} 在数据库中已被改动：其内容与 SHA-256 和大小不符，系统拒绝发出。此事件"
          "已记入日志，请告知系统管理员。")


class SeqOutOfRange(NotFound):
    en = "Procedure {procedure_id} has no event {seq}; its history runs from 1 to {last}."
    zh = "程序 {procedure_id} 没有第 {seq} 条事件；其历史记录为第 1 条至第 {last} 条。"


class TokenNotFound(NotFound):
    en = "No API token {token_id} of yours exists."
    zh = "您没有编号为 {token_id} 的 API 令牌。"


class TimerNotFound(NotFound):
    en = "No timer with id {timer_id} exists."
    zh = "不存在编号为 {timer_id} 的定时器。"


class CheckpointNotFound(NotFound):
    en = "No checkpoint number {seq} exists."
    zh = "不存在第 {seq} 号检查点。"


class StepNotReady(Refused):
    """Out of order. `missing` names the statutory steps not yet done before this one, each with its
    rule and article; without them `waiting_for` names the steps the procedure waits on now."""

    rule = "MD-39"
    en = "Step {step} ({step_kind}) is {state}: it can be done only when the steps before it are done."
    zh = "步骤“{step}”（{step_kind}）当前状态为 {state}：须待前序步骤办结后方可办理。"
    en_missing = "Step {step} ({step_kind}) cannot be done yet: {clause} not done."
    en_waiting = ("Step {step} ({step_kind}) is {state}: it can be done only when the steps before it are "
                  "done; the procedure now waits on {clause}.")
    zh_missing = "“{step}”尚不能办理：{clause}尚未完成。"
    zh_waiting = "步骤“{step}”（{step_kind}）当前状态为 {state}，尚不能办理：本程序正在等待{clause}办结。"

    def message(self, lang: str = "zh_CN", **shown: object) -> str:
        missing, waiting = self.context.get("missing"), self.context.get("waiting_for")
        zh = lang != "en"
        if isinstance(missing, list) and missing:
            key, template = "missing", self.zh_missing if zh else self.en_missing
            parts = [f"{m['title']}（{m['rule']}，{m['article']}）" if zh
                     else f"{m['title']} [{m['step_kind']}] ({m['rule']}, {m['article']})" for m in missing]
        elif isinstance(waiting, list) and waiting:
            key, template = "waiting", self.zh_waiting if zh else self.en_waiting
            parts = [f"“{w['title']}”" if zh else f"{w['title']} [{w['step_kind']}]" for w in waiting]
        else:
            return super().message(lang, **shown)
        clause = ("、" if zh else "; ").join(parts)
        if not zh and key == "missing":
            clause += " is" if len(parts) == 1 else " are"
        return template.format_map(SafeContext({**self.context, **shown, "clause": clause}))


class StepAlreadyCompleted(Conflict):
    rule = "MD-33b"
    en = "Step {step} ({step_kind}) was already done; a completed step is never done again or edited."
    zh = "步骤“{step}”（{step_kind}）已办结；已完成的步骤不得重复办理或修改。"


class ProcedureEnded(Refused):
    rule = "MD-33b"
    en = "Procedure {procedure_id} has ended ({status}); nothing more can be done in it."
    zh = "程序 {procedure_id} 已结束（{status}），不能再办理任何步骤。"


class GrantDecided(Conflict):
    rule = "DF-FOUR-EYES"
    en = "Grant {grant_id} (role {role} for {username}) was already {status}; a grant is decided once."
    zh = "角色授予申请 {grant_id}（用户 {username} 的角色 {role}）已{status_zh}；每项申请只能决定一次。"


class CheckpointExists(Conflict):
    rule = "DF-CHECKPOINT"
    en = "Checkpoint {seq} already exists ({path}); a checkpoint file is written once and never replaced."
    zh = "第 {seq} 号检查点已存在（{path}）：检查点文件只写一次，不得替换。"


class VersionConflict(Conflict):
    rule = "DF-CONFLICT"
    en = "Procedure {procedure_id} is at version {actual}, not {expected}: it changed in the meantime."
    zh = "程序 {procedure_id} 已被他人修改（当前版本 {actual}，提交版本 {expected}），请刷新后重试。"


class RoleRequired(Forbidden):
    rule = "DF-ROLE"
    en = "Step {step} ({step_kind}) is done by role {role}{org_clause}; {username} does not hold it."
    zh = "步骤“{step}”（{step_kind}）须由角色 {role}{org_clause} 办理；用户 {username} 不具备该角色。"


class NotAssignee(Forbidden):
    rule = "DF-ASSIGNEE"
    en = "Step {step} was claimed by {assignee}; only that user can do it."
    zh = "步骤“{step}”已由 {assignee} 签收，只能由签收人办理。"


class DutiesApart(Forbidden):
    """One person may not do two steps the law separates in one procedure (engine/domain/duties.py).

    Context: `username`, `step` and `step_kind` asked for, `other_step` and `other_kind` done before.
    Each subclass names the rule (and so the article) that keeps the two steps apart, and its message."""


class WithdrawForbidden(Forbidden):
    rule = "DF-WITHDRAW"
    en = "Only the decision organ (role decision_organ) withdraws a procedure; {username} does not hold it."
    zh = "只有决策机关（角色 decision_organ）可以撤回程序；用户 {username} 不具备该角色。"


class RecordForbidden(Forbidden):
    rule = "DF-VIEW"
    en = ("{username} may not see procedure {procedure_id}: its record is open to the sponsoring unit, "
          "the roles with a step in it, the decision organ, supervisors and auditors.")
    zh = ("用户 {username} 无权查看程序 {procedure_id}：程序记录仅向承办单位、在本程序中有办理步骤的岗位、决策机关、"
          "督办人员和审计监督人员开放。")


class AdministratorBarred(Forbidden):
    rule = "DF-ADMIN-SEPARATION"
    en = "{username} is an administrator (role admin): administrators never see procedures, their steps or contents."
    zh = "用户 {username} 是系统管理员（角色 admin）：系统管理员不查看任何程序、步骤及其内容。"


class StartForbidden(Forbidden):
    rule = "DF-START"
    en = "Only a sponsor (role sponsor) starts a procedure; {username} does not hold that role."
    zh = "只有决策承办单位人员（角色 sponsor）可以启动程序；用户 {username} 不具备该角色。"


class DeployForbidden(Forbidden):
    rule = "DF-DEFINITION"
    en = "Only an administrator (role admin) deploys process definitions; {username} does not hold that role."
    zh = "只有系统管理员（角色 admin）可以部署流程定义；用户 {username} 不具备该角色。"


class AccountForbidden(Forbidden):
    rule = "DF-ACCOUNT"
    en = "Only an administrator (role admin) manages accounts; {username} does not hold that role."
    zh = "只有系统管理员（角色 admin）可以管理账户；用户 {username} 不具备该角色。"


class GrantSelfApproval(Forbidden):
    rule = "DF-FOUR-EYES"
    en = ("{username} asked for grant {grant_id} (role {role}) and may not approve it: another administrator "
          "must.")
    zh = "角色授予申请 {grant_id}（角色 {role}）由用户 {username} 提出，本人不能批准，须由另一名系统管理员批准。"


class SupervisionForbidden(Forbidden):
    rule = "DF-SUPERVISION"
    en = "The supervision board is open to supervisors and auditors; {username} holds neither role."
    zh = "督办台账仅向督办人员和审计监督人员开放；用户 {username} 不具备相应角色。"


class ReminderForbidden(Forbidden):
    rule = "DF-SUPERVISION"
    en = "Only a supervisor (role supervisor) sends reminders; {username} does not hold that role."
    zh = "督办通知只能由督办人员（角色 supervisor）发出；用户 {username} 不具备该角色。"


class AdminLogForbidden(Forbidden):
    rule = "DF-AUDIT"
    en = "The administration log is open to auditors (role auditor); {username} does not hold that role."
    zh = "系统管理日志仅向审计监督人员（角色 auditor）开放；用户 {username} 不具备该角色。"


class AccountInvalid(Refused):
    rule = "DF-ACCOUNT"
    en = "Account field {field}: {problem}"
    zh = "账户字段 {field}：{problem_zh}"


class AdminRoleSeparation(Refused):
    rule = "DF-ADMIN-SEPARATION"
    en = ("Account field {field}: the administrator role (admin) is never held together with another role "
          "({roles}); administrators never see a procedure's contents.")
    zh = "账户字段 {field}：系统管理员角色（admin）不得与其他角色（{roles}）同时持有；系统管理员不查看程序内容。"


class ReminderInvalid(Refused):
    rule = "DF-SUPERVISION"
    en = "Reminder field {field}: {problem}"
    zh = "督办通知字段 {field}：{problem_zh}"


class CursorInvalid(Refused):
    rule = "DF-VIEW"
    en = "Field {field}: not a page cursor this list gave; start again from the first page."
    zh = "字段 {field}：不是本列表给出的翻页标记，请从第一页重新开始。"


class FormInvalid(Refused):
    rule = "DF-FORM"
    en = "Field {field}: {problem}"
    zh = "字段 {field}：{problem_zh}"


class DocumentNumberTaken(FormInvalid):
    en = "Field {field}: document number {number} is already held by procedure {procedure}; a number is given once."
    zh = "字段 {field}：文号 {number} 已由程序 {procedure} 使用，文号不得重复。"


class IdentifierTaken(FormInvalid):
    """A case number or an archive reference another procedure recorded: identifiers are unique (issue 19
    item 6), so two procedures never answer to one number."""

    en = "Field {field}: {what} {number} is already held by procedure {procedure}; it is given once."
    zh = "字段 {field}：{what_zh} {number} 已由程序 {procedure} 使用，不得重复。"


class BeyondCalendar(Refused):
    """A period from a date the engine accepts that would end where the working-day calendar cannot count."""

    rule = "DF-FORM"
    en = "The period reaches {day}, outside {first} to {last}, the days the working-day calendar can count."
    zh = "期限延至 {day}，超出工作日历可计算的日期（{first} 至 {last}）。"


class DateTooEarly(Refused):
    """DF-DATE: a date before what its kind allows (engine/form_dates.py) or before the step that enabled it."""

    rule = "DF-DATE"
    en = "Field {field}: {date} is before {earliest}, the earliest lawful date ({reason})."
    zh = "字段 {field}：{date} 早于最早的合法日期 {earliest}（{reason_zh}）。"


class DateTooLate(Refused):
    """DF-DATE: a date after what its kind allows, e.g. something done dated in the future."""

    rule = "DF-DATE"
    en = "Field {field}: {date} is after {latest}, the latest lawful date ({reason})."
    zh = "字段 {field}：{date} 晚于最晚的合法日期 {latest}（{reason_zh}）。"


class DocumentTooLarge(Refused):
    rule = "DF-DOCUMENT"
    en = "Document {field} is {size} bytes; the limit is {limit} bytes."
    zh = "文件 {field} 大小为 {size} 字节，超过 {limit} 字节的限制。"


class DocumentTypeRefused(Refused):
    rule = "DF-DOCUMENT"
    en = "Document {field} ({filename}) is, by its content, {detected}; this field accepts only {allowed}."
    zh = "文件 {field}（{filename}）按内容识别为 {detected_zh}；该项只接受 {allowed_zh} 格式。"


class DocumentNotUploaded(Refused):
    rule = "DF-DOCUMENT"
    en = "Field {field} is a document: upload it with the step, do not reference it in the data."
    zh = "字段 {field} 是文件，须随步骤上传，不能在数据中引用。"


class StartInvalid(Refused):
    rule = "DF-START"
    en = "Cannot start: {problem}"
    zh = "无法启动程序：{problem_zh}"


class DecisionIsFinal(Refused):
    """A procedure whose decision was taken is not withdrawn: only the statutory routes follow (finality.py)."""

    rule = "DF-WITHDRAW"
    en = ("Procedure {procedure_id} cannot be withdrawn: its decision was taken at \"{step}\" on {on}; a decision "
          "taken is changed only by {routes_en}.")
    zh = "程序 {procedure_id} 不能撤回：已于 {on} 在“{step}”作出决定；决定作出后，只能通过{routes_zh}处理。"

    def __init__(self, *, rule: str, **context: object) -> None:
        super().__init__(**context)
        self.rule = rule  # type: ignore[misc]  # the statute's own rule, from engine/domain/finality.py


class WithdrawInvalid(Refused):
    rule = "DF-WITHDRAW"
    en = "Cannot withdraw procedure {procedure_id}: {problem}"
    zh = "无法撤回程序 {procedure_id}：{problem_zh}"


class DefinitionInvalid(Refused):
    rule = "DF-DEFINITION"
    en = "The process definition has {count} problem(s); the first: {first}"
    zh = "流程定义存在 {count} 个问题，第一个：{first}"


class ExpressionFailed(Refused):
    rule = "DF-EXPRESSION"
    en = "The procedure cannot continue at {element}: {problem}. Check the data of this step."
    zh = "程序在 {element} 处无法继续：{problem}。请检查本步骤填写的数据。"


class ExpressionForbidden(Refused):
    rule = "DF-EXPRESSION"
    en = "Expression {expression!r} is not allowed: {problem}"
    zh = "表达式 {expression!r} 不被允许：{problem}"


class ExpressionBudgetExceeded(ExpressionForbidden):
    """An expression or script stopped at a budget of engine/bpmn/budgets.py: never a hang."""

    rule = "DF-EXPRESSION"
    en = ("The expression at {element} exceeds its budget of {budget}: {needed} > {limit}. "
          "Expression: {expression!r}")
    zh = "{element} 处的表达式超出{budget_zh}上限：{needed} > {limit}，已拒绝执行。表达式：{expression!r}"


class ConsultationNotFound(NotFound):
    en = "Procedure {procedure_id} has no public consultation."
    zh = "程序 {procedure_id} 没有公开征求意见。"


class ReceiptNotFound(NotFound):
    en = "No opinion has the receipt number {receipt}; check the number on your receipt."
    zh = "没有回执号为 {receipt} 的意见，请核对回执上的号码。"


class OpinionInvalid(Refused):
    rule = "DF-PUBLIC"
    en = "Field {field}: {problem}"
    zh = "字段 {field}：{problem_zh}"


class ChallengeReused(Refused):
    rule = "DF-PUBLIC"
    en = "Field {field}: this question has already been answered once; answer the new question and send again."
    zh = "字段 {field}：该验证问题已使用过，请回答新的验证问题后重新提交。"


class IndicatorInvalid(Refused):
    """An indicator definition file outside the vocabulary (engine/indicators.py): named by file and field."""

    rule = "DF-INDICATOR"
    en = "Indicator {indicator}: {field} {problem}"
    zh = "指标 {indicator}：{field} {problem_zh}"


class IndicatorQueryInvalid(Refused):
    """A report asked for with a bad period or an unknown unit: names the field, computes nothing."""

    rule = "DF-INDICATOR"
    en = "Cannot compute the indicators: {field} {problem}"
    zh = "无法计算指标：{field} {problem_zh}"


class IndicatorsForbidden(Forbidden):
    rule = "DF-INDICATOR"
    en = ("{username} may not see the rule-of-law indicators: they are open to auditors, the legality review "
          "office, the head of government and the decision organ.")
    zh = "{username} 无权查看法治指数：仅向审计监督人员、合法性审查机构、行政首长和决策机关开放。"


class MigrationPlanInvalid(Refused):
    rule = "DF-MIGRATE-PLAN"
    en = "The migration plan is not valid ({field}): {problem}"
    zh = "迁移计划无效（{field}）：{problem_zh}"


class MigrationPositionMissing(Refused):
    rule = "DF-MIGRATE-POSITION"
    en = "Procedure {procedure_id} cannot migrate: {problem}"
    zh = "程序 {procedure_id} 不能迁移：{problem_zh}"


class MigrationStepOwed(Refused):
    rule = "DF-MIGRATE-STEPS"
    en = "Procedure {procedure_id} cannot migrate: {problem}"
    zh = "程序 {procedure_id} 不能迁移：{problem_zh}"


class MigrationTimerLost(Refused):
    rule = "DF-MIGRATE-TIMER"
    en = "Procedure {procedure_id} cannot migrate: {problem}"
    zh = "程序 {procedure_id} 不能迁移：{problem_zh}"


class MigrationFormMissing(Refused):
    rule = "DF-MIGRATE-FORM"
    en = "Procedure {procedure_id} cannot migrate: {problem}"
    zh = "程序 {procedure_id} 不能迁移：{problem_zh}"


class MigrationForbidden(Forbidden):
    rule = "DF-MIGRATE-APPROVAL"
    en = "{username} may not {action} a migration: {problem}"
    zh = "用户 {username} 不能{action_zh}迁移：{problem_zh}"


class MigrationDecided(Conflict):
    rule = "DF-MIGRATE-APPROVAL"
    en = "Migration proposal {proposal_id} was already {status}; a proposal is decided once."
    zh = "迁移申请 {proposal_id} 已{status_zh}；每项申请只能决定一次。"


class MigrationProposalNotFound(NotFound):
    en = "No migration proposal with id {proposal_id} exists."
    zh = "不存在编号为 {proposal_id} 的迁移申请。"

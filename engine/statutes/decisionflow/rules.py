"""Rules of DecisionFlow's own rules (DF-…): what keeps the law's order inside a computer.

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

_MD = "《重大行政决策程序暂行条例》"

RULES: tuple[Rule, ...] = (
    # === DecisionFlow's own rules: keep the law's order in a computer ===
    Rule("DF-ROLE", "DecisionFlow 设计不变量 2（岗位职责）",
         "步骤只能由持有该步骤岗位角色的人员办理",
         "A step is done only by a user who holds its role",
         certainty="P", phase="engine"),
    Rule("DF-ASSIGNEE", "DecisionFlow 设计不变量 2（岗位职责）",
         "已签收的步骤只能由签收人办理",
         "A claimed step is done only by the user who claimed it",
         certainty="P", phase="engine"),
    Rule("DF-FORM", "DecisionFlow 设计不变量 2（表单校验）",
         "办理数据必须符合该步骤的表单定义",
         "Step data must match the step's form",
         certainty="P", phase="engine"),
    Rule("DF-DATE", f"DecisionFlow 设计不变量 2、6、11（表单日期）；{_MD}第三十三条、第三十九条",
         "填写的日期须符合其性质：本步骤办理的事项不晚于今天、不早于本步骤开始之日；程序启动前的事实不晚于今天；"
         "计划日期不早于今天；日期不得早于使其成为可能的前一步骤；今天和各步骤的日期以服务器时钟和系统记录为准",
         "A date typed into a form fits its kind: something done in the step is not after today nor before the step "
         "opened; a fact from before the procedure is not after today; a date to come is not before today; no date "
         "precedes the step that enabled it; today and the steps' dates are the server's and the record's",
         certainty="P", phase="engine"),
    Rule("DF-DOCUMENT", "DecisionFlow 设计不变量 9（文件）",
         "文件必须通过上传提交，在大小限制内，且按内容识别属于该项允许的类型（PDF、OFD、DOCX 等）",
         "Documents are uploaded, within the size limit, of a type the field allows as read from their content",
         certainty="P", phase="engine"),
    Rule("DF-INTEGRITY", "DecisionFlow 设计不变量 4、9、11（防篡改记录；文件按摘要校验；事实皆有证据）",
         "系统读取的每一项事实或是链式历史记录本身，或是可由历史记录重建并经核验比对的投影；不由历史记录重建的列"
         "集中列明并说明理由；核验重新计算每一文件的摘要，逐项指明程序、表、记录、字段和首个不符的事件，有任何"
         "不符即以非零状态退出；存储的文件在下载、接口返回和归档封存之前重新计算摘要和大小，不符的拒绝发出，记入日志并计数",
         "Every fact the system reads is a chained history event or a projection that verify rebuilds from the "
         "history and compares; columns not rebuilt are listed in one place with the reason; verify re-hashes "
         "every document, names the procedure, table, row, column and first bad event of each finding, and "
         "exits non-zero on any; a stored document's SHA-256 and size are recomputed before it is downloaded, "
         "returned by the API or sealed in an archive, and one that does not match is refused, logged and counted",
         certainty="P", phase="engine"),
    Rule("DF-CONFLICT", "DecisionFlow 设计不变量 5（并发）",
         "该程序已被他人同时修改，请刷新后重试",
         "The procedure changed in the meantime; reload and try again",
         certainty="P", phase="engine"),
    Rule("DF-NOT-FOUND", "DecisionFlow 设计不变量 1",
         "所请求的对象不存在",
         "The requested object does not exist",
         certainty="P", phase="engine"),
    Rule("DF-DEFINITION", "DecisionFlow 设计不变量 8（流程定义）",
         "流程定义不符合要求，不能部署或启动",
         "The process definition has problems and cannot be deployed or started",
         certainty="P", phase="engine"),
    Rule("DF-EXPRESSION", "DecisionFlow 设计不变量 7（受限表达式）",
         "流程表达式只能使用受限的运算，不得执行任意代码",
         "Process expressions use only restricted operations, never arbitrary code",
         certainty="P", phase="engine"),
    Rule("DF-START", "DecisionFlow 设计不变量 2",
         "启动程序需要标题和承办单位，并由承办单位人员发起",
         "A procedure starts with a title and a sponsoring unit, by a member of that unit",
         certainty="P", phase="engine"),
    Rule("DF-WITHDRAW", "DecisionFlow 设计文档（程序撤回）",
         "只有决策机关可以撤回程序，且须说明理由；已结束或者已作出决定的程序不能撤回，决定作出后只能依法定途径调整、中止或者评估",
         "Only the decision organ withdraws a procedure, with a reason; an ended one, or one whose decision was "
         "taken, cannot be: after the decision only the statutory routes (adjustment, suspension, evaluation) remain",
         certainty="P", phase="engine"),
    Rule("DF-VIEW", "DecisionFlow 设计不变量 2（岗位职责）；条例第三十八条（决策过程记录）",
         "程序记录及其文件只向承办单位、办理过本程序步骤的岗位、决策机关、督办人员和审计监督人员开放",
         "A procedure's record and documents are open to its sponsoring unit, the roles with a step in it, "
         "the decision organ, supervisors and auditors",
         certainty="P", phase="engine"),
    Rule("DF-PUBLIC", "DecisionFlow 设计文档（公众参与）",
         "公众提交的意见须符合长度、附件大小和类型及防滥用要求（每个验证问题只能使用一次）；每条意见都予以保存",
         "Opinions from the public meet the length, attachment size and type, and anti-abuse limits (each "
         "challenge question answers once); every opinion is kept",
         certainty="P", phase="engine"),
    Rule("DF-ACCOUNT", "DecisionFlow 设计文档（账户管理）",
         "账户、组织和角色只能由系统管理员维护，且须符合要求",
         "Accounts, organisations and roles are kept by administrators, and must be valid",
         certainty="P", phase="engine"),
    Rule("DF-ADMIN-SEPARATION",
         "DecisionFlow 设计文档（系统管理员不接触程序内容）；网络安全等级保护基本要求（管理用户权限分离）",
         "系统管理员（admin）不得同时持有其他任何角色；仍同时持有的账户只按系统管理员对待，不能查看任何程序的内容",
         "An administrator (admin) holds no other role; an account that still holds both is treated as an "
         "administrator only and sees no procedure's contents",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-PLAN", "DecisionFlow 设计文档（运行中程序迁移至新版本流程定义）",
         "迁移计划写明流程定义、原版本和目标版本（同一流程定义的两个已部署版本）、按元素编号的对应关系（默认同号对应，"
         "编号改变的须明示）以及所涉程序（逐一列明或者按条件筛选）；计划中的每个元素和程序都须存在",
         "A migration plan names the definition, its source and target version (two deployed versions of the same "
         "definition), the element mapping (by id by default, explicit where ids changed) and the procedures (listed "
         "or filtered); every element and procedure it names must exist",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-POSITION", "DecisionFlow 设计文档（运行中程序迁移至新版本流程定义）",
         "程序当前所处的每一待办环节和正在计算的期限在目标版本中都须存在且类型相同，已经过的每一元素在目标版本中都须有对应元素",
         "Every open step and running period of the procedure must exist, of the same type, in the target version, "
         "and every element it has passed must have a counterpart there",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-STEPS", ("DecisionFlow 设计文档（运行中程序迁移至新版本流程定义）；"
          "条例第二十五条、第二十八条、第三十一条至第三十三条等法定顺序"),
         "已办结的每一法定环节在目标版本中须以同一类型的环节计算，否则计划须写明重新办理该环节及其理由；从当前位置起，"
         "目标版本的每条剩余路径都须满足目标版本所适用法规的程序顺序（仍未履行的规则逐条列明规则编号），计划要求重新办理的环节"
         "须在每条剩余路径上",
         "Every statutory step already done must count as a step of the same kind in the target, or the plan names it "
         "to be redone and why; from the current position every remaining path of the target satisfies its statute's "
         "ordering rules (each rule still owed is named by its id), and every step to be redone lies on every "
         "remaining path",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-TIMER", "DecisionFlow 设计文档（运行中程序迁移至新版本流程定义）；条例第十五条等法定期限",
         "正在计算的期限迁移后保留原到期时间；目标版本中该期限不存在的不得迁移；期限规则改变的，计划须写明据以保留原到期时间的规则",
         "A running period keeps its due date through a migration; a period missing from the target forbids it; "
         "where the period's rule changed, the plan names the rule under which the due date is kept",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-FORM", "DecisionFlow 设计文档（运行中程序迁移至新版本流程定义）；条例第三十三条（决策过程记录）",
         "待办环节的表单在目标版本中须存在；程序的数据和已提交的文件原样保留（迁移前后摘要相同）",
         "The form of every open step must exist in the target; the procedure's data and documents carry over "
         "unchanged (the same digest before and after)",
         certainty="P", phase="engine"),
    Rule("DF-MIGRATE-APPROVAL", "DecisionFlow 设计文档（运行中程序迁移，双人审批）",
         "迁移由合法性审查机构人员说明理由后提出，经另一名有权人员（合法性审查机构人员或决策机关）批准后执行；提出人不能自行批准；"
         "每一程序在一个事务内迁移，作为一条链式历史记录，载明计划、理由、提出人、批准人和合法性证明；批量迁移逐个报告，"
         "未通过的程序不作任何改变",
         "A migration is proposed, with a reason, by the legality review office and carried out when a second "
         "authorised person (the review office or the decision organ) approves it, never the proposer; each "
         "procedure migrates in one transaction recorded as one chained event with the plan, reason, proposer, "
         "approver and proof; a batch reports per procedure and a procedure that fails is left unchanged",
         certainty="P", phase="engine"),
    Rule("DF-FOUR-EYES", "DecisionFlow 设计文档（双人审批）；网络安全等级保护基本要求（管理用户权限分离）",
         "授予审计监督角色或合法性审查类角色（合法性审查机构、法律顾问、公职律师）须经另一名系统管理员批准后生效，"
         "申请人不能自行批准；撤销角色立即生效；申请、批准和驳回均记入系统管理日志",
         "Granting the auditor role or a review role (legality review office, legal adviser, public lawyer) takes "
         "effect only when a second administrator approves it, never the one who asked; revoking a role takes "
         "effect at once; requests, approvals and rejections are recorded in the administration log",
         certainty="P", phase="engine"),
    Rule("DF-AUDIT", "DecisionFlow 设计不变量 4（防篡改记录）；网络安全等级保护基本要求（安全审计）",
         "登录、登录失败、账户锁定、密码和角色变更、API 令牌签发和撤销、流程定义部署、决策事项目录变更均记入链式、"
         "只增不改的系统管理日志，仅向审计监督人员开放；连续登录失败达到规定次数的账户在规定时间内锁定",
         "Logins, failed logins, lockouts, password and role changes, API token issue and revocation, definition "
         "deploys and catalogue changes are recorded in a chained, append-only administration log open to "
         "auditors; an account is locked for a set time after repeated failed logins",
         certainty="P", phase="engine"),
    Rule("DF-CHECKPOINT", "DecisionFlow 设计不变量 4、11（防篡改记录，数据库外的检查点）",
         "系统按时（默认每小时）和按需对全部程序历史链和系统管理日志的链头生成默克尔树根，签名并编号后写入数据库以外的"
         "目录，只增不改，并向社会公开；校验时以检查点核对数据库，检查点之前被整条重算的历史链能被发现",
         "On a schedule (hourly by default) and on demand, the system signs a numbered Merkle root over every "
         "procedure's chain head and the administration log's head, written append-only outside the database and "
         "published; verify checks the database against the checkpoints, so a chain recomputed inside the database "
         "is found back to the last checkpoint",
         certainty="P", phase="engine"),
    Rule("DF-INDICATOR", "DecisionFlow 设计不变量 4、11（法治指数由已校验的记录计算）",
         "法治指数各项指标只由链式历史记录计算，注明所依据的最新检查点，每个数字都列出其背后的程序；"
         "指标定义只能使用规定的声明式词汇，不得执行任意代码；查询须给出有效的起止日期和单位",
         "Rule-of-law indicators are computed from the chained history only, state the latest checkpoint they "
         "were computed against and list the procedures behind every figure; an indicator is defined in a fixed "
         "declarative vocabulary, never code; a query names valid dates and a known unit",
         certainty="P", phase="engine"),
    Rule("DF-SUPERVISION", "DecisionFlow 设计文档（督办）",
         "督办由督办人员发起：督办台账向督办人员和审计监督人员开放，督办通知只能由督办人员对未办结的步骤发出，"
         "并记入程序历史",
         "Supervision is the supervisors' task: the board is open to supervisors and auditors; only a supervisor "
         "sends a reminder, on an open step, and it is recorded in the procedure's history",
         certainty="P", phase="engine"),
)

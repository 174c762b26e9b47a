"""Rules of 重大执法决定法制审核 — legal review of major enforcement decisions (ER-…).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

RULES: tuple[Rule, ...] = (
    # === 6. Legal review of major enforcement decisions (重大执法决定法制审核) ===
    Rule("ER-1", "国办发〔2018〕118号；各地目录清单",
         "涉及重大公共利益、可能造成重大社会影响或者引发社会风险、直接关系当事人或者第三人重大权益、经过听证、"
         "案件疑难复杂涉及多个法律关系或者法律规定应当审核的执法决定，应当进行法制审核；"
         "执法机关按执法类别、层级、领域、金额等编制审核目录清单",
         "Enforcement decisions involving major public interest, possible major social impact or risk, major rights "
         "of a party or third party, a prior hearing, complex facts with several legal relations, or a legal "
         "requirement are reviewed; each organ keeps a catalogue by type, level, field and amount",
         certainty="M", phase="enforcement_review"),
    Rule("ER-2", "国办发〔2018〕118号；《行政处罚法》第五十八条",
         "未经法制审核或者审核未通过的，不得作出重大执法决定",
         "No major enforcement decision without legal review, or when the review did not pass; for penalties the "
         "review comes before the head decides",
         certainty="M", phase="enforcement_review"),
    Rule("ER-3", "《行政处罚法》第五十八条第二款；国办发〔2018〕118号",
         "法制审核由执法机关的法制机构负责，初次从事行政处罚决定法制审核的人员应当取得国家统一法律职业资格，"
         "审核人员与调查人员相分离",
         "The organ's legal office reviews; first-time reviewers of penalty decisions hold the national legal "
         "professional qualification; reviewers are separate from investigators",
         certainty="M", phase="enforcement_review"),
    Rule("ER-4", "国办发〔2018〕118号；地方规定示例",
         "送审应当提交拟作出的决定、送审报告（事实、依据、裁量）、证据材料以及听证笔录、评估报告等，"
         "材料不全的应当补充（如3个工作日内补充，逾期退回）",
         "Submission includes the proposed decision, a report (facts, basis, discretion), the evidence file and any "
         "hearing record or assessment report; incomplete materials are supplemented (e.g. within 3 working days, "
         "else returned)",
         certainty="M", phase="enforcement_review"),
    Rule("ER-5", "国办发〔2018〕118号",
         "法制审核内容包括执法主体和权限、执法人员资格、执法程序、事实是否清楚、证据是否合法充分、适用法律是否准确、"
         "裁量基准运用是否适当、文书是否完备以及是否涉嫌犯罪需要移送",
         "The review covers subject and authority, officers' qualification, procedure, clear facts with lawful and "
         "sufficient evidence, correct law and proper discretion, complete documents, and transfer of suspected "
         "crimes",
         certainty="M", phase="enforcement_review"),
    Rule("ER-6", "国办发〔2018〕118号",
         "法制机构出具同意或者存在问题的书面审核意见，执法承办机构对存在的问题研究处理后重新送审，"
         "意见不一致的通过协调机制或者集体讨论解决",
         "The written opinion agrees or finds problems with reasons; the enforcement unit handles them and "
         "resubmits; disagreements go to the coordination mechanism or collective discussion",
         certainty="M", phase="enforcement_review"),
    Rule("ER-7", "地方规定",
         "国家未规定法制审核时限，地方规定一般为7个或者10个工作日，经批准可以延长3个工作日",
         "No national time limit; local rules give 7 or 10 working days, extendable by 3 working days with approval",
         certainty="S", phase="enforcement_review"),
    Rule("ER-8", "《行政处罚法》第五十七条第二款",
         "对情节复杂或者重大违法行为给予较重的行政处罚，行政机关负责人应当集体讨论决定",
         "Heavy penalties for complex or major violations are decided collectively by the organ's heads",
         certainty="M", phase="enforcement_review"),
    Rule("ER-9", "国办发〔2018〕118号",
         "执法承办机构对送审材料的真实性、完整性负责，法制机构对审核意见负责，执法机关主要负责人是第一责任人",
         "The enforcement unit answers for the truth and completeness of the materials, the legal office for its "
         "opinion, and the organ's head is first responsible",
         certainty="M", phase="enforcement_review"),
)

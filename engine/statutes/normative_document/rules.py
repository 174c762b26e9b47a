"""Rules of 行政规范性文件 — drafting, review, registration, filing and validity (ND-…).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

_RC = "《行政复议法》"

RULES: tuple[Rule, ...] = (
    # === 5. Administrative normative documents (行政规范性文件) ===
    Rule("ND-1", "国办发〔2018〕37号；成都市人民政府令第241号第二条",
         "行政规范性文件是行政机关或者经授权的组织依照法定权限和程序制定并公开发布，涉及权利义务，具有普遍约束力，"
         "在一定期限内反复适用的公文，不包括规章，内部管理制度、会议纪要、工作方案、"
         "人事和涉密文件不属于行政规范性文件",
         "A normative document is issued by an administrative organ or authorised organisation within its powers "
         "and by procedure, published, touches rights and obligations, is generally binding and repeatedly "
         "applicable for a period; rules, internal rules, minutes, plans, personnel and secret documents are not",
         certainty="M", phase="normative_document"),
    Rule("ND-2", "国办发〔2018〕37号",
         "行政规范性文件不得增设行政许可、行政处罚、行政强制、收费等事项，没有上位法依据不得增加义务或者减损权利",
         "A normative document may not create licences, penalties, compulsory measures or fees, nor add obligations "
         "or cut rights without a basis in higher law",
         certainty="M", phase="normative_document"),
    Rule("ND-3", "法治政府示范指标",
         "对权利义务或者群众切身利益有重大影响的行政规范性文件应当公开征求意见，期限一般不少于7个工作日，"
         "与市场主体生产经营活动密切相关的不少于30日，并听取企业和行业协会商会意见",
         "Documents with major effect on rights and obligations or on people's vital interests are put out for "
         "comment, generally for at least 7 working days, at least 30 days where closely tied to market entities' "
         "business; enterprises and associations are heard",
         certainty="S", phase="normative_document"),
    Rule("ND-4", "国办发〔2018〕115号",
         "行政规范性文件提交集体审议前，应当由司法行政部门或者本机关法制机构进行合法性审核，"
         "未经审核或者经审核不合法的，不得提交集体审议，不得印发；材料不全的退回或者要求补充，"
         "审核时间一般不少于5个工作日、不超过15个工作日",
         "Before collective review every normative document is reviewed for legality by the justice department "
         "(government documents) or the organ's legal office (department documents); an unreviewed or unlawful one "
         "is neither submitted nor issued; incomplete materials are returned or supplemented; review generally "
         "takes 5 to 15 working days",
         certainty="M", phase="normative_document"),
    Rule("ND-5", "国办发〔2018〕37号",
         "行政规范性文件应当经政府常务会议或者部门办公会议集体审议决定，由主要负责人签发",
         "The organ's leadership reviews the document collectively (government standing meeting or department "
         "office meeting), then the principal head signs it",
         certainty="M", phase="normative_document"),
    Rule("ND-6", "国办发〔2018〕37号",
         "行政规范性文件实行统一登记、统一编号、统一印发，通过政府公报、政府网站和媒体公布，"
         "未经公布的不得作为行政管理依据",
         "Unified registration, numbering and issuing; publication through gazette, website and media; an "
         "unpublished document is no basis for administration",
         certainty="M", phase="normative_document"),
    Rule("ND-7", "《监督法》第三十九条、第四十条；四川省备案规定",
         "行政规范性文件应当报上一级人民政府和本级人大常委会备案，人大常委会可以撤销不适当的文件，"
         "报备期限按省级规定（通常为公布后30日内）",
         "The document is filed with the higher-level government and the same-level people's congress standing "
         "committee, which may revoke improper ones; the deadline follows provincial rules (commonly 30 days after "
         "publication)",
         certainty="M", phase="normative_document"),
    Rule("ND-8", "国办发〔2018〕37号及地方规定",
         "行政规范性文件有效期一般不超过5年（暂行、试行的通常不超过2年），届满前（如届满前6个月）"
         "由制定机关评估并决定修改、废止或者继续施行，未延续的到期失效",
         "Validity is generally at most 5 years (trial or interim documents often at most 2); before expiry (e.g. 6 "
         "months before) the organ evaluates and decides to amend, repeal or continue; an unrenewed document lapses",
         certainty="M", phase="normative_document"),
    Rule("ND-10", f"{_RC}第十三条、第五十六条至第六十条",
         "申请行政复议时，可以一并提出对行政规范性文件的附带审查申请（见RC-14）",
         "An applicant for reconsideration may request incidental review of a normative document (see RC-14)",
         certainty="V", phase="normative_document"),
    Rule("ND-11", "地方实践（如高青，2021）",
         "行政规范性文件同时属于重大行政决策的，既履行重大行政决策程序，又履行规范性文件的登记、公布和备案程序",
         "A normative document that is also a major decision follows the major-decision procedure plus the "
         "normative document's registration, publication and filing",
         certainty="S", phase="normative_document"),
)

"""Rules of 重大行政决策 — the national Regulation (国务院令第713号) and Sichuan's rules (SC-…).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

_MD = "《重大行政决策程序暂行条例》"
_SC = "川府发〔2025〕4号"

RULES: tuple[Rule, ...] = (
    # === 3. Major administrative decisions: national Regulation (国务院令第713号) ===
    # Scope and catalogue (Art. 2–8)
    Rule("MD-2", f"{_MD}第二条、第四十二条",
         "县级以上地方人民政府重大行政决策的作出和调整适用本条例，县级以上人民政府部门和乡级人民政府参照执行",
         "Applies to local governments at county level and above; their departments and township governments apply "
         "it by reference",
         certainty="V", phase="scope"),
    Rule("MD-3a", f"{_MD}第三条第一款",
         "重大行政决策事项限于五类：重大公共政策和措施，重要经济社会发展规划，"
         "开发利用、保护重要自然资源和文化资源的重大公共政策和措施，重大公共建设项目，"
         "对经济社会发展有重大影响、涉及重大公共利益或者社会公众切身利益的其他重大事项",
         "A matter is one of five categories: major public policy; important economic or social plans; policy on "
         "important natural and cultural resources; major public construction projects; other matters with major "
         "impact on development, the public interest or people's vital interests",
         certainty="V", phase="scope"),
    Rule("MD-3b", f"{_MD}第三条第二款",
         "财政政策、货币政策等宏观调控决策，政府立法决策以及突发事件应急处置决策不适用本条例；"
         "法律、行政法规对决策程序另有规定的，依照其规定",
         "Fiscal, monetary and other macro-control decisions, government legislation and emergency response are "
         "excluded; a law or administrative regulation with its own decision procedure prevails",
         certainty="V", phase="scope"),
    Rule("MD-3c", f"{_MD}第三条第三款",
         "决策机关可以确定决策事项目录、标准，经同级党委同意后向社会公布，并根据实际情况调整",
         "The decision organ may fix a catalogue and standards of decision matters, publish them after the "
         "same-level party committee agrees, and adjust them",
         certainty="V", phase="scope"),
    Rule("MD-8", f"{_MD}第八条",
         "依法应当由人民代表大会或者其常务委员会讨论决定、或者在出台前向其报告的决策事项，按照有关规定办理",
         "Matters that the people's congress or its standing committee decides, or that are reported to it before "
         "issue, follow those rules",
         certainty="V", phase="scope"),

    # Initiation (Art. 10–11)
    Rule("MD-10", f"{_MD}第十条",
         "决策建议经研究论证后报请决策机关决定是否启动决策程序；部门或者下级人民政府提出建议的，"
         "应当论证拟解决的问题、理由和依据、初步解决方案及其必要性、可行性",
         "A proposal is studied before the decision organ decides whether to launch the procedure; one from a "
         "department or lower government argues the problem, reasons and basis, a preliminary solution, necessity "
         "and feasibility",
         certainty="V", phase="initiation"),
    Rule("MD-11", f"{_MD}第十一条",
         "决策机关决定启动决策程序的，应当明确决策承办单位；有多个承办单位的，应当明确牵头单位",
         "Launching the procedure names the sponsoring unit; with several units, one lead",
         certainty="V", phase="initiation"),

    # Drafting (Art. 12–13)
    Rule("MD-12a", f"{_MD}第十二条第一款、第二款",
         "决策承办单位应当在调查研究、充分协商协调的基础上拟订决策草案，"
         "并全面梳理与决策事项有关的法律、法规、规章和政策",
         "The sponsor drafts after research and coordination and lists the governing laws, regulations, rules and "
         "policies",
         certainty="V", phase="drafting"),
    Rule("MD-12b", f"{_MD}第十二条第三款",
         "决策承办单位根据需要对决策事项涉及的人财物投入、资源消耗、环境影响等成本和经济、社会、环境效益进行分析预测",
         "As needed, the sponsor analyses the costs (people, money, resources, environment) and the economic, "
         "social and environmental benefits",
         certainty="V", phase="drafting"),
    Rule("MD-12c", f"{_MD}第十二条第四款",
         "有关方面对决策事项存在较大分歧的，决策承办单位可以提出两个以上方案；只提出一个方案的，应当记录理由",
         "Where views differ sharply the sponsor may offer two or more options; offering only one needs a recorded "
         "reason",
         certainty="P", phase="drafting"),
    Rule("MD-13", f"{_MD}第十三条",
         "决策事项涉及有关部门或者下级人民政府职责的，应当充分协商；协商不成的，"
         "决策承办单位应当向决策机关说明争议焦点、各方意见和本单位意见及理由、依据",
         "Departments or lower governments whose duties are touched are consulted fully; without agreement the "
         "sponsor reports the disputed points, each side's view and its own, with reasons and basis",
         certainty="V", phase="drafting"),

    # Public participation (Art. 14–18)
    Rule("MD-14a", f"{_MD}第十四条第一款、第二款",
         "决策承办单位应当采取座谈会、听证会、实地走访、书面征求意见、向社会公开征求意见、问卷调查、"
         "民意调查等便于社会公众参与的方式充分听取意见，依法不予公开的决策事项除外",
         "The public is heard by convenient methods (symposium, hearing, visits, written consultation, public "
         "comment, questionnaire, poll), except matters not disclosed by law",
         certainty="V", phase="participation"),
    Rule("MD-14b", f"{_MD}第十四条第三款",
         "决策事项涉及特定群体利益的，应当与相关人民团体、社会组织以及群众代表进行沟通协商，充分听取意见",
         "Where specific groups' interests are affected, the relevant people's and social organisations and "
         "representatives are consulted",
         certainty="V", phase="participation"),
    Rule("MD-15a", f"{_MD}第十五条第一款",
         "向社会公开征求意见的，应当通过政府网站、政务新媒体以及报刊、广播、电视等途径公布决策草案及其说明等材料，"
         "明确提出意见的方式和期限",
         "A comment call publishes the draft and its explanation via government website, new media, press, radio or "
         "TV, stating how and until when to comment",
         certainty="V", phase="participation"),
    Rule("MD-15b", f"{_MD}第十五条第一款",
         "公开征求意见的期限一般不少于30日；因情况紧急等原因需要缩短期限的，应当在公开征求意见时予以说明",
         "The comment period is generally at least 30 days; a shorter one, for urgency or a similar reason, is "
         "explained in the call itself",
         certainty="V", phase="participation"),
    Rule("MD-15c", f"{_MD}第十五条第二款",
         "对社会公众普遍关心或者专业性、技术性较强的问题，可以通过专家访谈等方式进行解释说明",
         "Questions of wide public concern or technical ones may be explained through expert interviews and the like",
         certainty="V", phase="participation"),
    Rule("MD-16a", f"{_MD}第十六条第一款",
         "决策事项直接涉及公民、法人、其他组织切身利益或者存在较大分歧的，可以召开听证会；"
         "法律、法规、规章要求召开听证会的，应当召开",
         "A hearing may be held where vital interests are directly affected or views differ sharply, and must be "
         "held where a law, regulation or rule requires it",
         certainty="V", phase="participation"),
    Rule("MD-16b", f"{_MD}第十六条第二款",
         "召开听证会的，应当提前公布决策草案及其说明等材料，明确听证时间、地点等信息",
         "The draft, its explanation and the hearing's time and place are published in advance",
         certainty="V", phase="participation"),
    Rule("MD-16c", f"{_MD}第十六条第三款",
         "听证参加人的遴选办法应当提前公布，公平公开遴选参加人，确保相关各方都有代表参加，"
         "参加人名单应当提前向社会公布",
         "The participant selection method is published in advance, participants are chosen fairly and openly with "
         "every side represented, and the list is published in advance",
         certainty="V", phase="participation"),
    Rule("MD-16d", f"{_MD}第十六条第三款",
         "听证材料应当于听证会7日前送达听证参加人",
         "Hearing materials reach the participants 7 days before the hearing",
         certainty="V", phase="participation"),
    Rule("MD-17", f"{_MD}第十七条",
         "听证会应当公开举行，决策承办单位介绍决策草案、依据和有关情况，参加人陈述意见、进行询问、质证和辩论，"
         "听证笔录经参加人确认并签字",
         "The hearing is public: the sponsor presents the draft, basis and facts; participants state views, "
         "question, cross-examine and debate; they confirm and sign the record",
         certainty="V", phase="participation"),
    Rule("MD-18", f"{_MD}第十八条",
         "决策承办单位应当对社会各方面提出的意见进行归纳整理、研究论证，充分采纳合理意见，完善决策草案",
         "Opinions are sorted and studied, reasonable ones adopted, and the draft improved",
         certainty="V", phase="participation"),

    # Expert argumentation (Art. 19–21)
    Rule("MD-19a", f"{_MD}第十九条第一款",
         "专业性、技术性较强的决策事项，决策承办单位应当组织专家、专业机构对其必要性、可行性、科学性等进行论证",
         "Professional or technical matters must be argued by experts or expert institutions (necessity, "
         "feasibility, soundness)",
         certainty="V", phase="expert"),
    Rule("MD-19b", f"{_MD}第十九条第二款",
         "专家、专业机构应当独立开展论证工作并履行保密义务，提供书面论证意见的，应当署名、盖章",
         "Experts work independently and keep secrets; written opinions are signed by the experts and sealed by the "
         "institutions",
         certainty="V", phase="expert"),
    Rule("MD-20", f"{_MD}第二十条",
         "专家论证可以采取论证会、书面咨询、委托咨询论证等方式，选择专家、专业机构应当注重专业性、代表性和中立性，"
         "注重选择持不同意见的专家，不得选择与决策事项有直接利害关系的专家、专业机构",
         "Argumentation is by meeting, written or commissioned consultation; experts are professional, "
         "representative and neutral, dissenting experts are sought, and no expert or institution with a direct "
         "interest is chosen",
         certainty="V", phase="expert"),
    Rule("MD-21", f"{_MD}第二十一条",
         "省级人民政府应当建立决策咨询论证专家库，设区的市和县级人民政府可以建立，"
         "未建立的可以使用上级人民政府的专家库",
         "Provinces must keep expert pools; cities and counties may, and otherwise use the higher-level pool",
         certainty="V", phase="expert"),

    # Risk assessment (Art. 22–24)
    Rule("MD-22a", f"{_MD}第二十二条第一款",
         "决策的实施可能对社会稳定、公共安全等方面造成不利影响的，"
         "决策承办单位或者负责风险评估工作的其他单位应当组织评估决策草案的风险可控性",
         "Where implementation may harm social stability, public safety and the like, the sponsor (or the unit in "
         "charge) assesses whether the risk is controllable",
         certainty="V", phase="risk"),
    Rule("MD-22b", f"{_MD}第二十二条第二款",
         "按照有关规定已对有关风险进行评价、评估的，不作重复评估",
         "Risks already assessed under other rules are not assessed twice",
         certainty="V", phase="risk"),
    Rule("MD-23", f"{_MD}第二十三条",
         "风险评估可以采取舆情跟踪、重点走访、会商分析等方式，运用定性分析与定量分析等方法，听取有关部门意见，"
         "形成评估报告，明确风险点，提出风险防范措施和处置预案；可以委托第三方进行",
         "Risk assessment uses opinion tracking, visits, joint analysis, qualitative and quantitative methods, "
         "hears the departments concerned and reports risk points, prevention measures and a contingency plan; a "
         "third party may do it",
         certainty="V", phase="risk"),
    Rule("MD-24", f"{_MD}第二十四条",
         "风险评估结果应当作为决策的重要依据，风险可控的可以作出决策；风险不可控的，"
         "应当在调整决策草案等措施确保风险可控后再作出决策",
         "The assessment is an important basis: a controllable risk allows a decision; an uncontrollable one only "
         "after the draft is adjusted to make it controllable",
         certainty="V", phase="risk"),

    # Legality review (Art. 25–28)
    Rule("MD-25a", f"{_MD}第二十五条第一款",
         "决策草案提交决策机关讨论前，应当由负责合法性审查的部门进行合法性审查，不得以征求意见等方式代替，"
         "决策承办单位不得自行审查",
         "Before deliberation the draft is reviewed by the legality review office; soliciting opinions does not "
         "replace it, and the sponsoring unit never reviews its own draft",
         certainty="V", phase="legality"),
    Rule("MD-25b", f"{_MD}第二十五条第二款",
         "决策草案未经合法性审查或者经审查不合法的，不得提交决策机关讨论",
         "A draft not reviewed, or found unlawful, may not go to deliberation",
         certainty="V", phase="legality"),
    Rule("MD-25c", f"{_MD}第二十五条第二款",
         "对国家尚无明确规定的探索性改革决策事项，可以明示法律风险，提交决策机关讨论",
         "An exploratory reform with no clear national rule may go to deliberation with its legal risk expressly "
         "stated",
         certainty="V", phase="legality"),
    Rule("MD-26a", f"{_MD}第二十六条第一款",
         "送请合法性审查，应当提供决策草案及相关材料，包括有关法律、法规、规章等依据和履行决策法定程序的说明；"
         "材料不符合要求的，负责合法性审查的部门可以退回或者要求补充",
         "A review request carries the draft, related materials, the legal bases and an account of the statutory "
         "procedures performed; unsuitable materials may be returned or a supplement requested",
         certainty="V", phase="legality"),
    Rule("MD-26b", f"{_MD}第二十六条第二款",
         "送请合法性审查，应当保证必要的审查时间，一般不少于7个工作日",
         "The requester leaves the time the review needs, generally at least 7 working days",
         certainty="V", phase="legality"),
    Rule("MD-27", f"{_MD}第二十七条",
         "合法性审查的内容包括决策事项是否符合法定权限、决策草案的形成是否履行相关法定程序、"
         "决策草案内容是否符合有关法律、法规、规章和国家政策的规定",
         "The review covers the organ's authority, whether the statutory procedures were followed, and whether the "
         "content conforms to laws, regulations, rules and national policy",
         certainty="V", phase="legality"),
    Rule("MD-28a", f"{_MD}第二十八条",
         "负责合法性审查的部门应当及时提出合法性审查意见并对其负责，"
         "在合法性审查过程中应当组织法律顾问、公职律师提出法律意见",
         "The review office gives its opinion promptly and answers for it, and has legal advisers and public "
         "lawyers give legal opinions",
         certainty="V", phase="legality"),
    Rule("MD-28b", f"{_MD}第二十八条",
         "决策承办单位根据合法性审查意见进行必要的调整或者补充，调整后的决策草案应当重新送请合法性审查",
         "The sponsor adjusts or supplements the draft as the opinion requires; a changed draft goes back to review",
         certainty="V", phase="legality"),

    # Deliberation and decision (Art. 29–30)
    Rule("MD-29", f"{_MD}第二十九条",
         "决策草案提交讨论，应当报送决策草案及其说明等材料（涉及市场主体经济活动的附公平竞争审查情况）"
         "、公众意见和专家论证意见的研究采纳情况、风险评估报告、合法性审查意见等",
         "The deliberation packet holds the draft and materials (with the fair competition review where market "
         "entities' economic activity is concerned), the adoption of public and expert opinions, the risk report "
         "where one was made, and the legality review opinion",
         certainty="V", phase="deliberation"),
    Rule("MD-30a", f"{_MD}第三十条第一款",
         "决策草案应当经决策机关常务会议或者全体会议讨论，由行政首长在集体讨论基础上作出决定",
         "The draft is discussed at the standing or plenary meeting, and the head decides on that basis",
         certainty="V", phase="deliberation"),
    Rule("MD-30b", f"{_MD}第三十条第二款",
         "讨论决策草案，会议组成人员应当充分发表意见，行政首长最后发表意见",
         "Members speak fully; the head speaks last",
         certainty="V", phase="deliberation"),
    Rule("MD-30c", f"{_MD}第三十条第二款",
         "行政首长拟作出的决定与会议组成人员多数人的意见不一致的，应当在会上说明理由；赞成与反对人数相同的，"
         "按不一致处理",
         "A head whose decision differs from the members' majority states reasons at the meeting; a tie counts as "
         "differing",
         certainty="P", phase="deliberation"),
    Rule("MD-30d", f"{_MD}第三十条第三款",
         "集体讨论决定情况应当如实记录，不同意见应当如实载明",
         "The deliberation is recorded truthfully, dissent included",
         certainty="V", phase="deliberation"),

    # Report, publication and archive (Art. 31–33)
    Rule("MD-31", f"{_MD}第三十一条（并见第四条）",
         "重大行政决策出台前应当按照规定向同级党委请示报告",
         "The decision is reported to the same-level party committee before it is issued",
         certainty="V", phase="report_publication_archive"),
    Rule("MD-32", f"{_MD}第三十二条",
         "决策机关应当通过政府公报、政府网站以及本行政区域内发行的报纸等途径及时公布重大行政决策，"
         "对社会公众普遍关心或者专业性、技术性较强的决策，应当说明公众意见、专家论证意见的采纳情况并做好解读，"
         "依法不予公开的除外",
         "The decision is published promptly (gazette, website, local newspapers); for matters of wide concern or "
         "technical ones the adoption of public and expert opinions is explained and the decision interpreted, "
         "except where the law bars disclosure",
         certainty="V", phase="report_publication_archive"),
    Rule("MD-33a", f"{_MD}第三十三条",
         "决策机关应当建立重大行政决策过程记录和材料归档制度，及时完整归档",
         "The decision process is recorded, and all records and materials are archived promptly and completely",
         certainty="V", phase="report_publication_archive"),
    Rule("MD-33b", f"{_MD}第三十三条、第三十九条",
         "决策过程记录应当真实完整，已完成的步骤不得修改、删除或者重复办理，更正只能通过后续步骤作出",
         "The record is true: a completed step is never edited, deleted or done again; corrections come only by "
         "later steps",
         certainty="P", phase="report_publication_archive"),

    # Liability: what the record must prove (Art. 38–41)
    Rule("MD-38", f"{_MD}第三十八条",
         "决策机关违反本条例规定的，由上一级行政机关责令改正并依法追究责任；"
         "决策严重失误或者久拖不决造成重大损失、恶劣影响的，实行终身责任追究，"
         "对严重失误的决策明确持不同意见的人员按照规定减免责任",
         "The organ answers to the higher authority; a seriously wrong decision or undue delay brings lifelong "
         "accountability; members who opposed a seriously wrong decision have their liability reduced",
         certainty="V", phase="liability"),
    Rule("MD-39", f"{_MD}第三十九条",
         "决策承办单位或者承担决策有关工作的单位未按照规定履行决策程序或者弄虚作假的，依法追究责任；"
         "步骤只能在前序步骤完成后按顺序办理",
         "Sponsors and working units that skip the statutory procedure or falsify are liable: a step is done only "
         "when the steps before it are",
         certainty="V", phase="liability"),
    Rule("MD-40", f"{_MD}第四十条",
         "决策执行单位拒不执行、拖延执行重大行政决策，或者对执行中发现的问题瞒报、谎报的，依法追究责任",
         "Execution units that refuse or delay execution, or conceal or misreport problems, are liable",
         certainty="V", phase="liability"),
    Rule("MD-41", f"{_MD}第四十一条",
         "专家、专业机构违反职业道德和本条例规定的，予以通报批评，并可以取消其论证评估资格",
         "Experts and institutions that breach professional ethics are publicly criticised and may lose their "
         "eligibility",
         certainty="V", phase="liability"),

    # === 4. Sichuan additions and tightenings (川府发〔2025〕4号 and local rules) ===
    Rule("SC-1", f"{_SC}第二条、第三条",
         "本规定适用于四川省县级以上地方人民政府的重大行政决策，坚持党的领导，决策出台前向同级党委请示报告",
         "Applies to county-level and higher governments in Sichuan; restates party leadership and the report to "
         "the same-level party committee before issue",
         certainty="S", phase="sichuan"),
    Rule("SC-2", f"{_SC}第四条",
         "决策事项中的规划包括发展规划、空间规划、专项规划和区域规划，公共建设项目是指政府投资的基础设施和民生项目",
         "Plans include development, spatial, special and regional plans; public construction projects are "
         "government-invested infrastructure and livelihood projects",
         certainty="S", phase="sichuan"),
    Rule("SC-3", f"{_SC}第十六条；川办发〔2025〕20号",
         "决策事项目录按年度动态管理，事项的增加、取消或者变更由决策承办单位提出并按规定审批，"
         "目录经同级党委和政府同意后印发",
         "The catalogue is yearly and dynamic; adding, cancelling or changing an item is proposed by the sponsor "
         "and approved; catalogues are issued with the party committee's and the government's consent",
         certainty="S", phase="sichuan"),
    Rule("SC-4", "川办发〔2025〕20号；广府办〔2025〕27号",
         "重大行政决策实行一事一档，全过程记录并归档",
         "One matter, one file: each decision is archived with its whole process recorded",
         certainty="S", phase="sichuan"),
    Rule("SC-5", "广府办〔2025〕27号（广汉市）",
         "除国家规定的程序外，决策承办单位还应当开展公平竞争审查、宏观政策取向一致性评估和为基层减负一致性评估",
         "Besides the national steps, sponsors carry out a fair competition review, a consistency assessment with "
         "macro policy and a consistency assessment on reducing burdens on grassroots units",
         certainty="S", phase="sichuan"),
    Rule("SC-6", f"{_SC}（仅见律师事务所解读，条文未核实）",
         "决策草案提交政府集体讨论前，由政府党组前置研究",
         "The government's party leadership group (党组) deliberates on the draft before the government meeting "
         "(reported only in a law-firm commentary)",
         certainty="M", phase="sichuan"),
    Rule("SC-7", "《绵竹市人民政府重大行政决策程序暂行规定》第四条",
         "行政规范性文件、内部事务和人事、突发事件应急处置以及涉密事项按照各自程序办理，"
         "有关单位在职权范围内能够决定的事项自行决定",
         "Normative documents, internal and personnel affairs, emergency response and secret matters follow their "
         "own procedures; units able to decide within their powers decide themselves",
         certainty="S", phase="sichuan"),
)

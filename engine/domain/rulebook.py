"""The catalogue of rules: the one table that domain errors cite and that legal staff read.

Each rule maps an id to its article, a one-sentence statement in Chinese and in English,
how sure we are of it and the phase of the procedure it governs. Domain errors carry
only the id; the article and text come from here, so a refusal, the docs and the tests
all name the same rule.

Ids of the law (MD-…, SC-…, ND-…, ER-…, RC-…) are exactly those of
../shared/domain/regulation.md (tests/unit/test_rulebook.py keeps the two in step); in
MD ids the number is the article of the national Regulation and a letter splits an
article. DF-… ids are the engine's own rules that keep the law's order in a computer
(no skipping, no editing history, valid input).

`certainty` is the mark regulation.md gives the rule (a rule resting on several sources
takes the weakest): V verified against the full text of the law; S seen in a secondary
or local source; M from memory, not re-checked (keep its numbers configurable and
confirm them with the county 司法局); P the project's reading where the law is silent or
vague (never weaker than the law). The engine's own DF-… rules are P.
"""

from __future__ import annotations

from dataclasses import dataclass

CERTAINTY: dict[str, str] = {
    "V": "checked against the full text of the law",
    "S": "seen in a secondary or local source, not the national text",
    "M": "from memory, not re-checked: keep the number configurable; confirm with the county 司法局",
    "P": "project reading where the law is silent or vague (conservative, never weaker than the law)",
}

# The phases of a major decision (MD rules) in the order of the procedure; the first
# nine make up the decision-making itself (MD-2 … MD-33b), the last two follow it.
MD_PHASES: tuple[str, ...] = (
    "scope", "initiation", "drafting", "participation", "expert", "risk", "legality", "deliberation",
    "report_publication_archive", "execution", "liability",
)
DECISION_MAKING_PHASES: frozenset[str] = frozenset(MD_PHASES[:9])

# The phases a rule of each id prefix may have.
PHASES: dict[str, tuple[str, ...]] = {
    "MD": MD_PHASES,
    "SC": ("sichuan",),
    "ND": ("normative_document",),
    "ER": ("enforcement_review",),
    "RC": ("reconsideration",),
    "DF": ("engine",),
}


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    zh: str
    en: str
    certainty: str
    phase: str

    def __post_init__(self) -> None:
        if self.certainty not in CERTAINTY:
            raise ValueError(f"{self.id}: certainty {self.certainty!r} is not one of {sorted(CERTAINTY)}")
        if self.phase not in PHASES.get(self.prefix, ()):
            raise ValueError(f"{self.id}: phase {self.phase!r} does not fit prefix {self.prefix!r}")

    @property
    def prefix(self) -> str:
        """MD, SC, ND, ER, RC or DF."""
        return self.id.split("-", 1)[0]

    @property
    def decision_making(self) -> bool:
        """True for MD rules of the decision-making itself (MD-2 … MD-33b), not execution or liability."""
        return self.prefix == "MD" and self.phase in DECISION_MAKING_PHASES


def decision_making(rule: Rule | str) -> bool:
    """Whether the rule (or rule id) governs the decision-making phase of a major decision."""
    return (RULES[rule] if isinstance(rule, str) else rule).decision_making


_MD = "《重大行政决策程序暂行条例》"
_SC = "川府发〔2025〕4号"
_RC = "《行政复议法》"

_CATALOGUE: tuple[Rule, ...] = (
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

    # Execution and adjustment (Art. 34–37)
    Rule("MD-34", f"{_MD}第三十四条",
         "决策机关应当明确决策执行单位并对执行情况进行督促检查，决策执行单位应当全面、及时、正确执行并报告执行情况",
         "The organ names the execution unit and supervises it; the unit executes the decision and reports",
         certainty="V", phase="execution"),
    Rule("MD-35", f"{_MD}第三十五条",
         "决策执行单位发现决策存在问题、客观情况发生重大变化或者发生不可抗力等情形的，应当及时报告；"
         "公民、法人或者其他组织可以通过信件、电话、电子邮件等方式反映意见",
         "The execution unit reports promptly on problems, major changes or force majeure; citizens and "
         "organisations may send views by letter, phone or e-mail",
         certainty="V", phase="execution"),
    Rule("MD-36a", f"{_MD}第三十六条第一款",
         "决策明显未达到预期效果、社会各方面提出较多意见或者决策机关认为有必要的，决策机关可以组织决策后评估，"
         "并确定承担评估具体工作的单位",
         "The organ may order a post-decision evaluation when the aims are clearly missed, many opinions arrive, or "
         "it sees fit, naming the evaluator",
         certainty="V", phase="execution"),
    Rule("MD-36b", f"{_MD}第三十六条第二款",
         "开展决策后评估可以委托专业机构、社会组织等第三方进行，决策作出前承担主要论证评估工作的单位除外",
         "A third party may evaluate, except the unit that did the main argumentation or assessment before the "
         "decision",
         certainty="V", phase="execution"),
    Rule("MD-36c", f"{_MD}第三十六条第三款、第四款",
         "决策后评估应当注重听取社会公众意见，吸收人大代表、政协委员、人民团体、基层组织、社会组织等参与，"
         "评估结果应当作为调整决策的重要依据",
         "The evaluation hears the public with deputies, CPPCC members, people's and grassroots organisations "
         "taking part; its result is an important basis for adjusting the decision",
         certainty="V", phase="execution"),
    Rule("MD-37a", f"{_MD}第三十七条",
         "依法作出的重大行政决策，未经法定程序不得随意变更或者停止执行；需要作出重大调整的，"
         "应当依照本条例履行相关法定程序",
         "A decision is not changed or stopped without the statutory procedure; a major adjustment repeats the "
         "relevant procedure",
         certainty="V", phase="execution"),
    Rule("MD-37b", f"{_MD}第三十七条",
         "执行中出现本条例第三十五条规定的情形、情况紧急的，行政首长可以先决定中止执行",
         "In the situations of Art. 35 and in an emergency the head may first suspend execution",
         certainty="V", phase="execution"),

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
    Rule("ND-9", "国办发〔2018〕37号及地方规定",
         "行政规范性文件应当定期清理和专项清理，与上位法相抵触、缺乏依据或者不再适应的予以修改或者废止，"
         "公布继续有效、废止和失效的文件目录，未列入继续有效目录的不得作为行政管理依据",
         "Periodic and special clean-ups amend or repeal documents that conflict with higher law, lack a basis or "
         "no longer fit; the lists of continuing, repealed and lapsed documents are published; a document not on "
         "the continuing list is no basis",
         certainty="S", phase="normative_document"),
    Rule("ND-10", f"{_RC}第十三条、第五十六条至第六十条",
         "申请行政复议时，可以一并提出对行政规范性文件的附带审查申请（见RC-14）",
         "An applicant for reconsideration may request incidental review of a normative document (see RC-14)",
         certainty="V", phase="normative_document"),
    Rule("ND-11", "地方实践（如高青，2021）",
         "行政规范性文件同时属于重大行政决策的，既履行重大行政决策程序，又履行规范性文件的登记、公布和备案程序",
         "A normative document that is also a major decision follows the major-decision procedure plus the "
         "normative document's registration, publication and filing",
         certainty="S", phase="normative_document"),

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

    # === 7. Administrative reconsideration (《行政复议法》, in force 2024-01-01) ===
    Rule("RC-1", f"{_RC}第十一条至第十三条",
         "行政复议范围包括行政处罚、行政强制、行政许可、征收征用、不履行法定职责、政府信息公开、行政协议等十五类；"
         "国家行为、规章和具有普遍约束力的决定命令、内部人事处理、民事调解等不属于；"
         "可以一并请求审查规章以外的行政规范性文件",
         "Fifteen kinds of acts are reviewable, incl. penalties, compulsion, licences, expropriation, failure to "
         "perform duties, information disclosure and administrative agreements; state acts, rules and generally "
         "binding documents, internal personnel decisions and civil mediation are not; normative documents below "
         "rules may be reviewed incidentally",
         certainty="V", phase="reconsideration"),
    Rule("RC-2", f"{_RC}第二十条、第二十一条",
         "应当自知道或者应当知道行政行为之日起60日内申请行政复议，法律规定超过60日的除外，"
         "因不可抗力等正当理由耽误的期限中止；未告知申请权利的自知道之日起计算，但最长不超过知道行政行为之日起1年；"
         "自行政行为作出之日起不动产超过20年、其他超过5年的不予受理",
         "Apply within 60 days of knowing of the act (longer if a law says); an obstacle suspends the period; if "
         "not told of the right, from knowing it but at most 1 year after knowing the act; never after 20 years "
         "(real property) or 5 years (others) from the act",
         certainty="V", phase="reconsideration"),
    Rule("RC-3", f"{_RC}第二十二条至第二十四条、第二十七条至第二十九条",
         "申请可以书面或者口头提出，一个行政行为一份申请，第二十三条所列情形复议前置；"
         "县级人民政府管辖对本级部门、下一级政府、派出机关和授权组织行为的申请，垂直领导系统向上一级申请，"
         "人民法院已经受理的不得申请",
         "Apply in writing (post, designated internet channel, in person) or orally (recorded on the spot), one "
         "application per act, with the Art. 23 cases going to reconsideration first; the county government hears "
         "cases against its departments, the lower government, its dispatched organs and authorised organisations; "
         "vertical systems go upward; not while a court has accepted the case",
         certainty="V", phase="reconsideration"),
    Rule("RC-4", f"{_RC}第三十条",
         "行政复议机关收到申请后，应当在5个工作日内按七项条件进行审查，不予受理的在该期限内决定并说明理由，"
         "期限届满未作出不予受理决定的，视为受理",
         "The application is reviewed within 5 working days against seven conditions; non-acceptance is decided in "
         "that period with reasons; no decision by its end means it is accepted",
         certainty="V", phase="reconsideration"),
    Rule("RC-5", f"{_RC}第三十一条",
         "申请材料不齐全或者表述不清楚的，应当在5个工作日内书面通知补正并一次性载明需要补正的事项，"
         "申请人应当在10个工作日内补正（有正当理由的可以延长），无正当理由逾期不补正的视为放弃申请",
         "An incomplete application gets one written notice within 5 working days listing every gap; the applicant "
         "has 10 working days (extendable for good reason); no supplement and no reason means the application is "
         "abandoned; after a supplement Art. 30 applies again",
         certainty="V", phase="reconsideration"),
    Rule("RC-6", f"{_RC}第三十二条至第三十五条",
         "向作出行政处罚决定的机关提交的申请应当在5个工作日内转送；受理后发现不符合条件的驳回申请；"
         "复议前置案件不予受理或者期满不答复的，可以在15日内提起诉讼；无正当理由不予受理的，可以向上级机关反映",
         "Applications lodged with the penalty organ are forwarded within 5 working days; an accepted application "
         "that fails the conditions is dismissed; in reconsideration-first cases suit may be brought within 15 days "
         "of refusal or silence; complaints go to the higher organ",
         certainty="V", phase="reconsideration"),
    Rule("RC-7", f"{_RC}第三十六条、第三十九条至第四十二条",
         "行政复议适用普通程序或者简易程序并指定承办人员；有十种法定情形之一的中止审理并书面告知，"
         "中止原因消除后恢复；有五种法定情形之一的终止；复议期间行政行为不停止执行，法定四种情形除外",
         "Ordinary or simplified procedure with a designated officer; suspension on ten grounds with written "
         "notice, resumed when cleared; termination on five grounds; the act is not stayed except in four cases",
         certainty="V", phase="reconsideration"),
    Rule("RC-8", f"{_RC}第四十三条至第四十七条",
         "被申请人对其行政行为的合法性、适当性负举证责任；调查取证时工作人员不得少于两人并出示证件；"
         "复议期间被申请人不得自行收集证据；当事人可以查阅有关材料，涉密等情形除外",
         "The respondent bears the burden of proof; at least two officers investigate and show ID; the respondent "
         "gathers no new evidence during the case; parties may inspect the materials, with secrecy exceptions",
         certainty="V", phase="reconsideration"),
    Rule("RC-9", f"{_RC}第四十八条、第四十九条",
         "适用普通程序的，应当自受理之日起7个工作日内将申请书副本送被申请人，"
         "被申请人应当自收到之日起10个工作日内提出书面答复并提交证据、依据；"
         "应当当面或者通过互联网、电话等方式听取当事人意见，因当事人原因不能听取的可以书面审理",
         "Ordinary procedure: a copy to the respondent within 7 working days of acceptance; reply with evidence and "
         "basis within 10 working days of receipt; the parties are heard (in person, online, by phone) and "
         "recorded; written review only when a party makes hearing impossible",
         certainty="V", phase="reconsideration"),
    Rule("RC-10", f"{_RC}第五十条至第五十二条",
         "重大、疑难、复杂的案件应当组织听证，认为必要或者申请人请求的可以听证；"
         "听证由一名主持人、两名以上听证员和一名记录员进行，应当于举行听证5个工作日前书面通知当事人，"
         "申请人无正当理由拒不参加的视为放弃听证权利，被申请人负责人应当参加听证或者委托相应工作人员参加",
         "A hearing is mandatory for major, difficult or complex cases and optional when needed or requested; one "
         "presiding officer, at least two hearing officers and a recorder; written notice 5 working days before; "
         "the applicant's unexcused absence waives the hearing; the respondent's head attends or delegates with "
         "reason",
         certainty="V", phase="reconsideration"),
    Rule("RC-11", f"{_RC}第五十三条至第五十五条",
         "事实清楚、权利义务关系明确、争议不大，且属于当场作出、警告或者通报批评、"
         "3000元以下罚款或者政府信息公开案件的，或者当事人各方同意的，可以适用简易程序；副本3个工作日内发送，"
         "被申请人5个工作日内答复，可以书面审理，经复议机构负责人批准可以转为普通程序",
         "Simplified procedure when the facts are clear and the dispute small and the act was on-the-spot, a "
         "warning or circulated criticism, a fine up to 3,000 yuan or information disclosure, or when all parties "
         "agree; copy within 3 working days, reply within 5; written review allowed; switch to ordinary with the "
         "office head's approval",
         certainty="V", phase="reconsideration"),
    Rule("RC-12", f"{_RC}第六十一条、第六十二条",
         "行政复议机构提出意见，经行政复议机关负责人同意或者集体讨论通过后作出决定；适用普通程序的，"
         "应当自受理之日起60日内作出决定（法律规定少于60日的除外），经复议机构负责人批准并书面告知，可以延长一次，"
         "不超过30日；适用简易程序的，应当自受理之日起30日内作出决定",
         "The office proposes and the head approves or collective discussion decides; decide within 60 days of "
         "acceptance (shorter if a law says), one extension of at most 30 days with the office head's approval and "
         "written notice; simplified procedure 30 days",
         certainty="V", phase="reconsideration"),
    Rule("RC-13", f"{_RC}第六十三条至第七十二条",
         "行政复议决定包括变更、撤销或者部分撤销、确认违法、责令履行、确认无效、维持、驳回请求等；"
         "变更不得作出对申请人更为不利的决定，第三人提出相反请求的除外；被申请人不答复的视为没有证据",
         "Decisions: change (never worse for the applicant unless a third party asks), revoke or partly revoke "
         "(with a new act ordered, not the same one on the same facts unless for procedure), confirm illegal, order "
         "performance, confirm void, uphold, dismiss the claim; a respondent who fails to answer is treated as "
         "without evidence",
         certainty="V", phase="reconsideration"),
    Rule("RC-14", f"{_RC}第五十六条至第六十条",
         "附带审查申请，有权处理的应当在30日内处理，无权处理的应当在7个工作日内转送；应当在3个工作日内通知制定机关，"
         "制定机关应当在10个工作日内书面答复；接受转送的机关应当在60日内答复",
         "Incidental review: handled within 30 days or forwarded within 7 working days; the enacting organ is "
         "notified within 3 working days and answers within 10 working days; a receiving organ replies within 60 "
         "days",
         certainty="V", phase="reconsideration"),
    Rule("RC-15", f"{_RC}第七十三条至第七十九条、第八十七条",
         "调解书经各方签字并加盖印章；达成和解的终止审理；行政复议决定书加盖印章，送达即发生法律效力；"
         "行政复议意见书应当在60日内答复；复议决定书依照行政行为的公开情况公开；行政复议不收费",
         "A mediation agreement is signed and sealed; a settlement ends the case; the decision is sealed and takes "
         "effect on service; opinion letters are answered within 60 days; decisions are published as the act was; "
         "no fees",
         certainty="V", phase="reconsideration"),

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


def _index(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    index: dict[str, Rule] = {}
    for entry in rules:
        if entry.id in index:
            raise ValueError(f"rule {entry.id} is listed twice")
        index[entry.id] = entry
    return index


RULES: dict[str, Rule] = _index(_CATALOGUE)


def rule(rule_id: str) -> Rule:
    """The rule with this id; an unknown id is a programming error, not a refusal."""
    return RULES[rule_id]

"""Rules of 行政复议 — administrative reconsideration under the 2023 Law (RC-…).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

_RC = "《行政复议法》"

RULES: tuple[Rule, ...] = (
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
)

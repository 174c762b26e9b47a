"""Rules of 决策执行 — executing, adjusting and evaluating a major decision (MD-34 … MD-37).

Each entry: id, article, statement in Chinese and English, certainty, phase
(engine/statutes/rule.py). `decisionflow rules` gathers every statute's RULES into one table.
"""

from __future__ import annotations

from engine.statutes.rule import Rule

_MD = "《重大行政决策程序暂行条例》"

RULES: tuple[Rule, ...] = (
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
)

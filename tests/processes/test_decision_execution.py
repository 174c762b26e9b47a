"""Execution, problem reports, suspension and post-decision evaluation (MD-34 to MD-37b)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain import errors
from engine.services.definitions import read_bundle
from tests.helpers import refused
from tests.processes.md_scenario import pdf
from tests.processes.walk import Walk

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "decision_execution.bpmn"


class Execution(Walk):
    def assign(self, **over):
        data = {"decision_reference": "示府发〔2026〕5号", "executor": "transport", "report_interval_days": 90,
                "pre_decision_units": ["risk_center", "expert_pool"], **over}
        self.do("assign_execution", "organ", {k: v for k, v in data.items() if v is not None})

    def report(self, status="on_track", **over):
        data = {"period_end": self.today(), "progress": "已调整12条线路", "report_status": status, **over}
        self.do("execution_report", "executor", data, {"report": pdf("执行情况报告")})


@pytest.fixture
def ex(engine) -> Execution:
    engine.definitions.deploy(*read_bundle(PROCESS), "test")
    p = engine.people
    for code in ("transport", "county_gov", "risk_center", "third_party"):
        p.ensure_organisation(code, code)
    people = {"executor": p.ensure_user("lin_tao", "transport", ["sponsor", "executor"]),
              "organ": p.ensure_user("sun_qiang", "county_gov", ["decision_organ"]),
              "head": p.ensure_user("county_head", "county_gov", ["head"]),
              "deputy": p.ensure_user("deputy_head", "county_gov", ["meeting_member"]),
              "evaluator": p.ensure_user("eval_team", "third_party", ["evaluator"])}
    view = engine.procedures.start("decision_execution", "县城公交线网优化调整方案的执行", "transport",
                                   people["executor"])
    return Execution.of(engine, people, view)


def test_md34_execution_unit_is_named_before_anything_else(ex):
    assert ex.open() == {"assign_execution"}
    assert refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.assign, executor=None).field == "executor"
    ex.assign()
    assert ex.open() == {"execution_report"}


def test_md35_reported_problem_reaches_the_head(ex):
    ex.assign()
    ex.report("on_track")
    assert ex.open() == {"execution_report"}
    ex.report("problem", problem_kind="major_change", problem_description="线路调整后早高峰拥堵加剧")
    assert [i.spec for i in ex.engine.tasks.inbox(ex.people["head"])] == ["head_review"]


def test_md37b_only_the_head_suspends_with_ground_urgency_and_notice(ex):
    ex.assign()
    ex.report("problem", problem_kind="force_majeure", problem_description="汛期道路损毁")
    suspend = {"head_decision": "suspend", "reason": "保障群众出行安全"}
    with pytest.raises(errors.RoleRequired):
        ex.do("head_review", "deputy", {**suspend, "ground": "force_majeure", "urgency": "道路中断"},
              {"suspension_notice": pdf("中止执行决定")})
    error = refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.do, "head_review", "head", suspend)
    assert error.field in {"ground", "urgency", "suspension_notice"}
    ex.do("head_review", "head", {**suspend, "ground": "force_majeure", "urgency": "道路中断"},
          {"suspension_notice": pdf("中止执行决定")})
    assert ex.open() == {"resume_or_adjust"}


def test_md37a_adjustment_goes_through_a_new_procedure(ex):
    ex.assign()
    ex.report("problem", problem_kind="major_change", problem_description="上位规划调整")
    ex.do("head_review", "head", {"head_decision": "suspend", "reason": "规划调整", "ground": "major_change",
                                  "urgency": "须立即停止施工"}, {"suspension_notice": pdf("中止执行决定")})
    error = refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.do, "resume_or_adjust", "head",
                    {"resume_decision": "adjust", "reason": "按新规划调整"})
    assert error.field == "adjustment_procedure"
    ex.do("resume_or_adjust", "head", {"resume_decision": "adjust", "reason": "按新规划调整",
                                       "adjustment_procedure": "2027-JC-003"})
    assert ex.engine.procedures.get(ex.procedure_id).status == "completed"


def test_md36a_evaluation_states_its_trigger_and_md36b_excludes_former_assessors(ex):
    ex.assign()
    ex.report("completed")
    assert ex.open() == {"order_evaluation"}
    order = {"evidence": "收到市民意见300余条", "evaluator_org": "third_party"}
    assert refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.do, "order_evaluation", "organ", order).field == \
        "trigger"
    refused(ex.engine, errors.EvaluatorNotIndependent, "MD-36b", ex.do, "order_evaluation", "organ",
            {**order, "trigger": "many_opinions", "evaluator_org": "risk_center"})
    ex.do("order_evaluation", "organ", {**order, "trigger": "many_opinions"})
    assert ex.open() == {"post_evaluation"}


def test_md36c_evaluation_hears_the_public_and_representatives(ex):
    ex.assign()
    ex.report("completed")
    ex.do("order_evaluation", "organ",
          {"trigger": "organ_decides", "evidence": "年度评估", "evaluator_org": "third_party"})
    evaluation = {"evaluator_org": "third_party", "public_heard": "问卷调查1200份", "conclusion": "continue"}
    assert refused(ex.engine, errors.FormInvalid, "DF-FORM", ex.do, "post_evaluation", "evaluator", evaluation,
                   {"report": pdf("评估报告")}).field == "participants"
    ex.do("post_evaluation", "evaluator", {**evaluation, "participants": "人大代表3名、政协委员2名参加"},
          {"report": pdf("评估报告")})
    assert ex.engine.procedures.get(ex.procedure_id).status == "completed"
    assert ex.engine.history.verify(ex.procedure_id).ok

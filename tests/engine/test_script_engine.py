"""A loaded workflow never runs with SpiffWorkflow's unrestricted default script engine."""

from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.bpmn.budgets import LABELS
from engine.bpmn.definition import analyse
from engine.bpmn.evaluator import RestrictedScriptEngine
from engine.bpmn.runtime import start
from engine.clock import SystemClock
from engine.domain.errors import ExpressionBudgetExceeded
from tests.conftest import DRAFT, bundle
from tests.helpers import refused


def test_restricted_engine_is_attached_on_creation_and_after_every_load():
    compiled = analyse(*bundle("review_loop.bpmn")).compiled
    assert compiled is not None
    workflow = start(compiled, SystemClock().now())
    assert isinstance(workflow.script_engine, RestrictedScriptEngine)
    loaded = compiled.serializer.load(compiled.serializer.dump(workflow))
    assert isinstance(loaded.script_engine, RestrictedScriptEngine)
    assert type(loaded.script_engine) is not PythonScriptEngine
    for task in loaded.get_tasks():
        assert isinstance(task.workflow.script_engine, RestrictedScriptEngine)


def test_stored_state_has_no_spec():
    compiled = analyse(*bundle("review_loop.bpmn")).compiled
    assert compiled is not None
    state = compiled.serializer.as_json(compiled.serializer.dump(start(compiled, SystemClock().now())))
    assert "spec" not in state and "subprocess_specs" not in state


# --- budgets: the two bombs of issue 20, at check and through the service door ---------

REVIEW_LOOP, FORMS = bundle("review_loop.bpmn")
DRAFT_FLOW = '<bpmn:sequenceFlow id="flow_draft" sourceRef="draft" targetRef="review" />'
SQUARING = "\n".join("a = a * a" for _ in range(36))


def with_script(script: str) -> bytes:
    """review_loop with a script task `compute` between drafting and review."""
    text = REVIEW_LOOP.decode()
    assert DRAFT_FLOW in text
    return text.replace(DRAFT_FLOW, (
        f'<bpmn:scriptTask id="compute" name="Compute"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="flow_draft" sourceRef="draft" targetRef="compute" />'
        '<bpmn:sequenceFlow id="flow_compute" sourceRef="compute" targetRef="review" />')).encode()


def with_condition(old: str, new: str) -> bytes:
    text = REVIEW_LOOP.decode()
    assert old in text
    return text.replace(old, new).encode()


def test_df_hardening_check_refuses_the_format_bomb_condition_naming_flow_and_budget():
    bpmn = with_condition('outcome == "lawful"', "'%0999999999d' % 1 == 'x'")
    [problem] = [p for p in analyse(bpmn, FORMS).problems if p.code == "expression"]
    assert problem.element == "flow_lawful" and LABELS["format_width"][0] in problem.message


def test_df_hardening_check_refuses_the_repeated_squaring_script_naming_task_and_budget():
    [problem] = [p for p in analyse(with_script(SQUARING), FORMS).problems if p.code == "script"]
    assert problem.element == "compute" and LABELS["product_factors"][0] in problem.message


def test_df_hardening_data_dependent_script_bomb_is_refused_at_run_time_and_changes_nothing(engine, people):
    key = engine.definitions.deploy(with_script("padded = summary * basis_count"), FORMS, "test").key
    started = engine.procedures.start(key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    error = refused(engine, ExpressionBudgetExceeded, "DF-EXPRESSION", engine.tasks.complete,
                    started.task("draft"), people.sponsor, {**DRAFT, "basis_count": 10**9})
    assert error.context["element"] == "compute"
    assert error.context["budget"] == LABELS["value_size"][0]
    assert "compute" in error.message("zh_CN") and LABELS["value_size"][1] in error.message("zh_CN")


def test_df_hardening_format_string_typed_into_a_form_is_refused_at_the_gateway(engine, people):
    bpmn = with_condition('outcome == "returned"', 'opinion % 1 == "x"')
    key = engine.definitions.deploy(bpmn, FORMS, "test").key
    started = engine.procedures.start(key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    error = refused(engine, ExpressionBudgetExceeded, "DF-EXPRESSION", engine.tasks.complete,
                    step.task("review"), people.reviewer, {"outcome": "lawful", "opinion": "%0999999999d"})
    assert error.context["element"] == "review_outcome"
    assert error.context["budget"] == LABELS["format_width"][0]

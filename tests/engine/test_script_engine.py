"""A loaded workflow never runs with SpiffWorkflow's unrestricted default script engine."""

from __future__ import annotations

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.bpmn.definition import analyse
from engine.bpmn.evaluator import RestrictedScriptEngine
from engine.bpmn.runtime import start
from engine.clock import SystemClock
from tests.conftest import bundle


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

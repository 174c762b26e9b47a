"""Workflow state without its spec, compressed (issue 3: store the state, cache the spec).

SpiffWorkflow's default converter embeds the whole spec in every instance: twice the
bytes and almost twice the load time. Each compiled definition gets its own
serializer whose workflow converter writes only the state and, on load, builds the
workflow from the cached spec with the restricted script engine already attached —
a loaded workflow never runs with SpiffWorkflow's unrestricted default.
"""

from __future__ import annotations

import json
import zlib
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.bpmn.evaluator import RestrictedScriptEngine

_LEVEL = 6


class StateSerializer:
    """Dumps and loads one definition version's workflows as compressed state-only JSON."""

    def __init__(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> None:
        self.spec = spec
        self.subprocess_specs = subprocess_specs
        self.script_engine = RestrictedScriptEngine()
        owner = self

        class StateOnlyWorkflowConverter(BpmnWorkflowConverter):
            def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
                dct = WorkflowConverter.to_dict(self, workflow)
                dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
                dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
                return dct

            def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
                workflow = self.target_class(owner.spec, owner.subprocess_specs, deserializing=True,
                                             script_engine=owner.script_engine)
                workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
                workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
                self.set_default_attributes(workflow, dct)
                self.subprocesses_from_dict(dct["subprocesses"], workflow)
                workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
                return workflow

        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = StateOnlyWorkflowConverter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def new_workflow(self) -> BpmnWorkflow:
        return BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)

    def dump(self, workflow: BpmnWorkflow) -> bytes:
        text = self._serializer.serialize_json(workflow)
        return zlib.compress(text.encode("utf-8"), _LEVEL)

    def load(self, state: bytes) -> BpmnWorkflow:
        workflow = self._serializer.deserialize_json(zlib.decompress(state).decode("utf-8"))
        workflow.script_engine = self.script_engine  # belt and braces: never the default engine
        return workflow

    @staticmethod
    def as_json(state: bytes) -> dict[str, Any]:
        """The stored state as a dict, for auditors and debugging."""
        return json.loads(zlib.decompress(state))

"""A generated N-step linear BPMN chain and its one form: the benchmark's workload.

Why generated rather than a file in `processes/`: the benchmark must scale the step
count (`--steps`) and must not depend on a statutory definition that changes with the
law. The chain is the simplest definition the engine accepts — one lane whose
`role` is `bench` (no `org`, so any organisation's holder may act), every step a
`userTask` of step kind `generic` with the form `bench_step` — so whatever a completion
costs is the engine's own overhead, not a gateway, timer or separation-of-duty query.

Run `python benchmarks/linear_chain.py DIR` to write `DIR/bench_chain.bpmn` and
`DIR/forms/bench_step.json`, then `decisionflow check DIR/bench_chain.bpmn` validates it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

KEY = "bench_chain"
ROLE = "executor"  # a role the engine knows: deploy refuses a lane whose role does not exist (issue 19)
FORM_ID = "bench_step"

STEP_FORM: dict[str, Any] = {
    "title": "Benchmark step",
    "type": "object",
    "required": ["note", "amount", "approved"],
    "properties": {
        "note": {"type": "string", "title": "Note", "minLength": 1, "maxLength": 200},
        "amount": {"type": "integer", "title": "Amount", "minimum": 0},
        "approved": {"type": "boolean", "title": "Approved"},
    },
    "additionalProperties": False,
}
"""The JSON Schema every step uses: `"type": "object"` and `"additionalProperties": false`
are what the engine's deploy check demands of a form."""

STEP_DATA: dict[str, Any] = {
    "note": "benchmark step note: the same sixty characters every time",
    "amount": 1234567,
    "approved": True,
}
"""What a user submits at each step: about 100 bytes as compact JSON (see `data_bytes`)."""


def data_bytes(data: dict[str, Any] | None = None) -> int:
    """Size of the submitted data as compact JSON, to document the workload."""
    return len(json.dumps(STEP_DATA if data is None else data, separators=(",", ":")).encode("utf-8"))


def step_id(index: int) -> str:
    return f"step_{index:02d}"


def chain_bpmn(steps: int = 10, key: str = KEY) -> bytes:
    """Valid BPMN 2.0 for start → step_01 → … → step_NN → end, all in the `bench` lane."""
    if steps < 1:
        raise ValueError("a chain needs at least one step")
    nodes = ["start", *(step_id(i) for i in range(1, steps + 1)), "end"]
    flows = [(f"flow_{i:02d}", nodes[i], nodes[i + 1]) for i in range(len(nodes) - 1)]
    incoming = {target: flow for flow, _source, target in flows}
    outgoing = {source: flow for flow, source, _target in flows}

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
        '                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"',
        f'                  id="Definitions_{key}" targetNamespace="http://decisionflow.local/bpmn">',
        f'  <bpmn:collaboration id="Collaboration_{key}">',
        f'    <bpmn:participant id="Participant_{key}" name="Benchmark chain" processRef="{key}" />',
        "  </bpmn:collaboration>",
        f'  <bpmn:process id="{key}" name={quoteattr(f"Benchmark chain of {steps} steps")} isExecutable="true">',
        '    <bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="statute" value="none" /></spiffworkflow:properties></bpmn:extensionElements>',
        '    <bpmn:laneSet id="LaneSet_1">',
        '      <bpmn:lane id="Lane_bench" name="Benchmark">',
        "        <bpmn:extensionElements>",
        "          <spiffworkflow:properties>",
        f'            <spiffworkflow:property name="role" value="{ROLE}" />',
        "          </spiffworkflow:properties>",
        "        </bpmn:extensionElements>",
        *(f"        <bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes),
        "      </bpmn:lane>",
        "    </bpmn:laneSet>",
        '    <bpmn:startEvent id="start" name="Start">',
        f"      <bpmn:outgoing>{outgoing['start']}</bpmn:outgoing>",
        "    </bpmn:startEvent>",
    ]
    for index in range(1, steps + 1):
        node = step_id(index)
        lines += [
            f'    <bpmn:userTask id="{node}" name="Step {index}">',
            "      <bpmn:extensionElements>",
            "        <spiffworkflow:properties>",
            '          <spiffworkflow:property name="step_kind" value="generic" />',
            f'          <spiffworkflow:property name="form" value="{FORM_ID}" />',
            "        </spiffworkflow:properties>",
            "      </bpmn:extensionElements>",
            f"      <bpmn:incoming>{incoming[node]}</bpmn:incoming>",
            f"      <bpmn:outgoing>{outgoing[node]}</bpmn:outgoing>",
            "    </bpmn:userTask>",
        ]
    lines += [
        '    <bpmn:endEvent id="end" name="End">',
        f"      <bpmn:incoming>{incoming['end']}</bpmn:incoming>",
        "    </bpmn:endEvent>",
        *(f'    <bpmn:sequenceFlow id="{flow}" sourceRef="{source}" targetRef="{target}" />'
          for flow, source, target in flows),
        "  </bpmn:process>",
        "</bpmn:definitions>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def forms() -> dict[str, Any]:
    """The forms bundle `definitions.deploy` takes: form id → schema."""
    return {FORM_ID: STEP_FORM}


def write_bundle(directory: Path, steps: int = 10) -> Path:
    """Write the chain in the `processes/` layout (forms beside it) and return the BPMN path."""
    (directory / "forms").mkdir(parents=True, exist_ok=True)
    path = directory / f"{KEY}.bpmn"
    path.write_bytes(chain_bpmn(steps))
    (directory / "forms" / f"{FORM_ID}.json").write_text(json.dumps(STEP_FORM, indent=2) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the benchmark's linear-chain BPMN and its form.")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    print(write_bundle(args.directory, args.steps))


if __name__ == "__main__":
    main()

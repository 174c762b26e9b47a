"""(a) raw SpiffWorkflow in memory: the floor, no persistence at all."""

from __future__ import annotations

import time
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from benchmarks import linear_chain
from benchmarks.completion.scenario import Plan, Scenario
from benchmarks.shared.stats import peak_rss_mb


def parse_spec(bpmn: bytes) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Parse once, as any long-running process would; parsing is never part of a completion."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn, filename=f"{linear_chain.KEY}.bpmn")
    return parser.get_spec(linear_chain.KEY), parser.get_subprocess_specs(linear_chain.KEY)


def run_raw(plan: Plan, spec: BpmnProcessSpec, subprocesses: dict[str, BpmnProcessSpec],
            data: dict[str, Any]) -> Scenario:
    """(a): the workflow stays in memory; this is SpiffWorkflow's own cost per step."""
    scenario = Scenario("a", "SpiffWorkflow in memory")
    for number in range(plan.warmup + plan.procedures):
        timed = number >= plan.warmup
        workflow = BpmnWorkflow(spec, subprocesses)
        workflow.do_engine_steps()
        for _ in range(plan.steps):
            started = time.perf_counter()
            task = workflow.get_next_task(state=TaskState.READY, manual=True)
            assert task is not None
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            elapsed = time.perf_counter() - started
            if timed:
                scenario.durations_ms.append(elapsed * 1000)
        assert workflow.is_completed()
    scenario.peak_rss_mb = peak_rss_mb()
    return scenario

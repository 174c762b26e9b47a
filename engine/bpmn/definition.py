"""Check and compile a BPMN definition: every problem by element id and line.

`analyse` is what `decisionflow check` prints and what `definitions.deploy` refuses
on. A definition that passes compiles to a `CompiledDefinition`: the parsed spec, the
engine's model of it, its forms and its serializer, cached per definition version so
that a completion never re-parses BPMN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn import model as m
from engine.bpmn.compliance import build_graph
from engine.bpmn.evaluator import evaluate, expression_problem, parse_assignments
from engine.bpmn.profiles import PROFILES
from engine.bpmn.serialize import StateSerializer
from engine.domain.steps import StepKind
from engine.form_dates import date_problem
from engine.forms import Form, schema_problem


@dataclass
class CompiledDefinition:
    key: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    model: m.DefinitionModel
    forms: dict[str, Form]
    serializer: StateSerializer
    statute: str | None = None


@dataclass
class Analysis:
    problems: list[m.Problem] = field(default_factory=list)
    compiled: CompiledDefinition | None = None
    statute: str | None = None
    rules_checked: list[str] = field(default_factory=list)

    @property
    def compliance(self) -> dict[str, Any]:
        """What deploy stores with the version: the statute and the rules its graph satisfies."""
        return {"statute": self.statute, "rules_checked": self.rules_checked,
                "problems": [str(p) for p in self.problems]}

    @property
    def ok(self) -> bool:
        return not self.problems


def analyse(bpmn: bytes, forms: Mapping[str, Any], *, stored: bool = False) -> Analysis:
    """All problems of a definition; compile it only when there are none.

    `stored`: a version from the database, deployed when it passed the checks of its day;
    checks added since (a date field's kind, DF-DATE) bind new deploys, never running procedures.
    """
    analysis = Analysis()
    root = m.parse_xml(bpmn)
    if isinstance(root, m.Problem):
        analysis.problems.append(root)
        return analysis
    process = m.top_process(root)
    if isinstance(process, m.Problem):
        analysis.problems.append(process)
        return analysis
    model = m.build_model(root, process)
    analysis.problems += _structure_problems(root, process)
    analysis.problems += _expression_problems(root)
    analysis.problems += _task_problems(model, forms, stored)
    analysis.problems += _lane_problems(model)
    analysis.problems += _compliance_problems(process, analysis)
    if analysis.problems:
        return analysis
    spec = _parse_spec(bpmn, model, analysis.problems)
    if spec is None:
        return analysis
    compiled_forms = {form_id: Form.compile(form_id, forms[form_id])
                      for form_id in {t.form for t in model.tasks.values() if t.form}}
    analysis.compiled = CompiledDefinition(model.key, model.name, spec[0], spec[1], model,
                                           compiled_forms, StateSerializer(spec[0], spec[1]), analysis.statute)
    return analysis


def _compliance_problems(process: etree._Element, analysis: Analysis) -> list[m.Problem]:
    """The statute's ordering rules on the control-flow graph (see engine/bpmn/profiles.py)."""
    statute = m.properties_of(process).get("statute")
    if statute is None:
        return []
    checks = PROFILES.get(statute)
    if checks is None:
        return [m.Problem("statute", f"unknown statute {statute!r}; known: {', '.join(sorted(PROFILES))}",
                          process.get("id"), process.sourceline)]
    analysis.statute = statute
    analysis.rules_checked = sorted({check.rule for check in checks})
    graph = build_graph(process)
    return [problem for check in checks for problem in check.check(graph)]


def _structure_problems(root: etree._Element, process: etree._Element) -> list[m.Problem]:
    problems = []
    if not process.xpath("./bpmn:startEvent", namespaces=m.NS):
        problems.append(m.Problem("start", "the process has no start event",
                                  process.get("id"), process.sourceline))
    for tag in m.FORBIDDEN_TASKS:
        for node in root.xpath(f".//bpmn:{tag}", namespaces=m.NS):
            problems.append(m.Problem("task-type", f"{tag} is not supported: steps are done by people "
                                      "(userTask, manualTask) or computed by restricted scripts",
                                      node.get("id"), node.sourceline))
    return problems


def _expression_problems(root: etree._Element) -> list[m.Problem]:
    """Every expression SpiffWorkflow would evaluate must pass the restricted evaluator."""
    problems = []
    for node in root.xpath(".//bpmn:conditionExpression", namespaces=m.NS):
        owner = node.getparent()
        problem = expression_problem(node.text or "")
        if problem:
            problems.append(m.Problem("expression", f"condition {node.text!r}: {problem}",
                                      owner.get("id"), node.sourceline))
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.xpath(f".//bpmn:{tag}", namespaces=m.NS):
            owner = node.getparent().getparent()
            problem = _timer_problem(node.text or "")
            if problem:
                problems.append(m.Problem("timer", f"{tag} {node.text!r}: {problem}",
                                          owner.get("id"), node.sourceline))
    scripts = [(n, n.getparent()) for n in root.xpath(".//bpmn:scriptTask/bpmn:script", namespaces=m.NS)]
    scripts += [(n, n.getparent().getparent()) for n in root.xpath(
        ".//spiffworkflow:preScript | .//spiffworkflow:postScript", namespaces=m.NS)]
    for node, owner in scripts:
        result = parse_assignments(node.text or "")
        if isinstance(result, str):
            problems.append(m.Problem("script", f"script: {result}", owner.get("id"), node.sourceline))
    return problems


def _timer_problem(text: str) -> str | None:
    """A timer is a quoted ISO 8601 literal, or the name of a date the engine computes.

    A name (e.g. `comment_closes_at`) is filled by a statutory guard from validated
    form data (engine/domain/guards.py), never typed in by a client.
    """
    problem = expression_problem(text)
    if problem:
        return problem
    if text.strip().isidentifier():
        return None
    try:
        value = evaluate(text, {})
    except Exception as error:
        return f'must be a quoted ISO 8601 literal such as "P30D", or a data name ({error})'
    if not isinstance(value, str):
        return 'must be a quoted ISO 8601 literal such as "P30D", or a data name'
    return None


def _task_problems(model: m.DefinitionModel, forms: Mapping[str, Any], stored: bool = False) -> list[m.Problem]:
    problems = []
    for task in model.tasks.values():
        if not task.step_kind:
            problems.append(m.Problem("step-kind", "task declares no step_kind property", task.id, task.line))
        elif StepKind.parse(task.step_kind) is None:
            problems.append(m.Problem("step-kind", f"unknown step kind {task.step_kind!r}", task.id, task.line))
        if not task.form:
            problems.append(m.Problem("form", "task declares no form property", task.id, task.line))
        elif task.form not in forms:
            problems.append(m.Problem("form", f"form {task.form!r} not found (processes/forms/{task.form}.json)",
                                      task.id, task.line))
        else:
            problem = schema_problem(forms[task.form])
            if problem:
                problems.append(m.Problem("form", f"form {task.form!r}: {problem}", task.id, task.line))
            elif not stored and (problem := date_problem(forms[task.form])):
                problems.append(m.Problem("form", f"form {task.form!r} (processes/forms/{task.form}.json): {problem}",
                                          task.id, task.line))
        if task.lane is None:
            problems.append(m.Problem("lane", "task is in no lane, so no role may do it", task.id, task.line))
    return problems


def _lane_problems(model: m.DefinitionModel) -> list[m.Problem]:
    return [m.Problem("lane", f"lane {lane.name!r} declares no role property", lane.id, lane.line)
            for lane in model.lanes.values() if not lane.role]


def _parse_spec(bpmn: bytes, model: m.DefinitionModel, problems: list[m.Problem]
                ) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]] | None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_str(bpmn, filename=f"{model.key}.bpmn")
        spec = parser.get_spec(model.key)
        subprocess_specs = parser.get_subprocess_specs(model.key)
    except ValidationException as error:
        line = error.line_number or model.lines.get(error.id) or None
        problems.append(m.Problem("bpmn", str(error).splitlines()[0], error.id or "",
                                  int(line) if line else None))
        return None
    except SpiffWorkflowException as error:
        problems.append(m.Problem("bpmn", str(error).splitlines()[0]))
        return None
    return spec, subprocess_specs

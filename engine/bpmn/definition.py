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
from engine.bpmn.profiles import DUE_DATES, FORM_PREFIXES, NOT_STATUTORY, PROFILES, STEP_ROLES, TIMER_DATES
from engine.bpmn.serialize import StateSerializer
from engine.domain.duties import independent
from engine.domain.roles import ADMIN, ROLES
from engine.domain.steps import StepKind
from engine.form_dates import date_problem
from engine.form_names import names_problem
from engine.forms import Form, schema_problem
from engine.statutes import guards as statute_guards


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
    analysis.problems += _statute_problems(process, model, analysis, stored)
    analysis.problems += _expression_problems(
        root, analysis.statute, {} if stored else _recorded_names(forms),
        frozenset() if stored else statute_guards.record_names(analysis.statute))
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


def _statute_problems(process: etree._Element, model: m.DefinitionModel, analysis: Analysis,
                      stored: bool) -> list[m.Problem]:
    """Every definition says which statute governs it, or that none does (`statute="none"`).

    A statutory definition's steps are its statute's step kinds, each in a lane of the role the
    statute names for it (`STEP_ROLES`); a non-statutory one uses no statutory process id, step kind
    or form, so it cannot run a statutory procedure without the statute's guards.
    """
    key, line = process.get("id", ""), process.sourceline
    statute = m.properties_of(process).get("statute")
    known = ", ".join(sorted(PROFILES))
    statutory = [t for t in model.tasks.values() if t.step_kind and t.step_kind != StepKind.generic]
    if statute is None:
        if stored and not statutory:
            analysis.statute = NOT_STATUTORY  # deployed before statutes were required; runs no statutory step
            return []
        return [m.Problem("statute", f"process {key} declares no statute: add <spiffworkflow:property "
                          f'name="statute" value="…"/> to its extensionElements, with one of {known}, or "none" '
                          "for a procedure no statute governs", key, line, "statute")]
    if statute == NOT_STATUTORY:
        analysis.statute = NOT_STATUTORY
        problems = []
        if key.lower() in PROFILES:
            problems.append(m.Problem("statute", f'process id {key!r} is the statutory procedure {key.lower()}; '
                                      f'a definition with statute="none" takes another id', key, line, "id"))
        for task in statutory:
            problems.append(m.Problem("statute", f'step kind {task.step_kind!r} is statutory; a definition with '
                                      f'statute="none" uses only step_kind "generic" (or declare its statute)',
                                      task.id, task.line, "step_kind"))
        for task in model.tasks.values():
            prefix = next((p for p in FORM_PREFIXES.values() if (task.form or "").lower().startswith(p)), None)
            if prefix:
                problems.append(m.Problem("statute", f"form {task.form!r} is a statutory form ({prefix}*); a "
                                          'definition with statute="none" uses its own forms', task.id, task.line,
                                          "form"))
        return problems
    if statute not in PROFILES:
        return [m.Problem("statute", f'unknown statute {statute!r}; known: {known}, or "none"', key, line,
                          "statute")]
    analysis.statute = statute
    problems = []
    if key.lower() in PROFILES and key != statute:
        problems.append(m.Problem("statute", f"process id {key!r} is the statutory procedure {key.lower()}, "
                                  f"but the process declares statute {statute!r}", key, line, "statute"))
    if not stored:
        problems += _role_problems(statute, model)
    return problems


def _role_problems(statute: str, model: m.DefinitionModel) -> list[m.Problem]:
    """Each statutory step sits in a lane of the role its statute names for the step kind."""
    problems = []
    roles_of = STEP_ROLES.get(statute, {})
    for task in model.tasks.values():
        kind = StepKind.parse(task.step_kind or "")
        if kind is None or kind == StepKind.generic:
            continue  # an unknown kind is reported by _task_problems; generic steps go in any lane
        roles = roles_of.get(kind)
        if roles is None:
            problems.append(m.Problem("step-role", f"step kind {kind!r} is not a step of statute {statute} "
                                      f"(its steps: {', '.join(sorted(roles_of))}, or generic)",
                                      task.id, task.line, "step_kind"))
        elif task.lane is not None and task.role not in roles:
            problems.append(m.Problem(
                "step-role", f"a {kind} step is done by {' or '.join(sorted(roles))} under statute {statute}, "
                f"but it is in lane {task.lane} of role {task.role!r}: move it to a lane of role "
                f"{' or '.join(sorted(roles))}", task.id, task.line, "lane"))
        elif task.org == m.SPONSOR_ORG and independent(kind):
            problems.append(m.Problem(
                "step-role", f"a {kind} step is independent of the sponsoring unit, but lane {task.lane} "
                f'has org="sponsor": move it to a lane without it', task.id, task.line, "lane"))
    return problems


def _compliance_problems(process: etree._Element, analysis: Analysis) -> list[m.Problem]:
    """The statute's ordering rules on the control-flow graph (see engine/bpmn/profiles.py)."""
    statute = analysis.statute
    if statute is None or statute == NOT_STATUTORY:
        return []
    checks = PROFILES[statute]
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


def _recorded_names(forms: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """Form → the names its steps record (its top-level fields): what no script may assign."""
    return {form_id: frozenset((schema.get("properties") or {}) if isinstance(schema, Mapping) else ())
            for form_id, schema in forms.items()}


def _expression_problems(root: etree._Element, statute: str | None, recorded_names: Mapping[str, frozenset[str]],
                         guarded_names: frozenset[str]) -> list[m.Problem]:
    """Every expression SpiffWorkflow would evaluate must pass the restricted evaluator, and no script
    assigns a name a form records (engine/bpmn/evaluator.py `SCRIPT_NAMES` refuses the rest when it runs)."""
    problems = []
    for node in root.xpath(".//bpmn:conditionExpression", namespaces=m.NS):
        owner = node.getparent()
        problem = expression_problem(node.text or "") if (node.text or "").strip() else "the condition is empty"
        if problem:
            problems.append(m.Problem("expression", f"condition {node.text!r}: {problem}",
                                      owner.get("id"), node.sourceline, "conditionExpression"))
    for tag in ("timeDuration", "timeDate", "timeCycle"):
        for node in root.xpath(f".//bpmn:{tag}", namespaces=m.NS):
            owner = node.getparent().getparent()
            problem = _timer_problem(tag, node.text or "", TIMER_DATES.get(statute or "", frozenset()))
            if problem:
                problems.append(m.Problem("timer", f"{tag} {node.text!r}: {problem}",
                                          owner.get("id"), node.sourceline, tag))
    problems += _due_date_problems(root, statute)
    for task in root.xpath(".//bpmn:scriptTask", namespaces=m.NS):
        bodies = task.xpath("./bpmn:script/text()", namespaces=m.NS)
        if not "".join(bodies).strip():
            problems.append(m.Problem("script", "the script task has no script: add a <bpmn:script> with "
                                      "'name = <restricted expression>' lines", task.get("id"), task.sourceline,
                                      "script"))
    scripts = [(n, n.getparent()) for n in root.xpath(".//bpmn:scriptTask/bpmn:script", namespaces=m.NS)]
    scripts += [(n, n.getparent().getparent()) for n in root.xpath(
        ".//spiffworkflow:preScript | .//spiffworkflow:postScript", namespaces=m.NS)]
    for node, owner in scripts:
        result = parse_assignments(node.text or "")
        if isinstance(result, str):
            problems.append(m.Problem("script", f"script: {result}", owner.get("id"), node.sourceline,
                                      etree.QName(node).localname))
            continue
        for target, _ in result:
            recorded = next((f for f, names in recorded_names.items() if target in names), None)
            if recorded is not None or target.startswith("__") or target in guarded_names:
                where = (f"form {recorded!r} records it" if recorded else "names beginning with __ are the engine's"
                         if target.startswith("__") else f"the guards of statute {statute} read or derive it")
                problems.append(m.Problem("script", f"script assigns {target}, but {where}: a script computes "
                                          "new names and never rewrites the record", owner.get("id"),
                                          node.sourceline, etree.QName(node).localname))
    return problems


def _due_date_problems(root: etree._Element, statute: str | None) -> list[m.Problem]:
    """A step's `due_from` names a due date its statute's guards compute (profile `DUE_DATES`), never a
    field a client types: a typo or a typed date would otherwise give the step no deadline, or one of the
    client's choosing, without a word at deploy."""
    if statute is None or statute not in DUE_DATES:
        return []
    names = DUE_DATES[statute]
    problems = []
    for node in root.xpath('.//spiffworkflow:property[@name="due_from"]', namespaces=m.NS):
        value = node.get("value") or ""
        if value not in names:
            owner = next(node.iterancestors(*(f"{{{m.NS['bpmn']}}}{t}" for t in ("userTask", "manualTask", "task"))),
                         node.getparent())
            known = ", ".join(sorted(names)) or "none"
            problems.append(m.Problem("due_date", f"due_from {value!r} is not a due date the {statute} guards "
                                      f"compute ({known})", owner.get("id"), node.sourceline, "due_from"))
    return problems


def _timer_problem(tag: str, text: str, names: frozenset[str]) -> str | None:
    """A timer is a quoted ISO 8601 literal, or the name of a date the statute's guards compute.

    The literal is parsed exactly as SpiffWorkflow will at run time: a timeDuration as a duration,
    a timeDate as a date-time, a timeCycle as a recurring interval. A name (e.g. `comment_closes_at`)
    is filled by a statutory guard from validated form data (engine/statutes/<statute>/guards.py,
    profiles.TIMER_DATES), never typed in by a client, and is a date: it serves a timeDate only.
    """
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as T

    text = text.strip()
    literal = {"timeDuration": ('"P30D"', T.parse_iso_duration), "timeDate": ('"2026-12-31T17:00:00+08:00"',
               T.get_datetime), "timeCycle": ('"R3/P1D"', T.parse_iso_recurring_interval)}
    example, parse = literal.get(tag, literal["timeDate"])
    if text.isidentifier():
        if tag == "timeDate" and text in names:
            return None
        if _parses(parse, text) or (text.upper().startswith(("P", "R")) and any(c.isdigit() for c in text)):
            return f"an ISO 8601 literal is an expression and must be quoted: quote it: '{text}'"
        known = ", ".join(sorted(names)) if tag == "timeDate" and names else "none under this statute"
        return f"{text!r} is no date the engine computes (names: {known}); use a quoted literal such as {example}"
    problem = expression_problem(text)
    if problem:
        return problem
    try:
        value = evaluate(text, {})
    except Exception as error:
        return f"must be a quoted ISO 8601 literal such as {example}, or a data name ({error})"
    if not isinstance(value, str):
        return f"must be a quoted ISO 8601 literal such as {example}"
    try:
        parse(value)
    except Exception as error:
        return f"{value!r} is not what a {tag} takes ({error or type(error).__name__}); e.g. {example}"
    return None


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except Exception:  # any refusal of SpiffWorkflow's parser: the text is no literal
        return False
    return True


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
            elif not stored and (problem := date_problem(forms[task.form]) or names_problem(forms[task.form])):
                problems.append(m.Problem("form", f"form {task.form!r} (processes/forms/{task.form}.json): {problem}",
                                          task.id, task.line))
        if task.lane is None:
            problems.append(m.Problem("lane", "task is in no lane, so no role may do it", task.id, task.line))
    return problems


def _lane_problems(model: m.DefinitionModel) -> list[m.Problem]:
    """Each lane names a role of engine/domain/roles.py that does steps (administrators do none)."""
    problems = []
    for lane in model.lanes.values():
        if not lane.role:
            problems.append(m.Problem("lane", f"lane {lane.name!r} declares no role property", lane.id, lane.line,
                                      "role"))
        elif lane.role not in ROLES or lane.role == ADMIN:
            known = ", ".join(sorted(set(ROLES) - {ADMIN}))
            problems.append(m.Problem("lane", f"lane {lane.name!r} has unknown role {lane.role!r}: set its role "
                                      f"property to one of {known}", lane.id, lane.line, "role"))
    return problems


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

"""What the engine needs to know of a definition, read from its XML once per version.

SpiffWorkflow keeps a task's lane only by name and ignores lane extensions, so the
lane → role map, each task's step kind and form, and the source line of every element
are read here with lxml. The result is a plain value cached with the parsed spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.reader import NS, parse, properties_of

HUMAN_TASKS = ("userTask", "manualTask")
FORBIDDEN_TASKS = ("serviceTask", "sendTask", "receiveTask", "businessRuleTask")
SPONSOR_ORG = "sponsor"
"""Lane property org="sponsor": the procedure's own sponsoring organisation does the step."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition; `element` and `line` point an author at it."""

    code: str
    message: str
    element: str = ""
    line: int | None = None
    attribute: str = ""
    """The attribute or extension property to change (`isExecutable`, `statute`, `role`, …), where one is."""

    def __str__(self) -> str:
        where = f"{self.element} " if self.element else ""
        at = f"(line {self.line}) " if self.line else ""
        change = f" [attribute: {self.attribute}]" if self.attribute else ""
        return f"[{self.code}] {where}{at}{self.message}{change}"


@dataclass(frozen=True)
class Lane:
    id: str
    name: str
    role: str | None
    org: str | None
    line: int | None


@dataclass(frozen=True)
class TaskMeta:
    """A human task as the engine sees it: step kind, form, role and candidate organisation."""

    id: str
    name: str
    step_kind: str | None
    form: str | None
    lane: str | None
    role: str | None
    org: str | None
    line: int | None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DefinitionModel:
    key: str
    name: str
    tasks: dict[str, TaskMeta]
    lanes: dict[str, Lane]
    lines: dict[str, int]
    called: frozenset[str]

    def task(self, spec_name: str) -> TaskMeta | None:
        return self.tasks.get(spec_name)


def parse_xml(bpmn: bytes) -> etree._Element | Problem:
    """The document root, or a problem naming the line where the XML breaks."""
    try:
        return parse(bpmn)
    except etree.XMLSyntaxError as error:
        return Problem("xml", f"malformed XML: {error.msg}", line=error.lineno)


def top_process(root: etree._Element) -> etree._Element | Problem:
    """The one executable process that no call activity calls: the procedure itself."""
    processes = root.xpath("./bpmn:process", namespaces=NS)
    called = {c.get("calledElement") for c in root.xpath(".//bpmn:callActivity", namespaces=NS)}
    candidates = [p for p in processes if p.get("id") not in called]
    tops = [p for p in candidates if p.get("isExecutable") == "true"]
    if len(tops) == 1:
        return tops[0]
    if tops:
        ids = ", ".join(f"{p.get('id', '?')} (line {p.sourceline})" for p in tops)
        return Problem("process", f"expected exactly one executable top-level process, found: {ids}; "
                       'set isExecutable="false" on all but the procedure', tops[1].get("id", ""),
                       tops[1].sourceline, "isExecutable")
    if not candidates:
        return Problem("process", "the file has no top-level bpmn:process", attribute="isExecutable")
    first = candidates[0]
    stated = first.get("isExecutable")
    ids = ", ".join(f"{p.get('id', '?')} (line {p.sourceline})" for p in candidates)
    return Problem("process", f"no executable top-level process ({ids}): process {first.get('id', '?')} has "
                   f"{'no isExecutable attribute' if stated is None else f'isExecutable={stated!r}'}; "
                   'set isExecutable="true" on the procedure', first.get("id", ""), first.sourceline, "isExecutable")


def build_model(root: etree._Element, process: etree._Element) -> DefinitionModel:
    lanes: dict[str, Lane] = {}
    lane_of: dict[str, str] = {}
    for lane in root.xpath(".//bpmn:lane", namespaces=NS):
        props = properties_of(lane)
        lanes[lane.get("id")] = Lane(lane.get("id"), lane.get("name", ""), props.get("role"),
                                     props.get("org"), lane.sourceline)
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            lane_of[(ref.text or "").strip()] = lane.get("id")

    tasks: dict[str, TaskMeta] = {}
    for kind in HUMAN_TASKS:
        for node in root.xpath(f".//bpmn:{kind}", namespaces=NS):
            props = properties_of(node)
            lane = lanes.get(lane_of.get(node.get("id"), ""))
            tasks[node.get("id")] = TaskMeta(
                id=node.get("id"), name=node.get("name") or node.get("id"),
                step_kind=props.get("step_kind"), form=props.get("form"),
                lane=lane.id if lane else None, role=lane.role if lane else None,
                org=lane.org if lane else None, line=node.sourceline, properties=props)

    lines = {el.get("id"): el.sourceline for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    called = frozenset(c.get("calledElement") for c in root.xpath(".//bpmn:callActivity", namespaces=NS))
    return DefinitionModel(key=process.get("id"), name=process.get("name") or process.get("id"),
                           tasks=tasks, lanes=lanes, lines=lines, called=called)

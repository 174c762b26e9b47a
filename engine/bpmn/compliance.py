"""Deploy-time compliance: the law's order checked on the definition's control-flow graph.

A definition that declares a statute (`spiffworkflow:property name="statute"` on the
process, e.g. `major_decision`) is checked against that statute's path rules before
it can be deployed: e.g. every path from the start to deliberation passes a legality
review (MD-25a/b). A refusal names the offending path by element ids and names and
the rule id, so an author sees exactly which branch breaks the law.

The graph has the process's flow nodes; sequence flows are edges, and a boundary
event hangs off its host task (host → boundary event), since it interrupts it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn import model as m

FLOW_NODE_TAGS = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "manualTask", "scriptTask", "task", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "callActivity",
})


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    tag: str
    step_kind: str | None
    properties: dict[str, str]
    line: int | None
    timer: str | None = None  # the timer expression of a timer event, as written


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    conditions: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(source, target) → the condition of each flow between them ("" for none)."""

    def starts(self) -> list[str]:
        return [n.id for n in self.nodes.values() if n.tag == "startEvent"]

    def of_kind(self, *kinds: str) -> list[str]:
        return [n.id for n in self.nodes.values() if n.step_kind in kinds]

    def ends(self) -> list[str]:
        return [n.id for n in self.nodes.values() if n.tag == "endEvent"]

    def label(self, node_id: str) -> str:
        node = self.nodes[node_id]
        return f"{node.id} ({node.name})" if node.name and node.name != node.id else node.id

    def path_text(self, path: list[str]) -> str:
        return " → ".join(self.label(n) for n in path)


def build_graph(process: etree._Element) -> Graph:
    graph = Graph()
    for element in process.iter():
        if not isinstance(element.tag, str):
            continue
        tag = etree.QName(element).localname
        if tag in FLOW_NODE_TAGS and element.get("id"):
            props = m.properties_of(element)
            timer = element.xpath("./bpmn:timerEventDefinition/*/text()", namespaces=m.NS)
            graph.nodes[element.get("id")] = Node(element.get("id"), element.get("name") or "", tag,
                                                   props.get("step_kind"), props, element.sourceline,
                                                   str(timer[0]).strip() if timer else None)
            graph.successors.setdefault(element.get("id"), [])
    for flow in process.xpath(".//bpmn:sequenceFlow", namespaces=m.NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in graph.nodes and target in graph.nodes:
            if target not in graph.successors[source]:
                graph.successors[source].append(target)
            condition = flow.xpath("./bpmn:conditionExpression/text()", namespaces=m.NS)
            graph.conditions.setdefault((source, target), []).append(str(condition[0]).strip() if condition else "")
    for boundary in process.xpath(".//bpmn:boundaryEvent", namespaces=m.NS):
        host = boundary.get("attachedToRef")
        if host in graph.nodes:
            graph.successors[host].append(boundary.get("id"))
    return graph


def path_avoiding(graph: Graph, sources: Iterable[str], targets: Iterable[str], avoid: Iterable[str],
                  cut: Callable[[str, str], bool] | None = None) -> list[str] | None:
    """A shortest path from a source to a target through none of `avoid`, or None.

    The path starts after the source, so "from a draft change to deliberation without
    a later review" works even when the source is itself a review. `cut` drops edges.

    A parallel join passes a token on only when every incoming branch has delivered one,
    so it is entered only once each predecessor the sources can reach at all is reached
    avoiding `avoid`: a branch that skips the reply cannot carry the case past a join whose
    other branch holds it (RC-14's incidental review runs beside the respondent's reply),
    while a branch already running beside a source inside the fork does not hold the join.
    A join fed from behind itself (a loop) is then never entered, erring towards refusing less.
    """
    target_set, avoid_set = set(targets), set(avoid)
    successors = graph.successors if cut is None else {
        node: [n for n in nexts if not cut(node, n)] for node, nexts in graph.successors.items()}
    parents: dict[str, str | None] = {source: None for source in sources}  # sources count as visited
    reachable = _reachable(successors, parents)
    joins = {join: before & reachable for join, before in _parallel_joins(graph, successors).items()}
    queue: deque[str] = deque(parents)
    while queue:
        current = queue.popleft()
        for nxt in successors.get(current, []):
            if nxt in avoid_set or nxt in parents:
                continue
            if nxt in joins and not joins[nxt] <= parents.keys():
                continue  # entered again when its last branch arrives
            parents[nxt] = current
            if nxt in target_set:
                path = [nxt]
                while (parent := parents[path[-1]]) is not None:
                    path.append(parent)
                return list(reversed(path))
            queue.append(nxt)
    return None


@dataclass(frozen=True)
class PathRule:
    """No path may lead from `sources` to `targets` without passing one of `through`."""

    rule: str
    sources: Callable[[Graph], list[str]]
    targets: tuple[str, ...]
    through: tuple[str, ...]
    message: str

    def check(self, graph: Graph) -> list[m.Problem]:
        problems = []
        targets = graph.of_kind(*self.targets) if self.targets != ("end",) else graph.ends()
        for source in self.sources(graph):
            path = path_avoiding(graph, [source], targets, graph.of_kind(*self.through))
            if path is not None:
                node = graph.nodes[path[-1]]
                problems.append(m.Problem(self.rule, f"{self.message}: {graph.path_text(path)}",
                                          node.id, node.line))
        return problems


@dataclass(frozen=True)
class RequiredKinds:
    rule: str
    kinds: tuple[str, ...]
    message: str

    def check(self, graph: Graph) -> list[m.Problem]:
        if graph.of_kind(*self.kinds):
            return []
        return [m.Problem(self.rule, f"{self.message} (step kind {' or '.join(self.kinds)})")]


@dataclass(frozen=True)
class MinimumTimer:
    """Timers marked `window=<name>` wait at least `days` days (MD-15b).

    A shorter or data-driven window is allowed only on the urgency branch: the timer
    must be unreachable from the start once the flows whose condition tests `fact` are
    cut, so no path reaches it without the urgency reason recorded at opening.
    """

    rule: str
    window: str
    days: int
    fact: str

    def check(self, graph: Graph) -> list[m.Problem]:
        problems = []
        for node in graph.nodes.values():
            if node.properties.get("window") != self.window:
                continue
            days = literal_days(node.timer or "")
            if days is not None and days >= self.days:
                continue
            unguarded = path_avoiding(graph, graph.starts(), [node.id], [], cut=self._asserts_fact(graph))
            if unguarded is not None:
                length = f"{days} days" if days is not None else f"set from data ({node.timer})"
                problems.append(m.Problem(
                    self.rule, f"the {self.window} window is {length}; at least {self.days} days are required "
                    f"except on the branch where {self.fact} is recorded: {graph.path_text(unguarded)}",
                    node.id, node.line))
        return problems


    def _asserts_fact(self, graph: Graph) -> Callable[[str, str], bool]:
        """Flows taken only when the fact holds: `fact`, `fact == True`, `fact is True`.

        A condition that merely mentions the fact (`fact == False`) is the other branch.
        """
        accepted = {self.fact, f"{self.fact}==True", f"{self.fact}isTrue"}

        def cut(source: str, target: str) -> bool:
            flows = graph.conditions.get((source, target), [""])
            return all("".join(condition.split()) in accepted for condition in flows)
        return cut


def literal_days(expression: str) -> float | None:
    """Days of a quoted ISO 8601 duration literal ("P30D", "P4W"), or None."""
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    text = expression.strip()
    if len(text) < 3 or text[0] not in "\"'" or text[-1] != text[0] or not text[1:-1].upper().startswith("P"):
        return None
    try:
        parsed = TimerEventDefinition.parse_iso_duration(text[1:-1])
    except Exception:  # not a duration: a date or garbage, which the expression check reports
        return None
    return (parsed.get("years", 0) * 365 + parsed.get("months", 0) * 30 + parsed.get("weeks", 0) * 7
            + parsed.get("days", 0) + parsed.get("hours", 0) / 24)


Check = PathRule | RequiredKinds | MinimumTimer


def _parallel_joins(graph: Graph, successors: dict[str, list[str]]) -> dict[str, set[str]]:
    """Parallel gateways with more than one incoming branch → their predecessors."""
    predecessors: dict[str, set[str]] = {}
    for node, nexts in successors.items():
        for nxt in nexts:
            if graph.nodes[nxt].tag == "parallelGateway":
                predecessors.setdefault(nxt, set()).add(node)
    return {node: before for node, before in predecessors.items() if len(before) > 1}


def _reachable(successors: dict[str, list[str]], sources: Iterable[str]) -> set[str]:
    seen, stack = set(sources), list(sources)
    while stack:
        for nxt in successors.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen

"""engine/bpmn/layout (scripts/bpmn_layout.py): the generated diagram is complete, clean, valid, deterministic.

The checks are geometric (shapes present once, inside their lanes, not overlapping, edges attached to
their shapes' borders and not running through other shapes) because those are what make a diagram
open cleanly in bpmn.io; SpiffWorkflow's parser validates the result against the BPMN XSD.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bpmn_layout.py"
FIXTURES = ROOT / "tests" / "fixtures"

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}
FLOW_NODE_TAGS = {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "businessRuleTask",
    "callActivity", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}  # fmt: skip


layout = importlib.import_module("engine.bpmn.layout")


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, check=False, cwd=ROOT)


# --------------------------------------------------------------------------------------------- helpers


Box = tuple[float, float, float, float]


@dataclass
class Diagram:
    """The laid-out document, read back: semantic elements and their DI."""

    root: etree._Element
    process: etree._Element
    shapes: dict[str, list[Box]]
    edges: dict[str, list[list[tuple[float, float]]]]
    edge_elements: dict[str, etree._Element]
    shape_elements: dict[str, etree._Element]

    @property
    def nodes(self) -> dict[str, etree._Element]:
        return {el.get("id"): el for el in self.process if etree.QName(el).localname in FLOW_NODE_TAGS}

    @property
    def flows(self) -> list[etree._Element]:
        return list(self.process.iterfind("bpmn:sequenceFlow", NS))

    def box(self, element_id: str) -> Box:
        (found,) = self.shapes[element_id]
        return found


def _bounds(el: etree._Element) -> Box:
    b = el.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def read_diagram(data: bytes) -> Diagram:
    root = etree.fromstring(data)
    processes = root.findall("bpmn:process", NS)
    assert len(processes) == 1
    shapes: dict[str, list[Box]] = {}
    shape_elements: dict[str, etree._Element] = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        shapes.setdefault(shape.get("bpmnElement"), []).append(_bounds(shape))
        shape_elements[shape.get("bpmnElement")] = shape
    edges: dict[str, list[list[tuple[float, float]]]] = {}
    edge_elements: dict[str, etree._Element] = {}
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.iterfind("di:waypoint", NS)]
        edges.setdefault(edge.get("bpmnElement"), []).append(points)
        edge_elements[edge.get("bpmnElement")] = edge
    return Diagram(root, processes[0], shapes, edges, edge_elements, shape_elements)


def on_border(point: tuple[float, float], box: Box, tolerance: float = 1.0) -> bool:
    px, py = point
    x, y, w, h = box
    inside = x - tolerance <= px <= x + w + tolerance and y - tolerance <= py <= y + h + tolerance
    near_side = min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= tolerance
    return inside and near_side


def overlaps(a: Box, b: Box) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def contains(outer: Box, inner: Box) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def crosses_interior(p: tuple[float, float], q: tuple[float, float], box: Box) -> bool:
    """Does the axis-parallel segment p-q pass through the inside of box (its border excluded)?"""
    x, y, w, h = box
    across = min(p[0], q[0]) < x + w - 1 and max(p[0], q[0]) > x + 1
    return across and min(p[1], q[1]) < y + h - 1 and max(p[1], q[1]) > y + 1


def collinear_overlap(a: tuple[tuple[float, float], ...], b: tuple[tuple[float, float], ...]) -> bool:
    """Do two axis-parallel segments lie on one line and share more than a point?"""
    (ax0, ay0), (ax1, ay1) = a
    (bx0, by0), (bx1, by1) = b
    if ay0 == ay1 == by0 == by1:
        return min(max(ax0, ax1), max(bx0, bx1)) - max(min(ax0, ax1), min(bx0, bx1)) > 0
    if ax0 == ax1 == bx0 == bx1:
        return min(max(ay0, ay1), max(by0, by1)) - max(min(ay0, ay1), min(by0, by1)) > 0
    return False


def lane_of(process: etree._Element) -> dict[str, str]:
    """Flow node id -> id of the innermost lane listing it."""
    owner: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN}}}lane"):  # document order: parents before their children
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            owner[ref.text.strip()] = lane.get("id")
    return owner


def parse_with_spiff(data: bytes, process_id: str) -> None:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_str(data)
    assert parser.get_spec(process_id) is not None


def check_layout(data: bytes) -> Diagram:
    """Every invariant the layout promises, on one laid-out document."""
    diagram = read_diagram(data)
    process = diagram.process
    nodes = diagram.nodes
    lanes = list(process.iter(f"{{{BPMN}}}lane"))
    participants = diagram.root.findall("bpmn:collaboration/bpmn:participant", NS)

    # exactly one shape per flow node, lane and participant, and nothing else
    expected = [*nodes, *(lane.get("id") for lane in lanes), *(p.get("id") for p in participants)]
    assert sorted(diagram.shapes) == sorted(expected)
    for element_id in expected:
        assert len(diagram.shapes[element_id]) == 1, element_id
        assert diagram.shape_elements[element_id].get("id") == f"{element_id}_di"
    for element_id in [*(lane.get("id") for lane in lanes), *(p.get("id") for p in participants)]:
        assert diagram.shape_elements[element_id].get("isHorizontal") == "true"
    for node_id, node in nodes.items():
        if etree.QName(node).localname == "exclusiveGateway":
            assert diagram.shape_elements[node_id].get("isMarkerVisible") == "true"

    # the plane belongs to the collaboration, or to the process when there is none
    (plane,) = diagram.root.findall("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    collaboration = diagram.root.find("bpmn:collaboration", NS)
    assert plane.get("bpmnElement") == (collaboration if collaboration is not None else process).get("id")

    # standard sizes
    for node_id, node in nodes.items():
        tag = etree.QName(node).localname
        size = diagram.box(node_id)[2:]
        if tag.endswith("Gateway"):
            assert size == (50, 50)
        elif tag.endswith("Event"):
            assert size == (36, 36)
        else:
            assert size == (100, 80)

    # boundary events sit on the bottom edge of their host
    hosts = {node_id: node.get("attachedToRef") for node_id, node in nodes.items() if node.get("attachedToRef")}
    for event_id, host_id in hosts.items():
        ex, ey, ew, eh = diagram.box(event_id)
        hx, hy, hw, hh = diagram.box(host_id)
        assert ey + eh / 2 == hy + hh
        assert hx <= ex and ex + ew <= hx + hw

    # flow-node shapes do not overlap (a boundary event and its host excepted)
    ids = list(nodes)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if hosts.get(a) == b or hosts.get(b) == a:
                continue
            assert not overlaps(diagram.box(a), diagram.box(b)), (a, b)

    # every node inside its lane, every lane inside the pool
    owner = lane_of(process)
    for node_id in nodes:
        lane_id = owner.get(node_id) or owner.get(hosts.get(node_id, ""))
        if lane_id is not None:
            assert contains(diagram.box(lane_id), diagram.box(node_id)), (node_id, lane_id)
    for participant in participants:
        pool = diagram.box(participant.get("id"))
        for node_id in nodes:
            assert contains(pool, diagram.box(node_id)), node_id
        for lane in lanes:
            assert contains(pool, diagram.box(lane.get("id"))), lane.get("id")

    # one edge per sequence flow, starting and ending on its shapes' borders, orthogonal,
    # never running through a shape
    assert sorted(diagram.edges) == sorted(f.get("id") for f in diagram.flows)
    for flow in diagram.flows:
        flow_id = flow.get("id")
        (points,) = diagram.edges[flow_id]
        assert diagram.edge_elements[flow_id].get("id") == f"{flow_id}_di"
        assert len(points) >= 2, flow_id
        assert on_border(points[0], diagram.box(flow.get("sourceRef"))), flow_id
        assert on_border(points[-1], diagram.box(flow.get("targetRef"))), flow_id
        for p, q in itertools.pairwise(points):
            assert p[0] == q[0] or p[1] == q[1], (flow_id, p, q)
            for node_id in nodes:
                assert not crosses_interior(p, q, diagram.box(node_id)), (flow_id, node_id, p, q)
        label = diagram.edge_elements[flow_id].find("bpmndi:BPMNLabel/dc:Bounds", NS)
        assert (label is not None) == bool(flow.get("name")), flow_id

    labels = {key: _bounds(el.find("bpmndi:BPMNLabel", NS)) for key, el in
              [*diagram.shape_elements.items(), *diagram.edge_elements.items()]
              if el.find("bpmndi:BPMNLabel/dc:Bounds", NS) is not None}
    for (a, box_a), (b, box_b) in itertools.combinations(labels.items(), 2):
        assert not overlaps(box_a, box_b), f"labels of {a} and {b} overlap"  # issue 22: unreadable names
    for key, box in labels.items():
        for node_id in nodes:
            if node_id != key:
                assert not overlaps(box, diagram.box(node_id)), f"label of {key} covers {node_id}"

    parse_with_spiff(data, process.get("id"))
    return diagram


def lay_out(source: Path, tmp_path: Path) -> bytes:
    out = tmp_path / f"{source.stem}.laid-out.bpmn"
    result = run_cli(str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    return out.read_bytes()


# ------------------------------------------------------------------------------------------- fixtures


@pytest.mark.parametrize("name", ["review_loop.bpmn", "comment_timer.bpmn"])
def test_fixture_layout_is_complete_and_clean(name: str, tmp_path: Path):
    before = (FIXTURES / name).read_bytes()
    data = lay_out(FIXTURES / name, tmp_path)
    check_layout(data)
    assert (FIXTURES / name).read_bytes() == before  # -o leaves the input alone


@pytest.mark.parametrize("name", ["review_loop.bpmn", "comment_timer.bpmn"])
def test_layout_is_deterministic_and_idempotent(name: str, tmp_path: Path):
    first = lay_out(FIXTURES / name, tmp_path)
    second = lay_out(FIXTURES / name, tmp_path)
    assert first == second
    copy = tmp_path / "again.bpmn"
    copy.write_bytes(first)
    assert run_cli(str(copy), "--in-place").returncode == 0
    assert copy.read_bytes() == first  # an existing diagram is replaced, not added to


def test_review_loop_return_flow_runs_outside_the_rows(tmp_path: Path):
    diagram = read_diagram(lay_out(FIXTURES / "review_loop.bpmn", tmp_path))
    (points,) = diagram.edges["flow_supplement"]
    supplement, review = diagram.box("supplement"), diagram.box("review")
    assert points[0] == (supplement[0] + supplement[2], supplement[1] + supplement[3] / 2)  # right side
    assert points[-1] == (review[0], review[1] + review[3] / 2)  # left side
    # the horizontal run back to the left lies below the sponsor lane's shapes, inside that lane
    (corridor,) = [p[1] for p, q in itertools.pairwise(points) if p[1] == q[1] and q[0] < p[0]]
    sponsor = diagram.box("Lane_sponsor")
    assert corridor > max(diagram.box(n)[1] + diagram.box(n)[3] for n in ("start", "draft", "supplement"))
    assert corridor < sponsor[1] + sponsor[3]
    # lanes are stacked top to bottom in document order, flush against each other
    lanes = [diagram.box(lane) for lane in ("Lane_sponsor", "Lane_review", "Lane_meeting")]
    for upper, lower in itertools.pairwise(lanes):
        assert upper[1] + upper[3] == lower[1]
    # left to right by rank
    xs = [diagram.box(n)[0] for n in ("start", "draft", "review", "review_outcome", "deliberation", "end")]
    assert xs == sorted(xs)


def test_comment_timer_boundary_flow_leaves_the_event_bottom(tmp_path: Path):
    diagram = read_diagram(lay_out(FIXTURES / "comment_timer.bpmn", tmp_path))
    (points,) = diagram.edges["f6"]
    ex, ey, ew, eh = diagram.box("prepare_deadline")
    assert points[0] == (ex + ew / 2, ey + eh)
    # the exception path is ranked after the host, the end after both
    assert diagram.box("late")[0] > diagram.box("prepare")[0]
    assert diagram.box("end")[0] > diagram.box("late")[0]
    (plane,) = diagram.root.findall(".//bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == "comment_timer"


def test_rest_of_document_is_kept(tmp_path: Path):
    source = FIXTURES / "review_loop.bpmn"
    original = etree.fromstring(source.read_bytes())
    data = lay_out(source, tmp_path)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ')
    result = etree.fromstring(data)
    assert [child.tag for child in result][:-1] == [child.tag for child in original]
    assert result[-1].tag == f"{{{BPMNDI}}}BPMNDiagram"
    for before, after in zip(original, result, strict=False):
        # exclusive C14N: the same content, whatever namespaces the root now declares as well
        assert etree.tostring(before, method="c14n", exclusive=True) == etree.tostring(
            after, method="c14n", exclusive=True
        )
    assert result.nsmap["bpmndi"] == BPMNDI and result.nsmap["dc"] == DC and result.nsmap["di"] == DI
    # the new diagram is indented two spaces per level
    assert b'\n  <bpmndi:BPMNDiagram id="' in data
    assert b'\n    <bpmndi:BPMNPlane id="' in data
    assert b'\n      <bpmndi:BPMNShape id="' in data
    assert b'\n        <dc:Bounds x="' in data
    assert data.endswith(b"  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")


@pytest.mark.parametrize("source", sorted((ROOT / "processes").glob("*.bpmn")), ids=lambda p: p.name)
def test_project_process_definitions_lay_out_cleanly(source: Path, tmp_path: Path):
    # the real definitions are the tool's purpose; their files are only read
    data = lay_out(source, tmp_path)
    check_layout(data)
    assert lay_out(source, tmp_path) == data


# --------------------------------------------------------------------------------- generated processes


def build_bpmn(
    lanes: dict[str, tuple[str, list[str]]],
    nodes: list[tuple[str, str, str]],
    flows: list[tuple[str, str, str, str]],
    *,
    boundaries: dict[str, str] | None = None,
    collaboration: bool = True,
    child_lanes: dict[str, dict[str, tuple[str, list[str]]]] | None = None,
    extra: str = "",
) -> bytes:
    """A process definition from a compact description (incoming/outgoing written as authors do)."""
    boundaries = boundaries or {}
    child_lanes = child_lanes or {}
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow_id, source, target, _name in flows:
        outgoing.setdefault(source, []).append(flow_id)
        incoming.setdefault(target, []).append(flow_id)

    def lane_xml(lane_id: str, name: str, refs: list[str], indent: str) -> str:
        inner = "".join(f"{indent}  <bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>\n" for ref in refs)
        if lane_id in child_lanes:
            children = "".join(
                lane_xml(child_id, child_name, child_refs, indent + "    ")
                for child_id, (child_name, child_refs) in child_lanes[lane_id].items()
            )
            inner += f'{indent}  <bpmn:childLaneSet id="{lane_id}_set">\n{children}{indent}  </bpmn:childLaneSet>\n'
        return f'{indent}<bpmn:lane id="{lane_id}" name="{name}">\n{inner}{indent}</bpmn:lane>\n'

    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    parts.append(
        f'<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'id="Definitions_gen" targetNamespace="http://decisionflow.local/bpmn">\n'
    )
    if collaboration:
        parts.append(
            '  <bpmn:collaboration id="Collaboration_gen">\n'
            '    <bpmn:participant id="Participant_gen" name="生成的流程" processRef="generated" />\n'
            "  </bpmn:collaboration>\n"
        )
    parts.append('  <bpmn:process id="generated" name="生成的流程" isExecutable="true">\n')
    if lanes:
        parts.append('    <bpmn:laneSet id="LaneSet_gen">\n')
        parts += [lane_xml(lane_id, name, refs, "      ") for lane_id, (name, refs) in lanes.items()]
        parts.append("    </bpmn:laneSet>\n")
    for node_id, tag, name in nodes:
        links = "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(node_id, []))
        links += "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(node_id, []))
        parts.append(f'    <bpmn:{tag} id="{node_id}" name="{name}">{links}</bpmn:{tag}>\n')
    for event_id, host in boundaries.items():
        links = "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(event_id, []))
        parts.append(
            f'    <bpmn:boundaryEvent id="{event_id}" name="超时" attachedToRef="{host}">{links}'
            f'<bpmn:timerEventDefinition id="{event_id}_timer"><bpmn:timeDuration>"P5D"</bpmn:timeDuration>'
            "</bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
        )
    for flow_id, source, target, name in flows:
        label = f' name="{name}"' if name else ""
        condition = ""
        if source.startswith("gw"):
            condition = (
                f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">c == "{flow_id}"'
                "</bpmn:conditionExpression>"
            )
        parts.append(
            f'    <bpmn:sequenceFlow id="{flow_id}"{label} sourceRef="{source}" targetRef="{target}">{condition}'
            "</bpmn:sequenceFlow>\n"
        )
    parts.append(extra)
    parts.append("  </bpmn:process>\n</bpmn:definitions>\n")
    return "".join(parts).encode()


LARGE_LANES = {
    "Lane_apply": ("申请单位", ["start", "t1", "t8", "b_late"]),
    "Lane_legal": ("法制审核机构", ["t2", "gw1", "t9"]),
    "Lane_office": ("政府办公室", ["t3", "t6", "t10", "b_remind"]),
    "Lane_expert": ("专家论证组", ["t4", "t5", "t11"]),
    "Lane_meeting": ("政府常务会议", ["gw2", "t7", "t12", "end"]),
}
LARGE_NODES = [
    ("start", "startEvent", "开始"),
    ("t1", "userTask", "起草决策草案"),
    ("t2", "userTask", "合法性审查"),
    ("gw1", "exclusiveGateway", "审查结论？"),
    ("t3", "userTask", "征求部门意见"),
    ("t4", "userTask", "组织专家论证"),
    ("t5", "userTask", "形成论证报告"),
    ("t6", "userTask", "汇总部门意见"),
    ("gw2", "exclusiveGateway", "是否提交会议？"),
    ("t7", "userTask", "集体讨论决定"),
    ("t8", "userTask", "按会议意见修改"),
    ("t9", "userTask", "复核修改稿"),
    ("t10", "userTask", "签发决策文件"),
    ("t11", "userTask", "评估实施效果"),
    ("t12", "userTask", "归档"),
    ("end", "endEvent", "结束"),
]
LARGE_FLOWS = [
    ("f_start", "start", "t1", ""),
    ("f_t1", "t1", "t2", ""),
    ("f_t2", "t2", "gw1", ""),
    ("f_pass", "gw1", "t3", "通过"),
    ("f_expert", "gw1", "t4", "需要论证"),
    ("f_simple", "gw1", "t11", "简易程序"),  # long edge across many columns
    ("f_t3", "t3", "t6", ""),
    ("f_t4", "t4", "t5", ""),
    ("f_t6", "t6", "gw2", ""),
    ("f_t5", "t5", "gw2", ""),
    ("f_back", "gw2", "t2", "退回"),  # the loop, back up two lanes
    ("f_submit", "gw2", "t7", "提交"),
    ("f_t7", "t7", "t8", ""),
    ("f_t8", "t8", "t9", ""),
    ("f_t9", "t9", "t10", ""),
    ("f_t10", "t10", "t11", ""),
    ("f_t11", "t11", "t12", ""),
    ("f_t12", "t12", "end", ""),
    ("f_remind", "b_remind", "t12", ""),  # boundary event, forward
    ("f_late", "b_late", "t1", "重新起草"),  # boundary event on t8 looping back to t1
]
LARGE_BOUNDARIES = {"b_late": "t8", "b_remind": "t10"}


def large_process() -> bytes:
    return build_bpmn(LARGE_LANES, LARGE_NODES, LARGE_FLOWS, boundaries=LARGE_BOUNDARIES)


def test_large_generated_process(tmp_path: Path):
    source = tmp_path / "large.bpmn"
    source.write_bytes(large_process())
    data = lay_out(source, tmp_path)
    diagram = check_layout(data)
    assert sum(1 for n in diagram.nodes.values() if etree.QName(n).localname == "userTask") == 12
    assert len(LARGE_LANES) == 5
    assert lay_out(source, tmp_path) == data
    # the long flow needs a second row in its lane, so that lane is taller than a one-row lane
    legal, meeting = diagram.box("Lane_legal"), diagram.box("Lane_meeting")
    assert legal[3] > meeting[3]
    # the two loops run back in corridors of their own: no stretch of one lies on the other
    for p, q in itertools.pairwise(diagram.edges["f_back"][0]):
        for r, t in itertools.pairwise(diagram.edges["f_late"][0]):
            assert not collinear_overlap((p, q), (r, t)), (p, q, r, t)
    # Chinese stays readable: UTF-8, no character references
    assert "合法性审查".encode() in data
    assert b"&#" not in data


def test_process_without_lanes_or_collaboration(tmp_path: Path):
    data = build_bpmn(
        {},
        [("start", "startEvent", ""), ("a", "task", "A"), ("gw", "parallelGateway", ""), ("b", "task", "B"),
         ("c", "task", "C"), ("join", "parallelGateway", ""), ("end", "endEvent", "")],
        [("f1", "start", "a", ""), ("f2", "a", "gw", ""), ("f3", "gw", "b", ""), ("f4", "gw", "c", ""),
         ("f5", "b", "join", ""), ("f6", "c", "join", ""), ("f7", "join", "end", "")],
        collaboration=False,
    )  # fmt: skip
    out, warnings = layout.layout_document(data)
    assert warnings == []
    diagram = check_layout(out)
    # the two branches are stacked in rows of the same column
    assert diagram.box("b")[0] == diagram.box("c")[0]
    assert diagram.box("b")[1] != diagram.box("c")[1]


def test_nested_lanes(tmp_path: Path):
    data = build_bpmn(
        {"Lane_outer": ("外", ["start", "a", "b"]), "Lane_other": ("其他", ["c", "end"])},
        [("start", "startEvent", ""), ("a", "userTask", "A"), ("b", "userTask", "B"), ("c", "userTask", "C"),
         ("end", "endEvent", "")],
        [("f1", "start", "a", ""), ("f2", "a", "b", ""), ("f3", "b", "c", ""), ("f4", "c", "end", "")],
        child_lanes={"Lane_outer": {"Lane_in1": ("内一", ["start", "a"]), "Lane_in2": ("内二", ["b"])}},
    )  # fmt: skip
    out, _ = layout.layout_document(data)
    diagram = check_layout(out)
    outer = diagram.box("Lane_outer")
    for child in ("Lane_in1", "Lane_in2"):
        assert contains(outer, diagram.box(child))
    assert diagram.box("Lane_in1")[0] > outer[0]  # room for the parent lane's name


def test_self_loop_and_unlaned_node_are_handled():
    data = build_bpmn(
        {"Lane_a": ("A", ["start", "t"])},
        [("start", "startEvent", ""), ("t", "userTask", "T"), ("gw", "exclusiveGateway", "again?"),
         ("end", "endEvent", "")],
        [("f1", "start", "t", ""), ("f2", "t", "gw", ""), ("f3", "gw", "gw", ""), ("f4", "gw", "end", "")],
    )  # fmt: skip
    out, warnings = layout.layout_document(data)
    assert any("no lane" in w for w in warnings)
    diagram = read_diagram(out)
    (points,) = diagram.edges["f3"]
    box = diagram.box("gw")
    assert on_border(points[0], box) and on_border(points[-1], box)
    assert len(points) >= 4


def random_process(seed: int) -> bytes:
    """A messy but valid process: random lanes, cross links, loops, self-loops and boundary events."""
    rnd = random.Random(seed)
    kinds = ["userTask"] * 6 + ["exclusiveGateway", "parallelGateway", "intermediateCatchEvent"]
    nodes = [("start", "startEvent", "开始")]
    for i in range(rnd.randint(3, 30)):
        kind = rnd.choice(kinds)
        nodes.append((f"gw{i}" if "Gateway" in kind else f"n{i}", kind, rnd.choice(["", "审核", "A long task name"])))
    nodes.append(("end", "endEvent", ""))
    ids = [node[0] for node in nodes]
    flows = [(f"s{i}", ids[rnd.randrange(max(0, i - 3), i)], ids[i], "") for i in range(1, len(ids))]
    for j in range(rnd.randint(0, len(ids) // 2)):
        a, b = rnd.sample(ids[1:-1], 2)
        flows.append((f"x{j}", a, b, rnd.choice(["", "退回", "yes"])))
    if rnd.random() < 0.3:
        node = rnd.choice(ids[1:-1])
        flows.append(("self", node, node, ""))
    tasks = [node[0] for node in nodes if node[1] == "userTask"]
    boundaries = {f"b{j}": host for j, host in enumerate(rnd.sample(tasks, min(len(tasks), rnd.randint(0, 3))))}
    for j, event_id in enumerate(boundaries):
        flows.append((f"bf{j}", event_id, rnd.choice(ids[1:]), rnd.choice(["", "超时"])))
    lanes: dict[str, tuple[str, list[str]]] = {f"L{k}": (f"泳道{k}", []) for k in range(rnd.randint(1, 5))}
    for node_id in ids:
        lanes[rnd.choice(list(lanes))][1].append(node_id)
    return build_bpmn(lanes, nodes, flows, boundaries=boundaries, collaboration=rnd.random() < 0.7)


@pytest.mark.parametrize("seed", range(40))
def test_random_processes_keep_the_invariants(seed: int, monkeypatch: pytest.MonkeyPatch):
    # SpiffWorkflow would refuse tasks with several outgoing flows, which random graphs have:
    # here only the XSD part of its parser is used, everything else is checked as for the fixtures
    def xsd_only(data: bytes, _process_id: str) -> None:
        SpiffBpmnParser(validator=VALIDATOR).add_bpmn_str(data)

    monkeypatch.setattr(sys.modules[__name__], "parse_with_spiff", xsd_only)
    out, _ = layout.layout_document(random_process(seed))
    check_layout(out)
    assert layout.layout_document(out)[0] == out


# ------------------------------------------------------------------------------------------ refusals


def _expect_exit_2(tmp_path: Path, data: bytes, message: str) -> None:
    source = tmp_path / "bad.bpmn"
    source.write_bytes(data)
    result = run_cli(str(source), "--in-place")
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert source.read_bytes() == data  # nothing written


def test_expanded_subprocess_is_refused(tmp_path: Path):
    sub = '    <bpmn:subProcess id="sub" name="子流程"><bpmn:startEvent id="sub_start" /></bpmn:subProcess>\n'
    data = build_bpmn({}, [("start", "startEvent", "")], [], collaboration=False, extra=sub)
    _expect_exit_2(tmp_path, data, "subprocess-free processes only")


def test_unusable_input_exits_2(tmp_path: Path):
    _expect_exit_2(tmp_path, b"<not-bpmn/>", "not bpmn:definitions")
    _expect_exit_2(tmp_path, b"<broken", "not well-formed")
    dangling = build_bpmn({}, [("start", "startEvent", "")], [("f", "start", "nowhere", "")], collaboration=False)
    _expect_exit_2(tmp_path, dangling, "unknown flow node 'nowhere'")


def test_stdout_is_the_default_output():
    result = run_cli(str(FIXTURES / "comment_timer.bpmn"))
    assert result.returncode == 0
    check_layout(result.stdout)


@pytest.mark.parametrize("builder", [large_process])
def test_library_and_cli_agree(builder: Callable[[], bytes], tmp_path: Path):
    source = tmp_path / "same.bpmn"
    source.write_bytes(builder())
    assert layout.layout_document(source.read_bytes())[0] == lay_out(source, tmp_path)

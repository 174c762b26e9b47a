"""The auditor's diagram: every step drawn, states and the taken path marked, no markup let through."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from webapp.diagram import element_names, render_svg

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
SVG = "http://www.w3.org/2000/svg"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI", "s": SVG}
DONE = ["start", "proposal", "initiation", "gw_launch"]
CURRENT = ["drafting"]
HOSTILE = "<script>alert(1)</script>"
TINY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs">
  <bpmn:process id="p" name="&lt;img src=x onerror=alert(2)&gt;" isExecutable="true">
    <bpmn:startEvent id="s" name="&quot;&gt;&lt;b&gt;start"/>
    <bpmn:userTask id="t" name="&lt;script&gt;alert(1)&lt;/script&gt;"/>
    <bpmn:sequenceFlow id="f" name="&lt;i&gt;go&lt;/i&gt;" sourceRef="s" targetRef="t"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="pl" bpmnElement="p">
      <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="10" y="20" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="t_di" bpmnElement="t"><dc:Bounds x="100" y="8" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f_di" bpmnElement="f"><di:waypoint x="46" y="38"/><di:waypoint x="100" y="48"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def definition(name: str) -> bytes:
    return (PROCESSES / f"{name}.bpmn").read_bytes()


def drawn(svg: str) -> dict[str, list[str]]:
    """data-id → class tokens of every element group in the SVG."""
    root = etree.fromstring(svg.encode())
    return {g.get("data-id"): g.get("class").split() for g in root.iter(f"{{{SVG}}}g") if g.get("data-id")}


def flow_nodes_with_shapes(bpmn: bytes) -> set[str]:
    root = etree.fromstring(bpmn)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    shaped = {shape.get("bpmnElement") for shape in plane.findall("bpmndi:BPMNShape", NS)}
    return shaped & set(element_names(bpmn))


@pytest.mark.parametrize("name", ["major_decision", "decision_execution"])
def test_diagram_is_well_formed_svg_with_every_shaped_flow_node(name):
    bpmn = definition(name)
    svg = render_svg(bpmn)
    root = etree.fromstring(svg.encode())
    assert root.tag == f"{{{SVG}}}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.get("width") == "100%" and root.get("preserveAspectRatio")
    assert root.find("s:style", NS) is not None
    groups = {key for key, classes in drawn(svg).items() if "el" in classes}
    assert flow_nodes_with_shapes(bpmn) <= groups
    assert len(flow_nodes_with_shapes(bpmn)) > 10


def test_steps_are_marked_done_current_or_pending():
    svg = render_svg(definition("major_decision"), done=DONE, current=CURRENT)
    classes = drawn(svg)
    for key in DONE:
        assert "done" in classes[key] and "current" not in classes[key]
    assert "current" in classes["drafting"] and "task" in classes["drafting"]
    assert "pending" in classes["archiving"]
    assert "gateway" in classes["gw_launch"] and "event" in classes["start"]


def test_a_step_open_again_is_current_not_done():
    classes = drawn(render_svg(definition("major_decision"), done=["drafting"], current=["drafting"]))
    assert "current" in classes["drafting"] and "done" not in classes["drafting"]


def test_only_flows_between_reached_steps_are_taken():
    classes = drawn(render_svg(definition("major_decision"), done=DONE, current=CURRENT))
    assert "taken" in classes["Flow_start_proposal"]
    assert "taken" in classes["Flow_gw_launch_drafting"]  # done → current
    assert "taken" not in classes["Flow_gw_launch_gw_archive_join"]  # the branch not chosen
    assert "taken" not in classes["Flow_drafting_gw_consult"]  # leaves the open step


def test_every_step_has_a_tooltip_with_its_name_and_state():
    root = etree.fromstring(render_svg(definition("major_decision"), done=DONE).encode())
    group = next(g for g in root.iter(f"{{{SVG}}}g") if g.get("data-id") == "proposal")
    assert group.find("s:title", NS).text == f"{element_names(definition('major_decision'))['proposal']} (done)"


def test_labels_override_display_names():
    svg = render_svg(TINY, labels={"t": "合法性审查"})
    assert "合法性审查" in svg and "alert(1)" not in svg


def test_hostile_names_are_drawn_as_text_never_as_markup():
    svg = render_svg(TINY, done=["s"], current=["t"], labels={"s": HOSTILE + '"'})
    assert "&lt;script&gt;" in svg
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg and "<i>" not in svg
    root = etree.fromstring(svg.encode())
    texts = "".join(root.itertext())
    assert HOSTILE in texts and "<i>go</i>" in texts
    assert [el.tag for el in root.iter() if etree.QName(el).localname in ("script", "img", "b", "i")] == []


def test_hostile_ids_stay_inside_their_attribute():
    hostile = TINY.replace('"t"', '"t&quot; onload=&quot;alert(3)"')
    root = etree.fromstring(render_svg(hostile, current=['t" onload="alert(3)']).encode())
    assert not [el for el in root.iter() if el.get("onload")]
    assert 't" onload="alert(3)' in drawn(etree.tostring(root).decode())


def test_a_definition_cannot_read_files_through_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doctype = f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
    xxe = TINY.replace("?>", "?>" + doctype, 1).replace("&lt;script&gt;alert(1)&lt;/script&gt;", "&x;")
    with pytest.raises(etree.XMLSyntaxError, match="external entity"):
        render_svg(xxe)


def test_diagram_loads_nothing_from_outside():
    svg = render_svg(definition("major_decision"), done=DONE, current=CURRENT)
    assert "<script" not in svg and "@import" not in svg and "href" not in svg
    assert svg.count("http") == 1  # the SVG namespace declaration, which is a name, not a fetch


@pytest.mark.parametrize("name", ["major_decision", "decision_execution"])
def test_view_box_covers_every_shape_and_waypoint(name):
    bpmn = etree.fromstring(definition(name))
    plane = bpmn.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    svg = etree.fromstring(render_svg(definition(name)).encode())
    left, top, width, height = map(float, svg.get("viewBox").split())
    for bounds in plane.iter(f"{{{NS['dc']}}}Bounds"):
        x, y, w, h = (float(bounds.get(k)) for k in ("x", "y", "width", "height"))
        assert left <= x and x + w <= left + width and top <= y and y + h <= top + height
    for point in plane.iter(f"{{{NS['di']}}}waypoint"):
        assert left <= float(point.get("x")) <= left + width and top <= float(point.get("y")) <= top + height


def test_element_names_lists_flow_nodes_only():
    names = element_names(TINY)
    assert names == {"s": '"><b>start', "t": HOSTILE}


def test_definition_without_diagram_information_is_refused():
    bare = TINY[: TINY.index("<bpmndi:BPMNDiagram")] + "</bpmn:definitions>"
    with pytest.raises(ValueError, match="BPMNDiagram"):
        render_svg(bare)


def test_the_executed_path_runs_through_the_gateways_history_does_not_name():
    """Issue 22: history holds steps, so the gateways between two reached steps are drawn as passed."""
    steps_only = ["start", "proposal", "initiation"]
    classes = drawn(render_svg(definition("major_decision"), done=steps_only, current=["drafting"]))
    assert "done" in classes["gw_launch"]  # initiation → gw_launch → drafting
    assert "taken" in classes["Flow_initiation_gw_launch"] and "taken" in classes["Flow_gw_launch_drafting"]
    assert "taken" not in classes["Flow_gw_launch_gw_archive_join"]  # the branch not chosen
    assert "pending" in classes["gw_archive_join"]


def test_a_gateway_after_the_open_step_is_not_passed():
    classes = drawn(render_svg(definition("major_decision"), done=["start", "proposal", "initiation"],
                               current=["drafting"]))
    assert "pending" in classes["gw_consult"]  # drafting → gw_consult: the open step has not left yet

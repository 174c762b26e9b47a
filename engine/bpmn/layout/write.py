"""Writing: the bpmndi diagram built from the geometry, replacing any old one, the rest of the file untouched."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.layout.geometry import Columns, Edge, compute_geometry
from engine.bpmn.layout.labels import label_size
from engine.bpmn.layout.model import (
    DI_PREFIXES,
    LANE_HEADER,
    ORIGIN_X,
    POOL_HEADER,
    LayoutError,
    Model,
    Node,
    walk_lanes,
)
from engine.bpmn.layout.read import read_model
from engine.bpmn.reader import (
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    local,
    parse,
    qname,
)


def _fmt(value: int) -> str:
    return str(int(value))


def _bounds(parent: etree._Element, x: int, y: int, width: int, height: int) -> None:
    etree.SubElement(
        parent,
        qname(DC_NS, "Bounds"),
        {"x": _fmt(x), "y": _fmt(y), "width": _fmt(width), "height": _fmt(height)},
    )


def _label(parent: etree._Element, box: tuple[int, int, int, int]) -> None:
    _bounds(etree.SubElement(parent, qname(BPMNDI_NS, "BPMNLabel")), *box)


def _node_label(node: Node) -> tuple[int, int, int, int] | None:
    """External labels of events and gateways, where bpmn.io would put them (tasks label themselves)."""
    if not node.name or node.kind == "task":
        return None
    width, height = label_size(node.name)
    if node.kind == "boundary":  # to the right, below the host, clear of a flow dropping from the event
        return node.right + 2, node.bottom - 14, width, height
    return node.cx - width // 2, node.bottom + 5, width, height


def _unique_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}_{number}"
    taken.add(candidate)
    return candidate


def build_diagram(
    model: Model, edges: dict[str, Edge], geometry: Columns, taken_ids: set[str], nsmap: dict[str, str]
) -> etree._Element:
    """Create the bpmndi:BPMNDiagram element for the laid-out model."""
    diagram = etree.Element(
        qname(BPMNDI_NS, "BPMNDiagram"), {"id": _unique_id(f"BPMNDiagram_{model.plane_element}", taken_ids)},
        nsmap=nsmap,
    )
    plane = etree.SubElement(
        diagram,
        qname(BPMNDI_NS, "BPMNPlane"),
        {"id": _unique_id(f"BPMNPlane_{model.plane_element}", taken_ids), "bpmnElement": model.plane_element},
    )

    def shape(element_id: str, extra: dict[str, str] | None = None) -> etree._Element:
        attrs = {"id": _unique_id(f"{element_id}_di", taken_ids), "bpmnElement": element_id}
        attrs.update(extra or {})
        return etree.SubElement(plane, qname(BPMNDI_NS, "BPMNShape"), attrs)

    top = model.bands[0].top
    bottom = model.bands[-1].top + model.bands[-1].height
    if model.participant:
        _bounds(
            shape(model.participant, {"isHorizontal": "true"}), ORIGIN_X, top, geometry.right - ORIGIN_X, bottom - top
        )
    lane_left = ORIGIN_X + (POOL_HEADER if model.participant else 0)
    for lane in walk_lanes(model.lanes):
        x = lane_left + LANE_HEADER * (lane.depth - 1)
        _bounds(shape(lane.id, {"isHorizontal": "true"}), x, lane.y, geometry.right - x, lane.height)
    for node in model.nodes.values():
        extra = {"isMarkerVisible": "true"} if node.tag == "exclusiveGateway" else None
        node_shape = shape(node.id, extra)
        _bounds(node_shape, node.x, node.y, node.width, node.height)
        box = _node_label(node)
        if box is not None:
            _label(node_shape, box)
    for flow in model.flows:
        edge = edges[flow.id]
        element = etree.SubElement(
            plane, qname(BPMNDI_NS, "BPMNEdge"), {"id": _unique_id(f"{flow.id}_di", taken_ids), "bpmnElement": flow.id}
        )
        for x, y in edge.points:
            etree.SubElement(element, qname(DI_NS, "waypoint"), {"x": _fmt(x), "y": _fmt(y)})
        if edge.label is not None:
            _label(element, edge.label)
    return diagram


def _choose_prefixes(root: etree._Element) -> dict[str, str]:
    """Prefixes for the DI namespaces: the document's own if it declares them, else the usual ones."""
    declared = root.nsmap
    used_prefixes = {prefix for el in root.iter() if isinstance(el.tag, str) for prefix in el.nsmap}
    chosen: dict[str, str] = {}
    for wanted, uri in DI_PREFIXES.items():
        existing = [prefix for prefix, value in declared.items() if value == uri and prefix]
        if existing:
            chosen[sorted(existing)[0]] = uri
            continue
        prefix, number = wanted, 1
        while prefix in used_prefixes or prefix in chosen:
            number += 1
            prefix = f"{wanted}{number}"
        chosen[prefix] = uri
    return chosen


def _replace_diagrams(root: etree._Element, diagram: etree._Element) -> None:
    """Swap out old diagrams for the new one, keeping the surrounding whitespace as it was."""
    children = list(root)
    old = [child for child in children if child.tag == qname(BPMNDI_NS, "BPMNDiagram")]
    position = children.index(old[0]) if old else None
    for child in old:
        previous = child.getprevious()
        if previous is not None:
            previous.tail = child.tail
        else:
            root.text = child.tail
        root.remove(child)
    if position is None:  # the schema wants diagrams after the root elements, before relationships
        remaining = list(root)
        relationships = [i for i, child in enumerate(remaining) if local(child.tag) == "relationship"]
        position = relationships[0] if relationships else len(remaining)
    else:
        position = min(position, len(root))
    indent = root.text if root.text is not None and root.text.strip() == "" and "\n" in root.text else "\n  "
    if position > 0:
        previous = root[position - 1]
        diagram.tail = previous.tail
        previous.tail = indent
    else:
        diagram.tail = root.text
        root.text = indent
    root.insert(position, diagram)
    etree.indent(diagram, space="  ", level=1)


def layout_document(data: bytes) -> tuple[bytes, list[str]]:
    """Lay out a BPMN document given as bytes; return the new document and any warnings."""
    try:
        root = parse(data)
    except etree.XMLSyntaxError as exc:
        raise LayoutError(f"not well-formed XML: {exc}") from exc
    model = read_model(root)
    edges, geometry = compute_geometry(model)
    nsmap = _choose_prefixes(root)
    old_diagram_ids = {
        el.get("id")
        for diagram in root.iter(qname(BPMNDI_NS, "BPMNDiagram"))
        for el in diagram.iter()
        if isinstance(el.tag, str)
    }
    taken = {
        value
        for el in root.iter()
        if isinstance(el.tag, str) and (value := el.get("id")) and value not in old_diagram_ids
    }
    diagram = build_diagram(model, edges, geometry, taken, nsmap)
    _replace_diagrams(root, diagram)
    keep = sorted({prefix for el in root.iter() if isinstance(el.tag, str) for prefix in el.nsmap if prefix})
    etree.cleanup_namespaces(root, top_nsmap=nsmap, keep_ns_prefixes=keep)
    return _serialise(root), model.warnings


def _serialise(root: etree._Element) -> bytes:
    """UTF-8 with a double-quoted declaration, one line per top-level node (lxml drops that whitespace)."""
    parts = [b'<?xml version="1.0" encoding="UTF-8"?>']
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        parts.append(doctype.encode("utf-8"))
    siblings = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    parts += [etree.tostring(node, encoding="UTF-8", xml_declaration=False, with_tail=False) for node in siblings]
    return b"\n".join(parts) + b"\n"

"""Reading: the one process's flow nodes, flows and lanes, refusing what the layout cannot draw faithfully."""

from __future__ import annotations

from lxml import etree

from engine.bpmn.layout.model import (
    EVENT_SIZE,
    GATEWAY_SIZE,
    TASK_SIZE,
    UNDRAWN_TAGS,
    Band,
    Flow,
    Lane,
    LayoutError,
    Model,
    Node,
)
from engine.bpmn.reader import (
    BPMN_NS,
    EVENT_TAGS,
    GATEWAY_TAGS,
    SUBPROCESS_TAGS,
    TASK_TAGS,
    local,
    qname,
)


def _size_for(tag: str) -> tuple[int, int]:
    if tag in GATEWAY_TAGS:
        return GATEWAY_SIZE
    if tag in EVENT_TAGS or tag == "boundaryEvent":
        return EVENT_SIZE
    return TASK_SIZE


def _pick_process(root: etree._Element) -> tuple[str, str | None, etree._Element]:
    """Return (plane element id, participant id, process element), refusing what we cannot draw."""
    processes = [el for el in root if local(el.tag) == "process"]
    by_id = {el.get("id"): el for el in processes}
    collaborations = [el for el in root if local(el.tag) == "collaboration"]
    if len(collaborations) > 1:
        raise LayoutError("more than one collaboration: only one pool per file is supported")
    if collaborations:
        collab = collaborations[0]
        participants = [el for el in collab if local(el.tag) == "participant"]
        if len(participants) != 1:
            raise LayoutError(
                f"collaboration {collab.get('id')!r} has {len(participants)} participants; exactly one is supported"
            )
        part = participants[0]
        process = by_id.get(part.get("processRef"))
        if process is None:
            raise LayoutError(f"participant {part.get('id')!r} refers to unknown process {part.get('processRef')!r}")
        if len(processes) > 1:
            raise LayoutError("more than one process: only one process per file is supported")
        return _required_id(collab), _required_id(part), process
    if len(processes) != 1:
        raise LayoutError(f"expected exactly one process without a collaboration, found {len(processes)}")
    return _required_id(processes[0]), None, processes[0]


def _required_id(el: etree._Element) -> str:
    value = el.get("id")
    if not value:
        raise LayoutError(f"<{local(el.tag)}> on line {el.sourceline} has no id")
    return value


def _read_lanes(container: etree._Element, depth: int) -> list[Lane]:
    lanes: list[Lane] = []
    for lane_set in container:
        if local(lane_set.tag) not in ("laneSet", "childLaneSet"):
            continue
        for lane_el in lane_set:
            if local(lane_el.tag) != "lane":
                continue
            refs = [(ref.text or "").strip() for ref in lane_el if local(ref.tag) == "flowNodeRef"]
            lanes.append(Lane(_required_id(lane_el), depth, _read_lanes(lane_el, depth + 1), refs))
    return lanes


def read_model(root: etree._Element) -> Model:
    """Collect nodes, flows and lanes of the one process, checking what the layout relies on."""
    if root.tag != qname(BPMN_NS, "definitions"):
        raise LayoutError("the root element is not bpmn:definitions")
    plane_element, participant, process = _pick_process(root)
    warnings: list[str] = []
    nodes: dict[str, Node] = {}
    flow_els: list[etree._Element] = []
    for el in process:
        tag = local(el.tag)
        if tag in SUBPROCESS_TAGS:
            raise LayoutError(
                f"{tag} {el.get('id')!r}: expanded sub-processes are not supported; "
                "this tool lays out subprocess-free processes only"
            )
        if tag in TASK_TAGS or tag in EVENT_TAGS or tag in GATEWAY_TAGS or tag == "boundaryEvent":
            node_id = _required_id(el)
            if node_id in nodes:
                raise LayoutError(f"duplicate flow node id {node_id!r}")
            width, height = _size_for(tag)
            host = el.get("attachedToRef") if tag == "boundaryEvent" else None
            if tag == "boundaryEvent" and not host:
                raise LayoutError(f"boundary event {node_id!r} has no attachedToRef")
            nodes[node_id] = Node(node_id, tag, el.get("name") or "", len(nodes), width, height, host)
        elif tag == "sequenceFlow":
            flow_els.append(el)
        elif tag in UNDRAWN_TAGS:
            warnings.append(f"{tag} {el.get('id')!r} is not drawn (no DI generated for it)")
    if not nodes:
        raise LayoutError(f"process {process.get('id')!r} has no flow nodes")
    for node in nodes.values():
        if node.host is not None:
            host = nodes.get(node.host)
            if host is None or host.kind != "task":
                raise LayoutError(f"boundary event {node.id!r} is attached to {node.host!r}, which is not a task")

    flows: list[Flow] = []
    for order, el in enumerate(flow_els):
        flow_id = _required_id(el)
        source, target = el.get("sourceRef") or "", el.get("targetRef") or ""
        for end in (source, target):
            if end not in nodes:
                raise LayoutError(f"sequence flow {flow_id!r} refers to unknown flow node {end!r}")
        if nodes[target].host is not None:
            raise LayoutError(f"sequence flow {flow_id!r} targets boundary event {target!r}")
        origin = nodes[source].host or source
        flows.append(Flow(flow_id, el.get("name") or "", source, target, origin, order))

    lanes = _read_lanes(process, 1)
    bands: list[Band] = []
    placed: dict[str, int] = {}

    def assign(lane: Lane) -> None:
        if lane.children:
            for child in lane.children:
                assign(child)
            # a node referenced only by the parent lane goes to the parent's first leaf
            for ref in lane.refs:
                placed.setdefault(ref, _first_leaf(lane).band)
            return
        lane.band = len(bands)
        bands.append(Band(lane.id))
        for ref in lane.refs:
            if ref in placed and placed[ref] != lane.band:
                warnings.append(f"flow node {ref!r} is in more than one lane; using the first")
            placed.setdefault(ref, lane.band)

    for lane in lanes:
        assign(lane)
    unknown = [ref for ref in placed if ref not in nodes]
    for ref in unknown:
        warnings.append(f"lane refers to unknown flow node {ref!r}")
    if not bands:
        bands.append(Band(None))
    loose = [n.id for n in nodes.values() if n.host is None and n.id not in placed]
    if lanes and loose:
        warnings.append(f"flow nodes in no lane are put below the lanes: {', '.join(loose)}")
        bands.append(Band(None))
    for node in nodes.values():
        node.band = placed.get(node.id, len(bands) - 1)
    for node in nodes.values():  # a boundary event lives where its host is, whatever its lane says
        if node.host is not None:
            node.band = nodes[node.host].band
    return Model(plane_element, participant, process, nodes, flows, lanes, bands, warnings)


def _first_leaf(lane: Lane) -> Lane:
    while lane.children:
        lane = lane.children[0]
    return lane

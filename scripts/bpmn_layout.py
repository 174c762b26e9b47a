#!/usr/bin/env python3
"""Generate the BPMN diagram interchange (``bpmndi``) of a process definition.

Why this exists: process authors write the semantic BPMN XML by hand (a collaboration with one
participant, lanes, tasks, gateways, events, sequence flows), but bpmn.io / Camunda Modeler only show
what has diagram information, and coordinates written by hand drift, overlap and rot with every edit.
This tool throws away any existing ``bpmndi:BPMNDiagram`` and derives a fresh, deterministic one from
the process structure, so a definition can be re-laid-out after every change.

Usage::

    python scripts/bpmn_layout.py FILE.bpmn              # laid-out document on stdout
    python scripts/bpmn_layout.py FILE.bpmn --in-place   # rewrite FILE.bpmn
    python scripts/bpmn_layout.py FILE.bpmn -o OUT.bpmn

How the layout works (a small Sugiyama-style layered layout constrained to lane bands):

1. Ranks.  A depth-first search from the start events marks back edges (loops); on the remaining
   acyclic graph every node gets its longest-path rank, which is its column.  Boundary events are not
   ranked: they sit on the bottom edge of their host, and their outgoing flows count as the host's.
2. Rows.  Each lane is a horizontal band.  Flows that skip columns get invisible "dummy" slots in the
   source's band so that the line running through those columns has a reserved, shape-free row.
   Columns are filled left to right; each slot asks for the mean row of its same-band predecessors
   (one row lower for the exception path of a boundary event) and slots are pushed down to avoid
   sharing a row, so a band is as many rows high as its busiest column needs.
3. Loops.  Back edges run in horizontal "corridors" reserved above or below a band's rows; each loop
   gets its own corridor track (interval colouring), so loops neither cross shapes nor each other.
4. Routing.  Every flow leaves its source's right side (a boundary event's bottom) and enters its
   target's left side; vertical segments only ever run in the gaps between columns, where no shape
   is, and vertical segments sharing a gap get separate x tracks unless they fan out of one source or
   fan into one target.  Column pitch is ~150 px, widened where a gap needs more tracks or a label.

Only subprocess-free processes are supported; an (expanded) subProcess makes the tool stop with
exit status 2, as does any other input it cannot lay out faithfully.

The rest of the document is kept as lxml parsed it (element order, whitespace, comments, CDATA);
only the new diagram is indented, with two spaces per level.  Standard library + lxml only.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
DI_PREFIXES = {"bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}

# Element sizes are the bpmn.io defaults, so shapes look the same as ones drawn in the modeler.
TASK_SIZE = (100, 80)
EVENT_SIZE = (36, 36)
GATEWAY_SIZE = (50, 50)

ORIGIN_X = 160
ORIGIN_Y = 80
POOL_HEADER = 30  # width of the vertical name strip on a horizontal pool
LANE_HEADER = 30  # ... and on each (nesting level of) lane
COLUMN_PITCH = 150  # distance between column centres unless a gap needs more room
MIN_GAP = 50  # free space between two columns, where the vertical edge segments run
TRACK_SPACING = 14  # distance between parallel vertical segments in a gap
ROW_SLOT = 80  # every row is as tall as a task; smaller shapes are centred in it
ROW_GAP = 50  # free space between rows (boundary events hang 18 px into it)
ROW_PITCH = ROW_SLOT + ROW_GAP
BAND_PAD_TOP = 35
BAND_PAD_BOTTOM = 45
CORRIDOR_STEP = 15  # distance between loop corridors stacked above or below a band's rows
CORRIDOR_CLEARANCE_TOP = 35  # rows start this far below the innermost top corridor
CORRIDOR_CLEARANCE_BOTTOM = 45  # the innermost bottom corridor is this far below the rows
MIN_BAND_HEIGHT = 120
BOUNDARY_DROP = 30  # a boundary flow that cannot go straight down first runs this far below the host
LABEL_MAX_WIDTH = 90
LABEL_LINE_HEIGHT = 14
LABEL_SLACK = 12

TASK_TAGS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
    }
)
EVENT_TAGS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"})
GATEWAY_TAGS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
SUBPROCESS_TAGS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
# Drawable things this tool does not place: they are left without DI (bpmn.io then just hides them).
UNDRAWN_TAGS = frozenset({"dataObjectReference", "dataStoreReference", "textAnnotation", "group", "association"})


class LayoutError(Exception):
    """The input cannot be laid out faithfully; the command line turns this into exit status 2."""


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _local(tag: object) -> str:
    """Local name of a BPMN-namespace element, '' for anything else (comments, PIs, extensions)."""
    if not isinstance(tag, str) or not tag.startswith(f"{{{BPMN_NS}}}"):
        return ""
    return tag.split("}", 1)[1]


# --------------------------------------------------------------------------------------------- model


@dataclass
class Node:
    """A flow node; geometry is filled in by the layout."""

    id: str
    tag: str
    name: str
    order: int
    width: int
    height: int
    host: str | None = None  # the attachedToRef of a boundary event
    band: int = 0
    rank: int = 0
    row: int = 0
    x: int = 0
    y: int = 0

    @property
    def kind(self) -> str:
        if self.host is not None:
            return "boundary"
        if self.tag in GATEWAY_TAGS:
            return "gateway"
        if self.tag in EVENT_TAGS:
            return "event"
        return "task"

    @property
    def cx(self) -> int:
        return self.x + self.width // 2

    @property
    def cy(self) -> int:
        return self.y + self.height // 2

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height


@dataclass
class Flow:
    """A sequence flow.  ``origin`` is the ranked node it leaves: the source, or a boundary event's host."""

    id: str
    name: str
    source: str
    target: str
    origin: str
    order: int
    back: bool = False
    chain: list[str] = field(default_factory=list)  # slot ids from origin to target, dummies between


@dataclass
class Lane:
    """A lane of the laneSet; leaf lanes are the horizontal bands nodes are placed in."""

    id: str
    depth: int
    children: list[Lane]
    refs: list[str]
    band: int = -1
    y: int = 0
    height: int = 0


@dataclass
class Band:
    """A horizontal strip of the pool: one leaf lane (or the whole pool, or the nodes in no lane)."""

    lane_id: str | None
    rows: int = 0
    top_tracks: int = 0
    bottom_tracks: int = 0
    top: int = 0
    height: int = 0

    @property
    def rows_top(self) -> int:
        if self.top_tracks:
            return self.top + 20 + CORRIDOR_STEP * (self.top_tracks - 1) + CORRIDOR_CLEARANCE_TOP
        return self.top + BAND_PAD_TOP

    @property
    def rows_bottom(self) -> int:
        return self.rows_top + max(self.rows, 1) * ROW_PITCH - ROW_GAP

    def measure(self) -> int:
        below = BAND_PAD_BOTTOM
        if self.bottom_tracks:
            below = CORRIDOR_CLEARANCE_BOTTOM + CORRIDOR_STEP * (self.bottom_tracks - 1) + 20
        height = self.rows_bottom + below - self.top
        if self.rows == 0:
            height = max(MIN_BAND_HEIGHT, 20 + CORRIDOR_STEP * (self.top_tracks + self.bottom_tracks))
        return max(height, MIN_BAND_HEIGHT)

    def row_centre(self, row: int) -> int:
        return self.rows_top + row * ROW_PITCH + ROW_SLOT // 2

    def top_corridor(self, track: int) -> int:
        return self.rows_top - CORRIDOR_CLEARANCE_TOP - CORRIDOR_STEP * track

    def bottom_corridor(self, track: int) -> int:
        return self.rows_bottom + CORRIDOR_CLEARANCE_BOTTOM + CORRIDOR_STEP * track


@dataclass
class Slot:
    """One cell of the (band, column, row) grid: a real node or a dummy a long flow runs through."""

    id: str
    band: int
    col: int
    sort_key: tuple[int, ...]
    preds: list[tuple[str, int]] = field(default_factory=list)  # (slot id, row bias)
    row: int = 0


@dataclass
class Model:
    """Everything read from the document that the layout needs."""

    plane_element: str
    participant: str | None
    process: etree._Element
    nodes: dict[str, Node]
    flows: list[Flow]
    lanes: list[Lane]
    bands: list[Band]
    warnings: list[str]


# ------------------------------------------------------------------------------------------- reading


def _size_for(tag: str) -> tuple[int, int]:
    if tag in GATEWAY_TAGS:
        return GATEWAY_SIZE
    if tag in EVENT_TAGS or tag == "boundaryEvent":
        return EVENT_SIZE
    return TASK_SIZE


def _pick_process(root: etree._Element) -> tuple[str, str | None, etree._Element]:
    """Return (plane element id, participant id, process element), refusing what we cannot draw."""
    processes = [el for el in root if _local(el.tag) == "process"]
    by_id = {el.get("id"): el for el in processes}
    collaborations = [el for el in root if _local(el.tag) == "collaboration"]
    if len(collaborations) > 1:
        raise LayoutError("more than one collaboration: only one pool per file is supported")
    if collaborations:
        collab = collaborations[0]
        participants = [el for el in collab if _local(el.tag) == "participant"]
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
        raise LayoutError(f"<{_local(el.tag)}> on line {el.sourceline} has no id")
    return value


def _read_lanes(container: etree._Element, depth: int) -> list[Lane]:
    lanes: list[Lane] = []
    for lane_set in container:
        if _local(lane_set.tag) not in ("laneSet", "childLaneSet"):
            continue
        for lane_el in lane_set:
            if _local(lane_el.tag) != "lane":
                continue
            refs = [(ref.text or "").strip() for ref in lane_el if _local(ref.tag) == "flowNodeRef"]
            lanes.append(Lane(_required_id(lane_el), depth, _read_lanes(lane_el, depth + 1), refs))
    return lanes


def _walk_lanes(lanes: Iterable[Lane]) -> Iterable[Lane]:
    for lane in lanes:
        yield lane
        yield from _walk_lanes(lane.children)


def read_model(root: etree._Element) -> Model:
    """Collect nodes, flows and lanes of the one process, checking what the layout relies on."""
    if root.tag != _q(BPMN_NS, "definitions"):
        raise LayoutError("the root element is not bpmn:definitions")
    plane_element, participant, process = _pick_process(root)
    warnings: list[str] = []
    nodes: dict[str, Node] = {}
    flow_els: list[etree._Element] = []
    for el in process:
        tag = _local(el.tag)
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


# ------------------------------------------------------------------------------------------- ranking


def rank_nodes(model: Model) -> int:
    """Mark DFS back edges and give every ranked node its longest-path rank; return the column count."""
    ranked = [n for n in model.nodes.values() if n.host is None]
    succ: dict[str, list[Flow]] = {n.id: [] for n in ranked}
    incoming: dict[str, int] = {n.id: 0 for n in ranked}
    for flow in model.flows:
        succ[flow.origin].append(flow)
        incoming[flow.target] += 1

    starts = [n.id for n in ranked if n.tag == "startEvent"]
    sources = [n.id for n in ranked if incoming[n.id] == 0]
    state: dict[str, int] = {}  # 1 on the DFS stack, 2 finished
    for root_id in [*starts, *sources, *(n.id for n in ranked)]:
        if root_id in state:
            continue
        state[root_id] = 1
        stack: list[tuple[str, Iterable[Flow]]] = [(root_id, iter(succ[root_id]))]
        while stack:
            node_id, pending = stack[-1]
            for flow in pending:
                seen = state.get(flow.target)
                if seen == 1:
                    flow.back = True
                elif seen is None:
                    state[flow.target] = 1
                    stack.append((flow.target, iter(succ[flow.target])))
                    break
            else:
                state[node_id] = 2
                stack.pop()

    # longest path on the acyclic rest (Kahn's algorithm, in document order for determinism)
    indegree = {n.id: 0 for n in ranked}
    for flow in model.flows:
        if not flow.back:
            indegree[flow.target] += 1
    ready = [n.id for n in ranked if indegree[n.id] == 0]
    rank = {n.id: 0 for n in ranked}
    position = 0
    while position < len(ready):
        node_id = ready[position]
        position += 1
        for flow in succ[node_id]:
            if flow.back:
                continue
            rank[flow.target] = max(rank[flow.target], rank[node_id] + 1)
            indegree[flow.target] -= 1
            if indegree[flow.target] == 0:
                ready.append(flow.target)
    if len(ready) != len(ranked):  # cannot happen: removing DFS back edges leaves a DAG
        raise LayoutError("internal error: cycle left after removing back edges")
    for node in model.nodes.values():
        node.rank = rank[node.host or node.id]
    return max(rank.values()) + 1


# ---------------------------------------------------------------------------------------------- rows


def assign_rows(model: Model, columns: int) -> dict[str, Slot]:
    """Create real and dummy slots and give each a row within its band (see the module docstring)."""
    slots: dict[str, Slot] = {}
    for node in model.nodes.values():
        if node.host is None:
            slots[node.id] = Slot(node.id, node.band, node.rank, (0, node.order))
    for flow in model.flows:
        origin = model.nodes[flow.origin]
        target = model.nodes[flow.target]
        flow.chain = [origin.id]
        if not flow.back:
            for step, col in enumerate(range(origin.rank + 1, target.rank), start=1):
                dummy_id = f"{flow.id}#{step}"
                slots[dummy_id] = Slot(dummy_id, origin.band, col, (1, flow.order, step))
                flow.chain.append(dummy_id)
        flow.chain.append(target.id)
        if flow.back:
            continue
        bias = 1 if flow.source != flow.origin else 0  # a boundary event's exception path goes one row lower
        for index in range(1, len(flow.chain)):
            slots[flow.chain[index]].preds.append((flow.chain[index - 1], bias if index == 1 else 0))

    by_cell: dict[tuple[int, int], list[Slot]] = {}
    for slot in slots.values():
        by_cell.setdefault((slot.band, slot.col), []).append(slot)
    for col in range(columns):
        for band_index in range(len(model.bands)):
            cell = by_cell.get((band_index, col), [])
            wishes: list[tuple[float, tuple[int, ...], Slot]] = []
            free: list[Slot] = []
            for slot in cell:
                rows = [slots[p].row + bias for p, bias in slot.preds if slots[p].band == slot.band]
                if rows:
                    wishes.append((sum(rows) / len(rows), slot.sort_key, slot))
                else:
                    free.append(slot)
            used: set[int] = set()
            next_row = 0
            for wish, _key, slot in sorted(wishes, key=lambda item: (item[0], item[1])):
                slot.row = max(next_row, math.ceil(wish - 0.5))
                used.add(slot.row)
                next_row = slot.row + 1
            candidate = 0
            for slot in sorted(free, key=lambda s: s.sort_key):
                while candidate in used:
                    candidate += 1
                slot.row = candidate
                used.add(candidate)
    for slot in slots.values():
        band = model.bands[slot.band]
        band.rows = max(band.rows, slot.row + 1)
    for node in model.nodes.values():
        if node.host is None:
            node.row = slots[node.id].row
    return slots


# ----------------------------------------------------------------------------------------- corridors


@dataclass
class Corridor:
    """Where a back edge runs horizontally: a track above ('top') or below ('bottom') a band's rows."""

    band: int
    side: str
    track: int = 0


def assign_corridors(model: Model) -> dict[str, Corridor]:
    """Give every back edge its own corridor track; shorter loops get the tracks nearer the rows."""
    corridors: dict[str, Corridor] = {}
    spans: dict[tuple[int, str], list[tuple[int, int, int, str]]] = {}
    for flow in model.flows:
        if not flow.back:
            continue
        origin, target = model.nodes[flow.origin], model.nodes[flow.target]
        side = "top" if target.band < origin.band else "bottom"
        corridors[flow.id] = Corridor(origin.band, side)
        first, last = target.rank - 1, origin.rank  # the gaps its two vertical segments run in
        spans.setdefault((origin.band, side), []).append((last - first, first, flow.order, flow.id))
    for (band_index, side), items in spans.items():
        tracks: list[list[tuple[int, int]]] = []
        for length, first, _order, flow_id in sorted(items):
            interval = (first, first + length)
            for number, taken in enumerate(tracks):
                if all(interval[1] < a or b < interval[0] for a, b in taken):
                    taken.append(interval)
                    corridors[flow_id].track = number
                    break
            else:
                tracks.append([interval])
                corridors[flow_id].track = len(tracks) - 1
        band = model.bands[band_index]
        if side == "top":
            band.top_tracks = len(tracks)
        else:
            band.bottom_tracks = len(tracks)
    return corridors


def place_bands(model: Model) -> None:
    """Stack the bands from the top of the pool and give the lanes their vertical extent."""
    top = ORIGIN_Y
    for band in model.bands:
        band.top = top
        band.height = band.measure()
        top += band.height

    def extent(lane: Lane) -> tuple[int, int]:
        if lane.children:
            parts = [extent(child) for child in lane.children]
            lane.y = parts[0][0]
            lane.height = parts[-1][0] + parts[-1][1] - lane.y
        else:
            band = model.bands[lane.band]
            lane.y, lane.height = band.top, band.height
        return lane.y, lane.height

    for lane in model.lanes:
        extent(lane)


# ------------------------------------------------------------------------------------------- routing


@dataclass
class Segment:
    """A vertical edge segment in the gap after column ``gap`` (``-1``: before the first column)."""

    gap: int
    y0: int
    y1: int
    order: int
    source_key: str | None  # set when it starts at its source's centre line (fan-out may share x)
    target_key: str | None  # set when it ends at its target's centre line (fan-in may share x)
    track: int = 0
    x: int = 0  # known once the columns are placed

    @property
    def low(self) -> int:
        return min(self.y0, self.y1)

    @property
    def high(self) -> int:
        return max(self.y0, self.y1)

    def clashes(self, other: Segment) -> bool:
        if self.high < other.low or other.high < self.low:
            return False
        if self.source_key is not None and self.source_key == other.source_key:
            return False
        return not (self.target_key is not None and self.target_key == other.target_key)


# A route piece is either a point whose x is taken from a node side, or a gap segment.
Piece = tuple[str, str, int] | Segment


def _column_clear(model: Model, slots: dict[str, Slot], col: int, host: Node, low: int, high: int) -> bool:
    """True when no slot of column ``col`` other than the host overlaps the vertical range [low, high]."""
    for slot in slots.values():
        if slot.col != col or slot.id == host.id:
            continue
        top = model.bands[slot.band].row_centre(slot.row) - ROW_SLOT // 2
        if top <= high and low <= top + ROW_SLOT + EVENT_SIZE[1] // 2:
            return False
    return True


def _vertical(
    pieces: list[Piece], segments: list[Segment], flow: Flow, gap: int, y0: int, y1: int, first: bool, last: bool
) -> None:
    """Append a gap segment to a route (nothing when it would have no length)."""
    if y0 == y1:
        return
    seg = Segment(gap, y0, y1, flow.order, flow.source if first else None, flow.target if last else None)
    segments.append(seg)
    pieces.append(seg)


def plan_routes(
    model: Model, slots: dict[str, Slot], corridors: dict[str, Corridor]
) -> tuple[dict[str, list[Piece]], list[Segment]]:
    """Turn every flow into route pieces; the x of the gap segments is decided later."""
    routes: dict[str, list[Piece]] = {}
    segments: list[Segment] = []

    def slot_y(slot_id: str) -> int:
        slot = slots[slot_id]
        return model.bands[slot.band].row_centre(slot.row)

    for flow in model.flows:
        source, origin, target = model.nodes[flow.source], model.nodes[flow.origin], model.nodes[flow.target]
        pieces: list[Piece] = []

        lane_y = 0
        if flow.back:
            corridor = corridors[flow.id]
            band = model.bands[corridor.band]
            if corridor.side == "top":
                lane_y = band.top_corridor(corridor.track)
            else:
                lane_y = band.bottom_corridor(corridor.track)

        if source.host is not None:
            pieces.append(("cx", source.id, source.bottom))
            goal = lane_y if flow.back else slot_y(flow.chain[1])
            if goal > source.bottom and _column_clear(model, slots, origin.rank, origin, origin.bottom, goal):
                current = goal  # straight down from the event, then on to the right (or back left)
            else:
                current = origin.bottom + BOUNDARY_DROP  # just below the host, then on through the gap
            pieces.append(("cx", source.id, current))
        else:
            pieces.append(("right", source.id, source.cy))
            current = source.cy
        first = source.host is None

        if flow.back:
            _vertical(pieces, segments, flow, origin.rank, current, lane_y, first, False)
            _vertical(pieces, segments, flow, target.rank - 1, lane_y, target.cy, False, True)
        else:
            for index in range(len(flow.chain) - 1):
                next_y = slot_y(flow.chain[index + 1])
                if next_y != current:
                    gap = slots[flow.chain[index]].col
                    last = index == len(flow.chain) - 2
                    _vertical(pieces, segments, flow, gap, current, next_y, first and index == 0, last)
                    current = next_y
                first = False
        pieces.append(("left", target.id, target.cy))
        routes[flow.id] = pieces
    return routes, segments


def assign_tracks(segments: Sequence[Segment]) -> dict[int, int]:
    """Interval-colour the vertical segments of each gap; return the number of tracks per gap."""
    per_gap: dict[int, list[Segment]] = {}
    for seg in segments:
        per_gap.setdefault(seg.gap, []).append(seg)
    counts: dict[int, int] = {}
    for gap, items in per_gap.items():
        tracks: list[list[Segment]] = []
        for seg in sorted(items, key=lambda s: (s.low, s.high, s.order)):
            for number, taken in enumerate(tracks):
                if not any(seg.clashes(other) for other in taken):
                    taken.append(seg)
                    seg.track = number
                    break
            else:
                tracks.append([seg])
                seg.track = len(tracks) - 1

        # Segments leaving the column on the left go to the left tracks and segments entering the
        # column on the right to the right ones, so their short horizontal stubs do not overlap.
        def score(taken: list[Segment]) -> float:
            values = [
                0 if s.source_key and not s.target_key else 2 if s.target_key and not s.source_key else 1 for s in taken
            ]
            return sum(values) / len(values)

        order = sorted(range(len(tracks)), key=lambda number: (score(tracks[number]), number))
        renumber = {old: new for new, old in enumerate(order)}
        for seg in items:
            seg.track = renumber[seg.track]
        counts[gap] = len(tracks)
    return counts


# --------------------------------------------------------------------------------------------- labels


def _char_width(char: str) -> int:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 12
    return 7 if char.isupper() else 6


def label_size(text: str, max_width: int = LABEL_MAX_WIDTH) -> tuple[int, int]:
    """Rough size of a label in bpmn.io's 11 px font, wrapped at ``max_width`` (no font metrics here).

    bpmn-js wraps a label's text to the width of its bounds, so the estimate carries some slack:
    a bound that is a few pixels too narrow would break "End" into "En" / "d".
    """
    usable = max_width - LABEL_SLACK
    lines, width, widest = 1, 0, 0
    for char in text:
        step = _char_width(char)
        if width + step > usable:
            lines += 1
            widest = max(widest, width)
            width = 0
        width += step
    widest = max(widest, width)
    return min(max_width, widest + LABEL_SLACK), lines * LABEL_LINE_HEIGHT


# ------------------------------------------------------------------------------------------- columns


@dataclass
class Columns:
    """Horizontal geometry: column centres and widths, and where each gap begins and ends."""

    centres: list[int]
    widths: list[int]
    content_left: int
    right: int

    def gap_bounds(self, gap: int) -> tuple[int, int]:
        left = self.content_left if gap < 0 else self.centres[gap] + self.widths[gap] // 2
        last = len(self.centres) - 1
        right = self.right if gap >= last else self.centres[gap + 1] - self.widths[gap + 1] // 2
        return left, right


def place_columns(
    model: Model, columns: int, tracks: dict[int, int], anchors: dict[str, str | Segment], header: int
) -> Columns:
    """Give each column a centre; a gap grows beyond MIN_GAP when its tracks or labels need it."""
    widths = [0] * columns
    for node in model.nodes.values():
        if node.host is None:
            widths[node.rank] = max(widths[node.rank], node.width)
    need = {gap: max(MIN_GAP, TRACK_SPACING * (count + 1)) for gap, count in tracks.items()}
    for flow in model.flows:
        anchor = anchors.get(flow.id)
        if anchor is None or anchor == "boundary":
            continue
        label_width = label_size(flow.name)[0]
        if isinstance(anchor, Segment):  # the label sits right of the segment's track: room to the gap's end
            count = tracks[anchor.gap]
            room = math.ceil((label_width + 10) * (count + 1) / (count - anchor.track))
            need[anchor.gap] = max(need.get(anchor.gap, MIN_GAP), room)
        else:
            gap = model.nodes[flow.origin].rank
            need[gap] = max(need.get(gap, MIN_GAP), label_width + 20)
    content_left = ORIGIN_X + header
    centres: list[int] = []
    for col in range(columns):
        if col == 0:
            centres.append(content_left + need.get(-1, MIN_GAP) + widths[0] // 2)
            continue
        span = widths[col - 1] // 2 + widths[col] // 2 + need.get(col - 1, MIN_GAP)
        centres.append(centres[-1] + max(COLUMN_PITCH, span))
    right = centres[-1] + widths[-1] // 2 + need.get(columns - 1, MIN_GAP)
    return Columns(centres, widths, content_left, right)


# ------------------------------------------------------------------------------------------ geometry


@dataclass
class Edge:
    """The realised waypoints (and label bounds) of one sequence flow."""

    points: list[tuple[int, int]]
    label: tuple[int, int, int, int] | None = None


def _simplify(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop repeated points and the middle of three collinear points."""
    out: list[tuple[int, int]] = []
    for point in points:
        if out and out[-1] == point:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == point[0]) or (ay == by == point[1]):
                out[-1] = point
                continue
        out.append(point)
    if len(out) == 1:
        out.append(out[0])
    return out


def _label_anchor(flow: Flow, routes: dict[str, list[Piece]], model: Model) -> str | Segment:
    """Where a flow's name goes, decided before the x geometry so the gaps can make room for it.

    "boundary": beside the line dropping from a boundary event; "above"/"below": by the horizontal
    run leaving the source, when that run is long (the flow goes straight on through at least one
    column) -- below it when a sibling flow turns upwards in the same gap and would cut through the
    label; otherwise the route's last vertical segment, at the turn into the target's row, which is
    the one part of the line no other flow from the same source shares.
    """
    if model.nodes[flow.source].host is not None:
        return "boundary"
    gap = model.nodes[flow.origin].rank
    segments = [piece for piece in routes[flow.id] if isinstance(piece, Segment)]
    if segments and segments[0].gap == gap:
        return segments[-1]
    for other in model.flows:
        if other.source != flow.source or other.id == flow.id:
            continue
        first = next((piece for piece in routes[other.id] if isinstance(piece, Segment)), None)
        if first is not None and first.gap == gap and first.source_key is not None and first.y1 < first.y0:
            return "below"
    return "above"


def _flow_label(
    flow: Flow, points: list[tuple[int, int]], anchor: str | Segment, model: Model
) -> tuple[int, int, int, int]:
    """Bounds of a flow's name at its anchor, beside the line rather than on it."""
    width, height = label_size(flow.name)
    if isinstance(anchor, Segment):
        if anchor.y1 < anchor.y0:  # comes up into the target's row: label below the turn
            return anchor.x + 4, anchor.y1 + 4, width, height
        return anchor.x + 4, anchor.y1 - 4 - height, width, height
    if anchor == "boundary":  # left of the line (the event's own name is on its right)
        source = model.nodes[flow.source]
        return source.cx - 4 - width, source.bottom + 2, width, height
    x, y = points[0]
    if anchor == "below":
        return x + 6, y + 4, width, height
    return x + 6, y - 4 - height, width, height


def compute_geometry(model: Model) -> tuple[dict[str, Edge], Columns]:
    """Run the whole layout; node coordinates are stored on the nodes, edges are returned."""
    columns = rank_nodes(model)
    slots = assign_rows(model, columns)
    corridors = assign_corridors(model)
    place_bands(model)
    for node in model.nodes.values():
        if node.host is None:
            node.y = model.bands[node.band].row_centre(node.row) - node.height // 2
    for node in model.nodes.values():  # boundary events: centred on the host's bottom edge
        if node.host is not None:
            host = model.nodes[node.host]
            node.y = host.bottom - node.height // 2

    routes, segments = plan_routes(model, slots, corridors)
    tracks = assign_tracks(segments)
    max_depth = max((lane.depth for lane in _walk_lanes(model.lanes)), default=0)
    header = (POOL_HEADER if model.participant else 0) + LANE_HEADER * max_depth
    anchors = {flow.id: _label_anchor(flow, routes, model) for flow in model.flows if flow.name}
    geometry = place_columns(model, columns, tracks, anchors, header)
    for node in model.nodes.values():
        if node.host is None:
            node.x = geometry.centres[node.rank] - node.width // 2
    attached: dict[str, list[Node]] = {}
    for node in model.nodes.values():
        if node.host is not None:
            attached.setdefault(node.host, []).append(node)
    for host_id, events in attached.items():
        host = model.nodes[host_id]
        for index, node in enumerate(events):
            node.x = host.x + round(host.width * (index + 1) / (len(events) + 1)) - node.width // 2

    edges: dict[str, Edge] = {}
    for flow in model.flows:
        points: list[tuple[int, int]] = []
        for piece in routes[flow.id]:
            if isinstance(piece, Segment):
                left, right = geometry.gap_bounds(piece.gap)
                piece.x = left + round((piece.track + 1) * (right - left) / (tracks[piece.gap] + 1))
                points += [(piece.x, piece.y0), (piece.x, piece.y1)]
            else:
                side, node_id, y = piece
                node = model.nodes[node_id]
                x = {"right": node.right, "left": node.x, "cx": node.cx}[side]
                points.append((x, y))
        points = _simplify(points)
        edge = Edge(points)
        if flow.name:
            edge.label = _flow_label(flow, points, anchors[flow.id], model)
        edges[flow.id] = edge
    return edges, geometry


# ------------------------------------------------------------------------------------------- writing


def _fmt(value: int) -> str:
    return str(int(value))


def _bounds(parent: etree._Element, x: int, y: int, width: int, height: int) -> None:
    etree.SubElement(
        parent,
        _q(DC_NS, "Bounds"),
        {"x": _fmt(x), "y": _fmt(y), "width": _fmt(width), "height": _fmt(height)},
    )


def _label(parent: etree._Element, box: tuple[int, int, int, int]) -> None:
    _bounds(etree.SubElement(parent, _q(BPMNDI_NS, "BPMNLabel")), *box)


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
        _q(BPMNDI_NS, "BPMNDiagram"), {"id": _unique_id(f"BPMNDiagram_{model.plane_element}", taken_ids)}, nsmap=nsmap
    )
    plane = etree.SubElement(
        diagram,
        _q(BPMNDI_NS, "BPMNPlane"),
        {"id": _unique_id(f"BPMNPlane_{model.plane_element}", taken_ids), "bpmnElement": model.plane_element},
    )

    def shape(element_id: str, extra: dict[str, str] | None = None) -> etree._Element:
        attrs = {"id": _unique_id(f"{element_id}_di", taken_ids), "bpmnElement": element_id}
        attrs.update(extra or {})
        return etree.SubElement(plane, _q(BPMNDI_NS, "BPMNShape"), attrs)

    top = model.bands[0].top
    bottom = model.bands[-1].top + model.bands[-1].height
    if model.participant:
        _bounds(
            shape(model.participant, {"isHorizontal": "true"}), ORIGIN_X, top, geometry.right - ORIGIN_X, bottom - top
        )
    lane_left = ORIGIN_X + (POOL_HEADER if model.participant else 0)
    for lane in _walk_lanes(model.lanes):
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
            plane, _q(BPMNDI_NS, "BPMNEdge"), {"id": _unique_id(f"{flow.id}_di", taken_ids), "bpmnElement": flow.id}
        )
        for x, y in edge.points:
            etree.SubElement(element, _q(DI_NS, "waypoint"), {"x": _fmt(x), "y": _fmt(y)})
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
    old = [child for child in children if child.tag == _q(BPMNDI_NS, "BPMNDiagram")]
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
        relationships = [i for i, child in enumerate(remaining) if _local(child.tag) == "relationship"]
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
    parser = etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise LayoutError(f"not well-formed XML: {exc}") from exc
    model = read_model(root)
    edges, geometry = compute_geometry(model)
    nsmap = _choose_prefixes(root)
    old_diagram_ids = {
        el.get("id")
        for diagram in root.iter(_q(BPMNDI_NS, "BPMNDiagram"))
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


# ----------------------------------------------------------------------------------------------- CLI


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder so a failure never leaves a truncated definition."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; exit 2 for input that cannot be laid out."""
    parser = argparse.ArgumentParser(description="Generate bpmndi diagram information for a BPMN process.")
    parser.add_argument("file", type=Path, help="BPMN 2.0 file to lay out")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--in-place", action="store_true", help="rewrite FILE")
    target.add_argument("-o", "--output", type=Path, help="write the result here (default: stdout)")
    args = parser.parse_args(argv)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        result, warnings = layout_document(data)
    except LayoutError as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"warning: {args.file}: {warning}", file=sys.stderr)
    if args.in_place:
        _write_atomically(args.file, result)
    elif args.output is not None:
        _write_atomically(args.output, result)
    else:
        sys.stdout.buffer.write(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

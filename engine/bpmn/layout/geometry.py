"""Geometry: column widths from the tracks and labels each gap needs, then every node's and edge's points."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.bpmn.layout.corridors import assign_corridors, place_bands
from engine.bpmn.layout.labels import label_size
from engine.bpmn.layout.model import (
    COLUMN_PITCH,
    LANE_HEADER,
    MIN_GAP,
    ORIGIN_X,
    POOL_HEADER,
    TRACK_SPACING,
    Flow,
    Model,
    Node,
    walk_lanes,
)
from engine.bpmn.layout.ranks import assign_rows, rank_nodes
from engine.bpmn.layout.routes import Piece, Segment, assign_tracks, plan_routes


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
    max_depth = max((lane.depth for lane in walk_lanes(model.lanes)), default=0)
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
    _separate_labels(edges, anchors, model)
    return edges, geometry


Box = tuple[int, int, int, int]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _separate_labels(edges: dict[str, Edge], anchors: dict[str, str | Segment], model: Model) -> None:
    """No label covers another or a shape: a later one slides along its own vertical segment.

    Flows that fan into one target share the last vertical track (see `Segment.clashes`), so
    their names would all sit at the one turn into the target; each slides back along its own
    segment, towards its own source, in steps of one label height, as long as it stays beside
    that segment — so it still reads as the name of its own line.
    """
    shapes = [(n.x, n.y, n.width, n.height) for n in model.nodes.values()]
    placed: list[Box] = []
    for flow in model.flows:
        edge, anchor = edges[flow.id], anchors.get(flow.id)
        if edge.label is None:
            continue
        box = edge.label
        if isinstance(anchor, Segment):
            step = (box[3] + 2) * (1 if anchor.y1 < anchor.y0 else -1)
            candidate = box
            while any(_overlaps(candidate, other) for other in placed + shapes):
                candidate = (candidate[0], candidate[1] + step, candidate[2], candidate[3])
                if candidate[1] < anchor.low or candidate[1] + candidate[3] > anchor.high:
                    candidate = box  # no free place beside its own line: keep the first, a test will say so
                    break
            edge.label = box = candidate
        placed.append(box)

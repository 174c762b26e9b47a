"""Routing: orthogonal routes that leave a source's right side, enter a target's left side, and keep
vertical segments in the gaps between columns, each on its own track."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.bpmn.layout.corridors import Corridor
from engine.bpmn.layout.model import BOUNDARY_DROP, EVENT_SIZE, ROW_SLOT, Flow, Model, Node, Slot


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

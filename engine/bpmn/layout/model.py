"""The layout's model: flow nodes, flows, lanes, bands and grid slots, with the sizes they are drawn at."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.reader import (
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    EVENT_TAGS,
    GATEWAY_TAGS,
)

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

# Drawable things this tool does not place: they are left without DI (bpmn.io then just hides them).
UNDRAWN_TAGS = frozenset({"dataObjectReference", "dataStoreReference", "textAnnotation", "group", "association"})


class LayoutError(Exception):
    """The input cannot be laid out faithfully; the command line turns this into exit status 2."""


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


def walk_lanes(lanes: Iterable[Lane]) -> Iterable[Lane]:
    for lane in lanes:
        yield lane
        yield from walk_lanes(lane.children)

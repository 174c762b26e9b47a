"""Loop corridors: back edges run above or below a band's rows, one track each; bands are stacked."""

from __future__ import annotations

from dataclasses import dataclass

from engine.bpmn.layout.model import ORIGIN_Y, Lane, Model


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

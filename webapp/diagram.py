"""Draw a BPMN process as an inline SVG, with the executed path and the open steps marked.

Why drawn here, on the server: the auditor's page must work with nothing loaded from the internet at
run time (no CDN, no JavaScript modeler), and auditors print it. The definition's own diagram
information (BPMNDI bounds and waypoints) is enough to draw boxes, circles, diamonds and arrows, and an
SVG prints as sharply as it shows. States are classes (`done`, `current`, `pending`; flows `taken`) and
the SVG carries a default `<style>` scoped to `.bpmn-diagram`, so a page may restyle it but need not.

Every name and id comes from a definition or the caller and is escaped: a display name is text, never
markup. The parser resolves no entities and opens no network connection.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from html import escape

from lxml import etree

from engine.bpmn.reader import (
    BOUNDARY_EVENT,
    EVENT_TAGS,
    FLOW_NODE_TAGS,
    GATEWAY_TAGS,
    NS,
    SUBPROCESS_TAGS,
    TASK_TAGS,
    flow_node_names,
    local,
    parse,
)

TASKS = TASK_TAGS | SUBPROCESS_TAGS  # drawn as rounded boxes
EVENTS = EVENT_TAGS | {BOUNDARY_EVENT}  # drawn as circles
FONT, LINE, MARGIN, MAX_LINES = 12, 14, 20, 4
Box = tuple[float, float, float, float]  # x, y, width, height

STYLE = """
.bpmn-diagram text{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",
"WenQuanYi Zen Hei",sans-serif;font-size:12px;fill:#222}
.bpmn-diagram .container rect{fill:none;stroke:#bbb;stroke-width:1}
.bpmn-diagram .container line{stroke:#bbb}
.bpmn-diagram .container text{font-size:13px;fill:#555}
.bpmn-diagram .el .shape{fill:#fff;stroke:#777;stroke-width:2}
.bpmn-diagram .el .mark{fill:none;stroke:#777;stroke-width:3}
.bpmn-diagram .el .mark.thin{stroke-width:1.5}
.bpmn-diagram .el.done .shape{fill:#e6f4ea;stroke:#1e7e34}
.bpmn-diagram .el.done .mark{stroke:#1e7e34}
.bpmn-diagram .el.current .shape{fill:#fff4e0;stroke:#d9822b;stroke-width:4}
.bpmn-diagram .el.current .mark{stroke:#d9822b}
.bpmn-diagram .el .shape.thick{stroke-width:4}
.bpmn-diagram .el.current .shape.thick{stroke-width:5}
.bpmn-diagram .el.pending text{fill:#555}
.bpmn-diagram .flow polyline{fill:none;stroke:#999;stroke-width:1.5}
.bpmn-diagram .flow.taken polyline{stroke:#1e7e34;stroke-width:2.5}
.bpmn-diagram .flow.message polyline{stroke-dasharray:8 5}
.bpmn-diagram .flow text{font-size:11px;fill:#666;paint-order:stroke;stroke:#fff;stroke-width:3px}
.bpmn-diagram .flow.taken text{fill:#1e7e34}
"""
# Two markers rather than one `context-stroke` marker: SVG 1.1 renderers and print paths ignore it.
DEFS = ('<defs>'
        '<marker id="bpmn-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#999"/></marker>'
        '<marker id="bpmn-arrow-taken" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1e7e34"/></marker>'
        '</defs>')
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TOKENS = re.compile(r"[!-~]+ *| +|.", re.DOTALL)  # a Latin word with its spaces, or one other character
_NO_LINE_START = frozenset("，。、；：？！）》」』”’,.;:?!)]…")


def render_svg(bpmn_xml: str | bytes, done: Collection[str] = (), current: Collection[str] = (),
               labels: Mapping[str, str] | None = None) -> str:
    """Draw the first BPMNDiagram of a definition; `current` wins over `done` for a step run again.

    A flow is `taken` when both its ends were reached (done or current). Raises ValueError when the
    definition carries no diagram information: there is nothing honest to draw.
    """
    root = _parse(bpmn_xml)
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    if plane is None:
        raise ValueError("the BPMN definition has no BPMNDiagram to draw")
    model = {el.get("id"): el for el in root.iter(f"{{{NS['bpmn']}}}*") if el.get("id")}
    names = {key: el.get("name") or "" for key, el in model.items()} | dict(labels or {})
    done, current = set(done), set(current)
    done |= passed_through(model, done | current)
    states = {key: "current" if key in current else "done" if key in done else "pending" for key in model}
    boxes: list[Box] = []
    back, front = _shapes(plane, model, names, states, boxes)
    flows = _edges(plane, model, done | current, boxes)
    return _svg(boxes, _title(root), [*back, *flows, *front])


def passed_through(model: Mapping[str, etree._Element], reached: set[str]) -> set[str]:
    """The gateways (and start events) the procedure went through, which history does not name.

    History records steps and periods, not routing, so a gateway counts as passed when it lies on a
    path of gateways only from a reached element to a reached element; a start event, when such a
    path leads from it to a reached element. That draws the executed path through every decision
    point, not only the arrows between two steps (issue 22).
    """
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for el in model.values():
        if local(el.tag) == "sequenceFlow":
            succ.setdefault(el.get("sourceRef", ""), []).append(el.get("targetRef", ""))
            pred.setdefault(el.get("targetRef", ""), []).append(el.get("sourceRef", ""))

    def gateway(key: str) -> bool:
        return key in model and local(model[key].tag) in GATEWAY_TAGS

    def closure(links: dict[str, list[str]], through: Callable[[str], bool]) -> set[str]:
        seen: set[str] = set()
        frontier = [key for key in reached if key in model]
        while frontier:
            for nxt in links.get(frontier.pop(), []):
                if nxt not in seen and through(nxt):
                    seen.add(nxt)
                    frontier.append(nxt)
        return seen

    after = closure(succ, gateway)
    before = closure(pred, lambda key: gateway(key) or (key in model and local(model[key].tag) == "startEvent"))
    starts = {key for key in before if local(model[key].tag) == "startEvent"}
    return (after & before) | starts


def _shapes(plane: etree._Element, model: dict[str, etree._Element], names: Mapping[str, str],
            states: Mapping[str, str], boxes: list[Box]) -> tuple[list[str], list[str]]:
    """Pools, lanes and expanded sub-processes go behind the flows; flow nodes on top of them."""
    back: list[str] = []
    front: list[str] = []
    for shape in plane.findall("bpmndi:BPMNShape", NS):
        key, box, label_box = shape.get("bpmnElement", ""), _bounds(shape), _bounds(shape.find("bpmndi:BPMNLabel", NS))
        el = model.get(key)
        if el is None or box is None:
            continue
        kind = etree.QName(el).localname
        boxes += [b for b in (box, label_box) if b is not None]
        if kind in ("participant", "lane"):
            back.append(_container(kind, key, names[key], box, shape.get("isHorizontal") != "false"))
        elif kind in FLOW_NODE_TAGS:
            expanded = kind == "subProcess" and shape.get("isExpanded") == "true"
            (back if expanded else front).append(_node(el, kind, names[key], states[key], box, label_box, expanded))
    return back, front


def _edges(plane: etree._Element, model: dict[str, etree._Element], reached: set[str], boxes: list[Box]) -> list[str]:
    """Each flow as a polyline; `taken` when both its ends were reached, since the history holds steps, not flows."""
    flows: list[str] = []
    for edge in plane.findall("bpmndi:BPMNEdge", NS):
        key = edge.get("bpmnElement", "")
        points = [(_number(p.get("x")), _number(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        el = model.get(key)
        if el is None or len(points) < 2:
            continue
        label_box = _bounds(edge.find("bpmndi:BPMNLabel", NS))
        boxes += [(x, y, 0, 0) for x, y in points] + ([label_box] if label_box else [])
        taken = el.get("sourceRef") in reached and el.get("targetRef") in reached
        flows.append(_flow(etree.QName(el).localname, key, el.get("name") or "", points, label_box, taken))
    return flows


def element_names(bpmn_xml: str | bytes) -> dict[str, str]:
    """Id → display name of every flow node (task, event, gateway); the id where a node has no name."""
    return flow_node_names(_parse(bpmn_xml))


def _parse(bpmn_xml: str | bytes) -> etree._Element:
    """The shared reader's parse (no entities, DTD or network); comments go, the drawing walks children."""
    return parse(bpmn_xml, keep_comments=False)


def _title(root: etree._Element) -> str:
    """The pool's name, else the process's: what a screen reader announces for the whole picture."""
    for tag in ("bpmn:collaboration/bpmn:participant", "bpmn:process"):
        found = root.find(tag, NS)
        if found is not None and found.get("name"):
            return found.get("name")
    return "BPMN diagram"


def _svg(boxes: list[Box], title: str, parts: list[str]) -> str:
    """The viewBox covers every shape, label and waypoint, plus a margin, so nothing is cut off."""
    if boxes:
        left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
        right, bottom = max(b[0] + b[2] for b in boxes) + MARGIN, max(b[1] + b[3] for b in boxes) + MARGIN
    else:
        left, top, right, bottom = 0.0, 0.0, 100.0, 100.0
    view = " ".join(_n(v) for v in (left, top, right - left, bottom - top))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" viewBox="{view}" width="100%" '
            f'preserveAspectRatio="xMidYMin meet" style="--natural-width:{_n(right - left)}px" role="img" '
            f'aria-label="{_esc(title)}">'
            f"<title>{_esc(title)}</title><style>{STYLE}</style>{DEFS}{''.join(parts)}</svg>")


def _container(kind: str, key: str, name: str, box: Box, horizontal: bool) -> str:
    """A pool or lane: a rectangle with its name along the left band (or the top, if vertical)."""
    x, y, w, h = box
    cls = "pool" if kind == "participant" else "lane"
    body = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"/>'
    if horizontal:
        cx, cy = x + 15, y + h / 2
        if kind == "participant":
            body += f'<line x1="{_n(x + 30)}" y1="{_n(y)}" x2="{_n(x + 30)}" y2="{_n(y + h)}"/>'
        body += (f'<text x="{_n(cx)}" y="{_n(cy + 5)}" text-anchor="middle" transform="rotate(-90 {_n(cx)} {_n(cy)})">'
                 f"{_esc(_wrap(name, h - 10, 1)[0])}</text>")
    else:
        body += _text(_wrap(name, w - 10, 1), x + w / 2, y + 6)
    return f'<g class="container {cls}" data-id="{_esc(key)}"><title>{_esc(name)}</title>{body}</g>'


def _node(el: etree._Element, kind: str, name: str, state: str, box: Box, label_box: Box | None,
          expanded: bool) -> str:
    """One flow node as a group: its shape, its marker, its name inside (tasks) or below (events, gateways)."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    key = el.get("id")
    if kind in TASKS:
        name = name or key
        category = "task"
        thick = " thick" if kind == "callActivity" else ""
        body = (f'<rect class="shape{thick}" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
                f'rx="10" ry="10"/>')
        if expanded:  # a drawn-out sub-process holds its children: its name goes top left, out of their way
            body += _text(_wrap(name, w - 20, 1), x + 10, y + 6, anchor="start")
        else:
            lines = _wrap(name, w - 8, MAX_LINES)
            body += _text(lines, cx, cy - len(lines) * LINE / 2)
    else:
        category = "event" if kind in EVENTS else "gateway"
        body = _event(el, kind, cx, cy, w / 2) if kind in EVENTS else _gateway(kind, x, y, w, h)
        if label_box is not None:
            lx, ly, lw, _ = label_box
            body += _text(_wrap(name, max(lw, 2 * FONT) + 2, MAX_LINES), lx + lw / 2, ly)
        elif name:
            body += _text(_wrap(name, 90, MAX_LINES), cx, y + h + 5)
    return (f'<g class="el {category} {kind} {state}" data-id="{_esc(key)}">'
            f"<title>{_esc(name or key)} ({state})</title>{body}</g>")


def _event(el: etree._Element, kind: str, cx: float, cy: float, r: float) -> str:
    """Start: thin circle; end: thick; intermediate and boundary: double; a timer adds a clock face."""
    circle = f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" class="shape{" thick" if kind == "endEvent" else ""}"/>'
    if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        circle += f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r - 3)}" class="mark thin"/>'
    if el.find("bpmn:timerEventDefinition", NS) is not None:
        face = r * 0.55
        circle += (f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(face)}" class="mark thin"/>'
                   f'<path class="mark thin" d="M{_n(cx)},{_n(cy - face * 0.8)} L{_n(cx)},{_n(cy)} '
                   f'L{_n(cx + face * 0.6)},{_n(cy)}"/>')
    return circle


def _gateway(kind: str, x: float, y: float, w: float, h: float) -> str:
    """A diamond; exclusive draws an X, parallel a +, inclusive an O, as the BPMN notation does."""
    cx, cy = x + w / 2, y + h / 2
    body = (f'<polygon class="shape" points="{_n(cx)},{_n(y)} {_n(x + w)},{_n(cy)} {_n(cx)},{_n(y + h)} '
            f'{_n(x)},{_n(cy)}"/>')
    s = w * 0.2
    if kind == "exclusiveGateway":
        body += (f'<path class="mark" d="M{_n(cx - s)},{_n(cy - s)} L{_n(cx + s)},{_n(cy + s)} '
                 f'M{_n(cx + s)},{_n(cy - s)} L{_n(cx - s)},{_n(cy + s)}"/>')
    elif kind == "parallelGateway":
        s *= 1.25
        body += f'<path class="mark" d="M{_n(cx)},{_n(cy - s)} V{_n(cy + s)} M{_n(cx - s)},{_n(cy)} H{_n(cx + s)}"/>'
    elif kind in ("inclusiveGateway", "eventBasedGateway"):
        body += f'<circle class="mark" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(w * 0.25)}"/>'
    return body


def _flow(kind: str, key: str, name: str, points: list[tuple[float, float]], label_box: Box | None,
          taken: bool) -> str:
    """A polyline ending in an arrowhead; its name sits in its label bounds or by its middle bend."""
    cls = "flow" + (" message" if kind == "messageFlow" else "") + (" taken" if taken else "")
    arrow = "" if kind == "association" else f' marker-end="url(#bpmn-arrow{"-taken" if taken else ""})"'
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    body = f'<polyline points="{line}"{arrow}/>'
    if name:
        if label_box is not None:
            lx, ly, lw, _ = label_box
            body += _text(_wrap(name, max(lw, 2 * FONT) + 2, 2), lx + lw / 2, ly)
        else:
            (x1, y1), (x2, y2) = points[(len(points) - 1) // 2], points[(len(points) - 1) // 2 + 1]
            body += _text(_wrap(name, 90, 2), (x1 + x2) / 2, (y1 + y2) / 2 - LINE)
    return f'<g class="{cls}" data-id="{_esc(key)}"><title>{_esc(name or key)}</title>{body}</g>'


def _text(lines: list[str], x: float, top: float, anchor: str = "middle") -> str:
    """Lines of text whose first line's top edge is at `top`; baselines are computed, not font-guessed."""
    spans = "".join(f'<tspan x="{_n(x)}" y="{_n(top + 11 + i * LINE)}">{_esc(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text text-anchor="{anchor}">{spans}</text>' if spans else ""


def _wrap(text: str, width: float, max_lines: int) -> list[str]:
    """Break a name into lines that fit `width`; Chinese has no spaces, so any character may end a line.

    Lines are then evened out (no lone "序" under a full line); past `max_lines` the last ends in "…".
    """
    lines = _fill(text, width)
    if 1 < len(lines) <= max_lines:
        narrower = width - FONT / 2
        while narrower > FONT and len(even := _fill(text, narrower)) == len(lines):
            lines, narrower = even, narrower - FONT / 2
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _width(last + "…") > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _fill(text: str, width: float) -> list[str]:
    """Greedy fill: Latin words stay whole unless longer than a line; closing punctuation never starts one."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(" ".join(text.split())):
        for part in token if _width(token) > width else (token,):
            if line and part not in _NO_LINE_START and _width(line + part.rstrip()) > width:
                lines.append(line.rstrip())
                line = part.lstrip()
            else:
                line += part
    return [*lines, line.rstrip()] if line.strip() else lines


def _width(text: str) -> float:
    """Approximate width at 12px: wide (CJK) characters a full em, others a little over half."""
    return sum(FONT if unicodedata.east_asian_width(ch) in "WF" else FONT * 0.6 for ch in text)


def _bounds(node: etree._Element | None) -> Box | None:
    bounds = node.find("dc:Bounds", NS) if node is not None else None
    if bounds is None:
        return None
    return (_number(bounds.get("x")), _number(bounds.get("y")), _number(bounds.get("width")),
            _number(bounds.get("height")))


def _number(value: str | None) -> float:
    """Coordinates are re-formatted numbers, never copied text: a bad one is refused, not passed through."""
    number = float(value or 0)
    if not math.isfinite(number):
        raise ValueError(f"diagram coordinate is not a finite number: {value!r}")
    return number


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _esc(text: str) -> str:
    """Escape for text and attribute values, and drop characters XML 1.0 cannot carry at all."""
    return escape(_NOT_XML.sub("", text), quote=True)

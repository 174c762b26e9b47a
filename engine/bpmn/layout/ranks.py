"""Ranks and rows: each node's column (longest path, loops broken) and its row within its lane's band."""

from __future__ import annotations

import math
from collections.abc import Iterable

from engine.bpmn.layout.model import Flow, LayoutError, Model, Slot


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

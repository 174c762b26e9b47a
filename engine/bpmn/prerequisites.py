"""Which statutory steps a step still waits for: the law's reason for refusing it now (MD-39).

Deploy proves, with the statute's PathRules (engine/bpmn/profiles.py), that no path of the
graph reaches a step without its predecessors. At run time the same rules say, for one
procedure, which of those predecessors are not yet done: a rule that holds on the graph
and is not satisfied by the steps done so far names a step still missing. A missing step's
own missing predecessors come first, so the list reads in the order the law asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.bpmn.compliance import Check, Graph, PathRule


@dataclass(frozen=True)
class Missing:
    """A statutory step not yet done that `rule` requires before the step attempted."""

    rule: str
    step_kind: str
    title: str


def missing_before(checks: Sequence[Check], graph: Graph, step_kind: str, done: Sequence[str]) -> list[Missing]:
    """The steps the statute requires before `step_kind` that `done` (kinds, in order) lacks.

    A step missing only as another missing step's predecessor is named under that step's rule;
    one the attempted step's own rules name is named under its own rule (MD-32 for deliberation
    before publication, though MD-31 asks for it before the party report too)."""
    order: dict[str, tuple[str, list[str]]] = {}
    _collect(checks, graph, step_kind, done, order, {step_kind})
    direct: dict[str, tuple[str, list[str]]] = {}
    for rule, kind, through in _unmet(checks, graph, step_kind, done):
        direct.setdefault(kind, (rule, through))
    found = []
    for kind, (rule, through) in order.items():
        rule, through = direct.get(kind, (rule, through))
        titles = dict.fromkeys(graph.nodes[n].name or k for k in through for n in graph.of_kind(k))
        found.append(Missing(rule, kind, " / ".join(titles)))
    return found


def _collect(checks: Sequence[Check], graph: Graph, step_kind: str, done: Sequence[str],
             order: dict[str, tuple[str, list[str]]], seen: set[str]) -> None:
    """Missing predecessors first, each once, in the order the statute's rules list them."""
    for rule, kind, through in _unmet(checks, graph, step_kind, done):
        if kind not in seen:
            seen.add(kind)
            _collect(checks, graph, kind, done, order, seen)
        order.setdefault(kind, (rule, through))


def _unmet(checks: Sequence[Check], graph: Graph, step_kind: str,
           done: Sequence[str]) -> list[tuple[str, str, list[str]]]:
    """(rule, the step kind it asks for, the kinds that would satisfy it) of the rules before `step_kind` unmet."""
    unmet = []
    for check in checks:
        if not isinstance(check, PathRule) or step_kind not in check.targets:
            continue
        through = [kind for kind in check.through if graph.of_kind(kind)]
        if through and not _satisfied(check, graph, through, done):
            unmet.append((check.rule, through[0], through))
    return unmet


def _satisfied(rule: PathRule, graph: Graph, through: list[str], done: Sequence[str]) -> bool:
    """Whether a `through` step was done since the rule's last source (the start, or e.g. a draft change)."""
    sources = rule.sources(graph)
    source_kinds = {graph.nodes[n].step_kind for n in sources if graph.nodes[n].tag != "startEvent"}
    last_source = max((i for i, kind in enumerate(done) if kind in source_kinds), default=-1)
    if last_source < 0 and len(source_kinds) == len(sources):
        return True  # the rule starts at a step not done in this procedure: it does not bind yet
    return any(kind in through for kind in done[last_source + 1:])

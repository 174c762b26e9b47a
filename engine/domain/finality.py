"""When a procedure's outcome is final: after the decision, only the statutory routes remain (issue 19, item 7).

Withdrawal is the decision organ's way to end a procedure *before* anything is decided. Once a step has
decided — a major decision adopted at deliberation, a normative document signed, an enforcement decision
taken, a reconsideration decided — the record of that decision stands, and what follows is the law's own
route: adjustment, suspension or evaluation of a major decision (MD-36a, MD-37a/b), amendment or repeal of a
normative document through evaluation and clean-up (ND-8, ND-9), reconsideration or correction of an
enforcement decision, service and opinion letters of a reconsideration decision (RC-15). The table keys on
step kinds and the recorded data of completed steps, never on a definition's name or on the statute property
a definition declares, so every definition that uses a deciding step kind is bound by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain.steps import StepKind as K


@dataclass(frozen=True)
class Deciding:
    """A completed step of `kind` decides when its `field` holds one of `values` (any value when no field)."""

    kind: str
    rule: str
    routes_en: str
    routes_zh: str
    field: str | None = None
    values: frozenset[str] = frozenset()

    def decides(self, data: Mapping[str, Any]) -> bool:
        return self.field is None or str(data.get(self.field)) in self.values


_MD_ROUTES = ("adjustment, suspension by the head or post-decision evaluation (MD-36a, MD-37a, MD-37b)",
              "决策调整、行政首长决定中止执行或者决策后评估（MD-36a、MD-37a、MD-37b）")
_ND_ROUTES = ("evaluation before expiry or a clean-up that amends or repeals it (ND-8, ND-9)",
              "有效期届满前评估，或者通过清理予以修改、废止（ND-8、ND-9）")

DECIDING: tuple[Deciding, ...] = (
    Deciding(K.deliberation, "MD-37a", *_MD_ROUTES, field="decision_outcome", values=frozenset({"adopt"})),
    Deciding(K.execution, "MD-37a", *_MD_ROUTES),  # execution exists only for an adopted decision
    Deciding(K.signing, "ND-9", *_ND_ROUTES),
    Deciding(K.nd_publication, "ND-9", *_ND_ROUTES),
    Deciding(K.cleanup_approval, "ND-9", "a later clean-up (ND-9)", "下一次清理（ND-9）"),
    Deciding(K.enforcement_decision, "DF-WITHDRAW", "administrative reconsideration or litigation, or the organ's "
             "own correction of the decision", "行政复议、行政诉讼或者行政机关依法自行纠正",
             field="head_decision", values=frozenset({"decide"})),
    Deciding(K.judicial_transfer, "DF-WITHDRAW", "the judicial organ's handling of the transferred case",
             "司法机关对移送案件的处理"),
    Deciding(K.reconsideration_decision, "RC-15", "service of the decision and the answers to opinion letters "
             "(RC-15), or litigation", "决定书送达、意见书回复（RC-15）或者行政诉讼",
             field="outcome", values=frozenset({"decide", "mediate", "terminate"})),
)
"""Every step kind whose completion decides, with the rule that makes the decision final."""


def decision_of(steps: Iterable[tuple[str, Mapping[str, Any]]]) -> Deciding | None:
    """The first deciding step among completed `(step_kind, data)` pairs, in the order they were done."""
    by_kind = {d.kind: d for d in DECIDING}
    for kind, data in steps:
        deciding = by_kind.get(kind)
        if deciding is not None and deciding.decides(data):
            return deciding
    return None

"""Guards of executing a major decision (MD-34 … MD-37).

Each guard gets the step's new data, the procedure's data so far and the time (engine/statutes/guards.py
`Context`) and either refuses with the rule's error or returns values the engine derives, never values a
client may set.
"""

from __future__ import annotations

from typing import Any

from engine.domain import errors as e
from engine.domain.actors import canonical_username
from engine.domain.steps import StepKind as K
from engine.statutes.guards import Context, for_statute

guard = for_statute("decision_execution")


@guard(K.post_evaluation)
def _post_evaluation(c: Context) -> dict[str, Any]:
    """MD-36b: the evaluator is not a unit that did the main argumentation or assessment: neither the
    unit named on the form nor the organisation the registry puts the evaluating user in."""
    excluded = {canonical_username(str(u)) for u in c.before.get("pre_decision_units", [])}
    named = c.data.get("evaluator_org") or c.before.get("evaluator_org")
    evaluating = c.actor.org if c.actor and "trigger" not in c.data else None  # the organ ordering it does not evaluate
    for evaluator in (named, evaluating):
        if evaluator and canonical_username(str(evaluator)) in excluded:
            raise e.EvaluatorNotIndependent(evaluator=evaluator)
    return {}

"""Terminal means terminal (issue 19, item 7): a decision taken is not withdrawn; only the statutory routes follow.

engine/domain/finality.py declares, per step kind, when a completed step decides and which rule makes the
decision final; withdrawal (the decision organ's end of a procedure before its decision) consults it.
"""

from __future__ import annotations

import pytest

from engine.domain import errors, finality
from engine.domain.steps import StepKind as K
from tests.helpers import refused
from tests.processes.test_normative_document import nd  # noqa: F401 — the fixture, shared

REASON = "经研究，撤回该事项"


def _organ(engine):  # type: ignore[no-untyped-def]
    engine.people.ensure_organisation("county_gov", "县人民政府")
    return engine.people.ensure_user("organ_head", "county_gov", ["decision_organ"])


def test_md37a_an_adopted_decision_cannot_be_withdrawn_only_adjusted_suspended_or_evaluated(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("adopt")
    error = refused(md.engine, errors.DecisionIsFinal, "MD-37a", md.engine.procedures.withdraw,
                    md.procedure_id, md.people.organ, REASON)
    assert "中止执行" in error.message() and error.context["on"] == md.today()
    assert "suspension" in error.message("en")


def test_md37a_a_draft_sent_back_for_revision_is_not_decided_and_may_be_withdrawn(md):
    md.through_comment()
    md.submit_for_review()
    md.legal_opinion()
    md.review("lawful")
    md.deliberate("revise")
    view = md.engine.procedures.withdraw(md.procedure_id, md.people.organ, REASON)
    assert view.status == "withdrawn"


def test_nd9_a_signed_normative_document_cannot_be_withdrawn(nd):  # noqa: F811 — the imported fixture
    nd.to_publication()
    organ = _organ(nd.engine)
    refused(nd.engine, errors.DecisionIsFinal, "ND-9", nd.engine.procedures.withdraw, nd.procedure_id, organ, REASON)


@pytest.mark.parametrize(("kind", "data", "rule"), [
    (K.deliberation, {"decision_outcome": "adopt"}, "MD-37a"),
    (K.execution, {}, "MD-37a"),
    (K.signing, {}, "ND-9"),
    (K.cleanup_approval, {}, "ND-9"),
    (K.enforcement_decision, {"head_decision": "decide"}, "DF-WITHDRAW"),
    (K.reconsideration_decision, {"outcome": "decide"}, "RC-15"),
    (K.reconsideration_decision, {"outcome": "mediate"}, "RC-15"),
])
def test_df_withdraw_every_deciding_step_makes_the_procedure_final(kind, data, rule):
    deciding = finality.decision_of([(K.drafting, {}), (kind, data)])
    assert deciding is not None and deciding.rule == rule


@pytest.mark.parametrize(("kind", "data"), [
    (K.deliberation, {"decision_outcome": "revise"}),
    (K.deliberation, {"decision_outcome": "defer"}),
    (K.enforcement_decision, {"head_decision": "return"}),
    (K.reconsideration_decision, {"outcome": "extend"}),
    (K.legality_review, {"outcome": "lawful"}),
])
def test_df_withdraw_steps_that_do_not_decide_leave_withdrawal_open(kind, data):
    assert finality.decision_of([(kind, data)]) is None

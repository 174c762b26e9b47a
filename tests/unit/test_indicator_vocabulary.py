"""The indicator vocabulary (DF-INDICATOR): definitions are data, checked field by field, never code."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta

import pytest

from engine import indicators
from engine.clock import CST
from engine.domain.errors import IndicatorInvalid
from engine.domain.rulebook import RULES
from engine.indicators import Period, Procedure

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
MARCH = Period(datetime(2026, 3, 1, tzinfo=CST), datetime(2026, 4, 1, tzinfo=CST))
VALID = json.loads((indicators.DIRECTORY / "md_legality_share.json").read_text(encoding="utf-8"))


def test_df_indicator_every_shipped_definition_is_valid_and_cites_known_rules():
    found = indicators.catalogue()
    assert len(found) >= 30
    assert all(set(i.rules) <= set(RULES) for i in found)
    ids = {i.id for i in found}
    for required in ("md_taken", "md_public_participation_share", "md_expert_share", "md_risk_share",
                     "md_legality_share", "md_collective_share", "md_published_share", "md_days_legality_review",
                     "steps_overdue", "reminders_sent", "nd_reviewed", "nd_filed_on_time_share",
                     "nd_cleanups_on_time_share", "er_reviews", "er_reviews_on_time_share", "rc_received",
                     "rc_accepted", "rc_decided_on_time_share", "rc_corrected_share", "rc_mediated",
                     "rc_incidental_reviews", "opinions_received", "opinions_adopted_share"):
        assert required in ids
    assert next(i for i in found if i.id == "md_legality_share").target_min == 100.0


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d.update(formula={"eval": "__import__('os').system('true')"}), "formula"),
    (lambda d: d["formula"]["share"]["of"]["in_period"].update(kind="exec"), "formula.share.of.in_period.kind"),
    (lambda d: d.update(rules=["MD-999"]), "rules"),
    (lambda d: d.update(unit="kg"), "unit"),
    (lambda d: d.update(id="other"), "id"),
    (lambda d: d["formula"]["share"]["where"]["with"][0].update(late="yes"), "formula.share.where.with[0].late"),
    (lambda d: d["formula"]["share"]["of"].update(sql="DROP TABLE events"), "formula.share.of"),
    (lambda d: d.update(target={"min": "all"}), "target"),
])
def test_df_indicator_definition_outside_the_vocabulary_is_refused_naming_the_field(change, field):
    raw = copy.deepcopy(VALID)
    change(raw)
    with pytest.raises(IndicatorInvalid) as caught:
        indicators.parse(raw["id"] if field != "id" else "md_legality_share", raw)
    assert caught.value.field == field and caught.value.rule == "DF-INDICATOR"


def _event(pid: int, days: float, kind: str, **payload):  # type: ignore[no-untyped-def]
    return (T0 + timedelta(days=days), kind, payload.pop("task_id", None), payload)


def _procedure(pid: int, definition: str, rows) -> Procedure:  # type: ignore[no-untyped-def]
    return Procedure(pid, definition, "justice", indicators.with_lateness(pid, rows))


def _ind(name: str) -> indicators.Indicator:
    return next(i for i in indicators.catalogue() if i.id == name)


def test_df_indicator_opinions_received_and_share_adopted_follow_the_latest_marking():
    # procedure 1: three opinions in March; A adopted, B marked adopted then re-marked not adopted, C unmarked.
    # procedure 2: one opinion in February (outside the period), adopted in March.
    p1 = _procedure(1, "major_decision", [
        _event(1, 0, "procedure_started"),
        _event(1, 1, "opinion_received", receipt="A"), _event(1, 1, "opinion_received", receipt="B"),
        _event(1, 2, "opinion_received", receipt="C"),
        _event(1, 3, "opinion_marked", receipt="A", adoption="adopted"),
        _event(1, 3, "opinion_marked", receipt="B", adoption="adopted"),
        _event(1, 4, "opinion_marked", receipt="B", adoption="not_adopted")])
    p2 = _procedure(2, "major_decision", [
        _event(2, -10, "procedure_started"), _event(2, -5, "opinion_received", receipt="D"),
        _event(2, 3, "opinion_marked", receipt="D", adoption="partly_adopted")])
    received = indicators.evaluate(_ind("opinions_received"), [p1, p2], MARCH)
    assert (received.value, received.procedures) == (3, (1,))
    adopted = indicators.evaluate(_ind("opinions_adopted_share"), [p1, p2], MARCH)
    assert (adopted.numerator, adopted.denominator, adopted.value) == (1, 3, 33.3)  # only A, of A, B, C


def test_df_indicator_cleanups_published_on_time_and_incidental_reviews_by_conclusion():
    due_soon = (T0 + timedelta(days=5)).isoformat()
    # clean-up 1 publishes on day 3 of a step due on day 5; clean-up 2 on day 9: late (engine/deadlines.py)
    c1 = _procedure(1, "nd_cleanup", [
        _event(1, 0, "procedure_started", opened=[{"task": "t1", "step": "publication", "due_at": due_soon}]),
        _event(1, 3, "task_completed", task_id="t1", step="publication", data={})])
    c2 = _procedure(2, "nd_cleanup", [
        _event(2, 0, "procedure_started", opened=[{"task": "t2", "step": "publication", "due_at": due_soon}]),
        _event(2, 9, "task_completed", task_id="t2", step="publication", data={})])
    on_time = indicators.evaluate(_ind("nd_cleanups_on_time_share"), [c1, c2], MARCH)
    assert (on_time.value, on_time.procedures) == (50.0, (1,))
    assert indicators.evaluate(_ind("steps_overdue"), [c1, c2], MARCH).procedures == (2,)
    r = [_procedure(n, "reconsideration", [
        _event(n, 0, "procedure_started"),
        _event(n, 2, "task_completed", step="incidental_conclusion", data={"conclusion": c})])
        for n, c in ((3, "lawful"), (4, "unlawful"), (5, "lawful"))]
    incidental = indicators.evaluate(_ind("rc_incidental_reviews"), r, MARCH)
    assert (incidental.value, {k: v.procedures for k, v in incidental.breakdown.items()}) == (
        3, {"lawful": (3, 5), "unlawful": (4,)})

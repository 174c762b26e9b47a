"""Fields that must agree with each other, refused at the field in Chinese (issue 22 items 4 and 5).

12 of 9 members present is a typing error, not a missing quorum (`x-df-at-most`, engine/forms.py); a 文号
has the GB/T 9704 form 代字〔年份〕序号号, so 200 × "号" is refused; a head's decision that carries a return
reason (or a return that carries a decision date) is refused at the field the choice excludes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.domain.errors import FormInvalid
from engine.forms import Form

FORMS = Path(__file__).resolve().parents[2] / "processes" / "forms"


def problems(form: str, data: dict) -> list[tuple[str, str]]:
    compiled = Form.compile(form, json.loads((FORMS / f"{form}.json").read_text(encoding="utf-8")))
    try:
        compiled.validate(data, frozenset())
    except FormInvalid as refused:
        return [(e["field"], e["problem_zh"]) for e in refused.context["errors"]]
    return []


MEETING = {"meeting_type": "standing", "meeting_date": "2026-11-02", "decision_outcome": "adopt",
           "views": [{"member": "孙县长", "is_head": True, "position": "support"}]}


def test_md_30a_twelve_of_nine_members_present_is_refused_at_the_count_not_as_a_missing_quorum():
    found = problems("md_deliberation", {**MEETING, "members_total": 9, "members_present": 12})
    assert ("members_present", "不得多于会议组成人员总数（9）") in found
    assert not any(field == "members_present" for field, _ in
                   problems("md_deliberation", {**MEETING, "members_total": 9, "members_present": 9}))


DECIDED = {"head_decision": "decide", "decided_on": "2026-11-02"}


@pytest.mark.parametrize("number", ["号" * 200, "第18号", "市监罚决〔26〕18号", "市监罚决〔2026〕"])
def test_df_form_a_decision_number_not_in_gbt9704_form_is_refused_at_its_field(number):
    found = problems("er_decision", {**DECIDED, "decision_number": number})
    assert any(field == "decision_number" for field, _ in found)


@pytest.mark.parametrize("number", ["市监罚决〔2026〕18号", "示市监罚决〔２０２６〕3号", "示市监罚决[2026]3号"])
def test_df_form_a_gbt9704_decision_number_is_accepted(number):
    found = problems("er_decision", {**DECIDED, "decision_number": number})
    assert not any(field == "decision_number" for field, _ in found)


def test_er_8_a_decision_that_carries_a_return_reason_is_refused_at_the_reason():
    found = problems("er_decision", {**DECIDED, "decision_number": "市监罚决〔2026〕18号", "reason": "证据不足"})
    assert ("reason", "按所作选择，此项不应填写") in found


def test_er_8_a_return_that_carries_a_decision_date_is_refused_at_the_date():
    assert problems("er_decision", {"head_decision": "return", "reason": "证据不足", "decided_on": "2026-11-02"}) == [
        ("decided_on", "按所作选择，此项不应填写")]
    assert problems("er_decision", {"head_decision": "return", "reason": "证据不足"}) == []

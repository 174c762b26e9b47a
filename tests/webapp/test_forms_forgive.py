"""Forms that forgive (issue 22 item 3): every problem at once, beside its field, by its Chinese title.

Each refusal is checked to leave the procedure as it was (DESIGN invariant 1).
"""

from __future__ import annotations

import re

import pytest

from engine.domain.errors import FormInvalid
from engine.forms import Form
from tests.webapp.site import login

PROPOSAL_KEYS = ("proposal_source", "summary", "problem", "reasons_and_basis", "study_report")


def _errors_beside_fields(body: str) -> dict[str, str]:
    """Each field block marked has-error → the input's name and its message."""
    found = {}
    for block in re.findall(r'<div class="field[^"]*has-error[^"]*">.*?</div>', body, re.S):
        name = re.search(r'name="([^"]+)"', block)
        message = re.search(r'class="field-error"[^>]*>([^<]*)<', block)
        if name and message:
            found[name.group(1)] = message.group(1)
    return found


def test_df_form_page_shows_every_missing_field_at_once_beside_its_field_by_title(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    response = browser.post(f"/tasks/{task}", {"proposal_source": "department", "_confirm": "1"},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    beside = _errors_beside_fields(body)
    # required always, and required because the proposal comes from a department (the schema's if/then)
    for name in ("summary", "study_report", "problem", "reasons_and_basis", "preliminary_solution",
                 "necessity", "feasibility"):
        assert beside.get(name) == "必填项缺失", name
    top = re.search(r'<div class="refusal".*?</div>', body, re.S)
    assert top and "建议事项：必填项缺失" in top.group(0) and "拟解决的主要问题：必填项缺失" in top.group(0)
    assert "DF-FORM" in top.group(0)
    shown = re.sub(r'(name|id|for|class|aria-[a-z]+)="[^"]*"', "", top.group(0))
    assert not any(key in shown for key in PROPOSAL_KEYS)  # titles, never keys
    assert site.procedures.get(view.id).version == view.version
    assert len(site.history.events(view.id)) == 1


def test_df_form_engine_refusal_lists_each_missing_field_and_each_bad_date():
    form = Form.compile("t", {
        "type": "object", "additionalProperties": False, "required": ["a", "b", "day"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "day": {"type": "string", "format": "date"},
                       "rows": {"type": "array", "items": {"type": "object", "required": ["who"], "properties": {
                           "who": {"type": "string"}, "on": {"type": "string", "format": "date"}}}}}})
    with pytest.raises(FormInvalid) as refused:
        form.validate({"day": "2026-02-30", "rows": [{"on": "soon"}]}, frozenset())
    fields = {e["field"]: e["problem_zh"] for e in refused.value.context["errors"]}
    assert fields["a"] == fields["b"] == "必填项缺失" and fields["rows.0.who"] == "必填项缺失"
    assert "day" in fields and "rows.0.on" in fields and len(fields) == 5


def _label_of(body: str, name: str) -> str:
    found = re.search(rf'<label for="f-{name}">(.*?)</label>', body, re.S)
    assert found, name
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_df_form_conditionally_required_fields_are_marked_with_their_condition_in_chinese(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    body = browser.get(f"/tasks/{view.task('proposal')}").get_data(as_text=True)
    problem = _label_of(body, "problem")
    assert problem == "拟解决的主要问题*（条件必填：建议来源为“政府工作部门或下级政府”时必填）"
    assert _label_of(body, "summary") == "建议事项*"  # always required: the asterisk alone
    assert "（条件必填" not in _label_of(body, "proposal_source")


def test_df_form_conditions_read_if_then_else_and_dependent_required():
    from webapp.schema_form import Condition, conditions

    schema = {"type": "object", "properties": {
        "launched": {"type": "boolean", "title": "是否启动"}, "a": {"title": "甲"}, "b": {"title": "乙"},
        "kind": {"title": "类别", "enum": ["x", "y"], "x-labels": {"x": "某类"}}},
        "allOf": [{"if": {"properties": {"launched": {"const": True}}, "required": ["launched"]},
                   "then": {"required": ["a"]}, "else": {"required": ["b"]}}],
        "if": {"properties": {"kind": {"enum": ["x"]}}}, "then": {"required": ["b"]},
        "dependentRequired": {"a": ["kind"]}}
    assert conditions(schema) == {"a": [Condition("是否启动", (True,))],
                                  "b": [Condition("类别", ("某类",)), Condition("是否启动", (True,), negated=True)],
                                  "kind": [Condition("甲")]}

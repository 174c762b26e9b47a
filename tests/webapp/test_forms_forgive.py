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
    assert problem.startswith("拟解决的主要问题*")
    assert problem.endswith("（“建议来源”为“政府工作部门或下级政府”时必填）")
    assert _label_of(body, "summary") == "建议事项*"  # always required: the asterisk alone
    assert "时必填" not in _label_of(body, "proposal_source")



def _confirm_form(body: str) -> list[tuple[str, str]]:
    """The hidden inputs of the confirmation page's form (html-unescaped), in page order."""
    import html
    return [(html.unescape(n), html.unescape(v))
            for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                   body.split('class="card task confirm"')[1])]


def test_df_form_submit_first_shows_a_confirmation_and_only_confirm_completes_the_step(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    first = browser.client.post(f"/tasks/{task}", data={
        "csrf_token": browser.token, "proposal_source": "leadership", "summary": "优化线网\n第二行",
        "_version": str(view.version), "study_report": (__import__("io").BytesIO(b"%PDF-1.4 r"), "报告.pdf")},
        content_type="multipart/form-data")
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert "确认提交" in body and "返回修改" in body and "<script" not in body.split("</main>")[0].split("<main")[-1]
    assert "建议来源" in body and "决策机关领导人员" in body and "研究论证报告" in body and "报告.pdf" in body
    assert len(site.history.events(view.id)) == 1  # nothing recorded yet
    carried = _confirm_form(body)
    assert ("summary", "优化线网\n第二行") in carried and any(n == "csrf_token" for n, _ in carried)

    back = browser.client.post(f"/tasks/{task}", data=dict(carried, _review="1"), content_type="multipart/form-data")
    assert back.status_code == 200 and "优化线网" in back.get_data(as_text=True)
    assert 'name="summary"' in back.get_data(as_text=True) and len(site.history.events(view.id)) == 1

    done = browser.client.post(f"/tasks/{task}", data=dict(carried, _confirm="1"), content_type="multipart/form-data")
    assert done.status_code == 302, re.findall(r"<li>([^<]*)</li>", done.get_data(as_text=True))
    event = site.history.events(view.id)[-1]
    assert event.kind == "task_completed" and event.payload["data"]["summary"] == "优化线网\n第二行"
    assert event.payload["data"]["study_report"]["filename"] == "报告.pdf"  # the file waited for 确认提交


def test_df_form_confirmation_without_csrf_token_is_refused_and_records_nothing(site, app):
    view = site.procedures.start("major_decision", "标题", "dev_reform", site.people.actor("sponsor"))
    browser = login(app, "sponsor")
    task = view.task("proposal")
    browser.get(f"/tasks/{task}")
    refused = browser.client.post(f"/tasks/{task}", data={"proposal_source": "leadership", "summary": "x",
                                                           "_confirm": "1"}, content_type="multipart/form-data")
    assert refused.status_code in (400, 403)
    assert len(site.history.events(view.id)) == 1

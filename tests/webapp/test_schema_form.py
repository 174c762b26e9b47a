"""Step forms as HTML and back: every form renders, a browser's post parses to the data the validator expects.

No database: the schemas are read from processes/forms, the macros rendered by a plain Jinja
environment with null translations (or marking ones, to prove every added word is translated).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader
from werkzeug.datastructures import FileStorage, MultiDict

from engine.domain.errors import FormInvalid
from engine.forms import Form
from engine.services.tasks import Upload
from webapp.schema_form import Field, Shown, display, fields, parse, unplaced, widget_of

ROOT = Path(__file__).parents[2]
FORMS = sorted((ROOT / "processes" / "forms").glob("*.json"))
MACROS = '{% from "macros/form.html" import render_fields, render_display %}'


def schema_of(name: str) -> dict[str, Any]:
    return json.loads((ROOT / "processes" / "forms" / f"{name}.json").read_text(encoding="utf-8"))


def environment(gettext: Any = None) -> Environment:
    env = Environment(loader=FileSystemLoader(ROOT / "webapp" / "templates"), autoescape=True,
                      extensions=["jinja2.ext.i18n"])
    if gettext is None:
        env.install_null_translations(newstyle=True)
    else:
        env.install_gettext_callables(gettext, lambda s, p, n: gettext(s if n == 1 else p), newstyle=True)
    return env


def render_fields(built: list[Field], env: Environment | None = None) -> str:
    return (env or environment()).from_string(MACROS + "{{ render_fields(fs) }}").render(fs=built)


def render_display(rows: list[Shown]) -> str:
    return environment().from_string(MACROS + "{{ render_display(rows) }}").render(rows=rows)


class Controls(HTMLParser):
    """The named inputs, selects and textareas of a page, its ids, its label targets and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("name"):
            self.names.setdefault(str(attributes["name"]), attributes.get("type") or tag)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "label" and attributes.get("for"):
            self.label_for.append(str(attributes["for"]))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def controls(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def upload_ref(upload: Upload) -> dict[str, Any]:
    """What the engine puts in the data for an upload (engine.services.tasks)."""
    return {"sha256": hashlib.sha256(upload.content).hexdigest(), "filename": upload.filename,
            "size": len(upload.content), "media_type": upload.media_type}


def a_file(content: bytes, filename: str, content_type: str | None = "application/pdf") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename, content_type=content_type)


def deliberation_post() -> MultiDict[str, str]:
    """What a browser posts for the deliberation step: three rows filled, the spare row left blank."""
    return MultiDict([
        ("csrf_token", "token"), ("_version", "7"),
        ("meeting_type", "standing"), ("meeting_date", "2026-12-01"),
        ("members_total", "15"), ("members_present", " 12 "),
        ("views.0.member", "张三"), ("views.0.is_head", "false"), ("views.0.position", "support"),
        ("views.0.remarks", "同意草案。\r\n建议加快实施。"),
        ("views.1.member", "李四"), ("views.1.is_head", "false"), ("views.1.position", "abstain"),
        ("views.1.remarks", ""),
        ("views.2.member", "王五"), ("views.2.is_head", "true"), ("views.2.position", "support"),
        ("views.2.remarks", "  "),
        ("views.3.member", ""), ("views.3.is_head", ""), ("views.3.position", ""), ("views.3.remarks", ""),
        ("decision_outcome", "adopt"), ("head_reason", ""), ("defer_reason", ""),
    ])


DELIBERATION = {
    "meeting_type": "standing",
    "meeting_date": "2026-12-01",
    "members_total": 15,
    "members_present": 12,
    "views": [
        {"member": "张三", "is_head": False, "position": "support", "remarks": "同意草案。\n建议加快实施。"},
        {"member": "李四", "is_head": False, "position": "abstain"},
        {"member": "王五", "is_head": True, "position": "support"},
    ],
    "decision_outcome": "adopt",
}


def refusal(schema: dict[str, Any], data: dict[str, Any], uploads: dict[str, Upload] | None = None) -> FormInvalid:
    refs = {name: upload_ref(upload) for name, upload in (uploads or {}).items()}
    with pytest.raises(FormInvalid) as refused:
        Form.compile("x", schema).validate({**data, **refs}, frozenset(refs))
    return refused.value


# --- every form renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_every_form_renders_a_control_for_every_property(path: Path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    built = fields(schema)
    assert [f.key for f in built] == list(schema["properties"])

    page = controls(render_fields(built))
    for key, prop in schema["properties"].items():
        if widget_of(prop) == "rows":
            for sub in prop["items"]["properties"]:
                assert f"{key}.0.{sub}" in page.names, f"{path.stem}: no control for {key}.0.{sub}"
        else:
            assert key in page.names, f"{path.stem}: no control for {key}"
    assert len(page.ids) == len(set(page.ids)), "ids are unique"
    assert set(page.label_for) <= set(page.ids), "every label points at a control"


@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_every_form_marks_its_top_level_required_fields(path: Path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    required = {f.key for f in fields(schema) if f.required}
    assert required == set(schema.get("required", ()))


def test_widgets_follow_the_schema():
    deliberation = {f.key: f for f in fields(schema_of("md_deliberation"))}
    assert {key: f.widget for key, f in deliberation.items()} == {
        "meeting_type": "select", "meeting_date": "date", "members_total": "integer",
        "members_present": "integer", "views": "rows", "decision_outcome": "select",
        "head_reason": "textarea", "defer_reason": "textarea", "minutes": "file"}
    total = deliberation["members_total"]
    assert (total.min, total.max) == (1, 200)
    assert deliberation["meeting_type"].options[0] == ("standing", "政府常务会议")
    views = deliberation["views"]
    assert [(c.name, c.widget, c.required) for c in views.columns] == [
        ("views.0.member", "text", True), ("views.0.is_head", "checkbox", True),
        ("views.0.position", "select", True), ("views.0.remarks", "textarea", False)]
    assert views.columns[0].maxlength == 100

    open_comment = {f.key: f for f in fields(schema_of("md_open_comment"))}
    assert open_comment["channels"].widget == "checkboxes"
    assert ("gov_website", "政府网站") in open_comment["channels"].options
    assert open_comment["url"].widget == "url"
    assert {f.key: f.widget for f in fields(schema_of("md_drafting"))}["affected_units"] == "lines"
    assert {f.key: f.widget for f in fields(schema_of("md_drafting"))}["legal_basis"] == "rows"
    assert {f.key: f.widget for f in fields(schema_of("md_archiving"))} == {
        "archive_number": "text", "archived_on": "date", "complete": "checkbox"}


def test_blank_rows_follow_min_items_and_stop_at_max_items():
    schema = schema_of("md_deliberation")
    assert len(fields(schema, extra_rows=0)[4].children) == 1  # none given: at least one row
    assert len(fields(schema)[4].children) == 2
    given = {"views": [{"member": "甲"}, {"member": "乙"}, {"member": "丙"}]}
    views = fields(schema, given)[4]
    assert len(views.children) == 5
    assert [row[0].value for row in views.children] == ["甲", "乙", "丙", None, None]
    assert views.children[4][0].name == "views.4.member"

    capped = json.loads(json.dumps(schema))
    capped["properties"]["views"]["maxItems"] = 4
    assert len(fields(capped, given)[4].children) == 4
    capped["properties"]["views"]["minItems"] = 3
    assert len(fields(capped, extra_rows=1)[4].children) == 3


def test_no_html_required_attribute_so_the_server_refuses_by_name():
    html = render_fields(fields(schema_of("md_deliberation")))
    assert " required" not in html.replace("aria-required", "")
    assert '<span class="req" aria-hidden="true">*</span>' in html
    assert 'aria-required="true"' in html


def test_textarea_keeps_a_leading_newline():
    html = render_fields(fields(schema_of("md_deliberation"), {"head_reason": "\n第一段"}))
    assert '>\n\n第一段</textarea>' in html  # the parser eats the first newline after <textarea>


# --- parsing a post ----------------------------------------------------------------------------------------------


def test_deliberation_post_parses_to_step_data_and_skips_the_blank_row():
    data, uploads = parse(schema_of("md_deliberation"), deliberation_post(), MultiDict())
    assert data == DELIBERATION
    assert uploads == {}


def test_parsed_deliberation_passes_the_validator_once_the_minutes_are_uploaded():
    schema = schema_of("md_deliberation")
    files = MultiDict([("minutes", a_file(b"%PDF-1.7 minutes", "会议纪要.pdf"))])
    data, uploads = parse(schema, deliberation_post(), files)
    assert uploads == {"minutes": Upload("会议纪要.pdf", "application/pdf", b"%PDF-1.7 minutes")}
    refs = {name: upload_ref(upload) for name, upload in uploads.items()}
    Form.compile("x", schema).validate({**data, **refs}, frozenset(refs))

    data, uploads = parse(schema, deliberation_post(), MultiDict())
    assert refusal(schema, data, uploads).field == "minutes"


def test_plain_mapping_of_lists_parses_like_a_multidict():
    post = deliberation_post()
    as_lists = {name: post.getlist(name) for name in post}
    assert parse(schema_of("md_deliberation"), as_lists, {}) == parse(schema_of("md_deliberation"), post, None)


def test_legality_review_takes_the_uploaded_opinion():
    schema = schema_of("md_legality_review")
    post = MultiDict([("review_outcome", "lawful"), ("finding_authority", "符合法定权限"),
                      ("finding_procedure", "已履行法定程序"), ("finding_content", "内容合法"),
                      ("exploratory_reform", "false"), ("required_changes", "")])
    files = MultiDict([("opinion_document", a_file(b"opinion", "C:\\fakepath\\意见书.pdf", None))])
    data, uploads = parse(schema, post, files)
    assert data == {"review_outcome": "lawful", "finding_authority": "符合法定权限",
                    "finding_procedure": "已履行法定程序", "finding_content": "内容合法",
                    "exploratory_reform": False}
    assert uploads == {"opinion_document": Upload("意见书.pdf", "application/octet-stream", b"opinion")}
    refs = {name: upload_ref(upload) for name, upload in uploads.items()}
    Form.compile("x", schema).validate({**data, **refs}, frozenset(refs))


def test_a_file_input_left_empty_uploads_nothing():
    files = MultiDict([("opinion_document", FileStorage(io.BytesIO(b""), filename="",
                                                        content_type="application/octet-stream"))])
    data, uploads = parse(schema_of("md_legality_review"), MultiDict([("review_outcome", "lawful")]), files)
    assert (data, uploads) == ({"review_outcome": "lawful"}, {})
    assert refusal(schema_of("md_legality_review"), data).field == "finding_authority"


def test_integer_garbage_is_kept_so_the_validator_names_the_field():
    schema = schema_of("md_deliberation")
    post = deliberation_post()
    post.setlist("members_total", ["十五"])
    data, _ = parse(schema, post, None)
    assert data["members_total"] == "十五"
    assert refusal(schema, data, {"minutes": Upload("m.pdf", "application/pdf", b"m")}).field == "members_total"


def test_yes_no_select_omits_an_unanswered_question():
    post = MultiDict([("views.0.member", "张三"), ("views.0.is_head", ""), ("views.0.position", "oppose"),
                      ("views.1.member", "李四"), ("views.1.is_head", "maybe")])
    data, _ = parse(schema_of("md_deliberation"), post, None)
    assert data["views"] == [{"member": "张三", "position": "oppose"}, {"member": "李四", "is_head": "maybe"}]


def test_unknown_field_passes_through_and_framework_fields_are_dropped():
    schema = schema_of("md_deliberation")
    post = deliberation_post()
    post.add("bogus", "x")
    post.add("views.0.mood", "good")
    post.add("_action", "submit")
    data, _ = parse(schema, post, None)
    assert data["bogus"] == "x"
    assert data["views"][0]["mood"] == "good"
    assert "csrf_token" not in data and "_action" not in data and "_version" not in data
    uploads = {"minutes": Upload("m.pdf", "application/pdf", b"m")}
    assert refusal(schema, data, uploads).field == "bogus"
    del data["bogus"]
    assert refusal(schema, data, uploads).field == "views.0.mood"


def test_an_upload_the_form_does_not_have_passes_through_by_name():
    files = MultiDict([("appendix", a_file(b"x", "x.pdf"))])
    _, uploads = parse(schema_of("md_legality_review"), MultiDict(), files)
    assert set(uploads) == {"appendix"}  # the engine refuses it: "the form has no document field of this name"


def test_two_values_for_one_field_are_not_chosen_between():
    post = deliberation_post()
    post.setlist("meeting_type", ["standing", "plenary"])
    data, _ = parse(schema_of("md_deliberation"), post, None)
    assert data["meeting_type"] == ["standing", "plenary"]
    uploads = {"minutes": Upload("m.pdf", "application/pdf", b"m")}
    assert refusal(schema_of("md_deliberation"), data, uploads).field == "meeting_type"


def test_checkboxes_and_lines_parse_to_lists_and_are_omitted_when_empty():
    post = MultiDict([("channels", "gov_website"), ("channels", "press"), ("methods", ""),
                      ("url", " https://example.gov.cn/x "), ("start_date", "2026-11-02")])
    data, _ = parse(schema_of("md_open_comment"), post, None)
    assert data == {"channels": ["gov_website", "press"], "url": "https://example.gov.cn/x",
                    "start_date": "2026-11-02"}

    post = MultiDict([("affected_units", "财政局\r\n\r\n  交通局  \r\n"),
                      ("legal_basis.0.instrument", "《某省实施办法》"), ("legal_basis.0.article", " 第三条 "),
                      ("legal_basis.1.instrument", ""), ("legal_basis.1.article", "")])
    data, _ = parse(schema_of("md_drafting"), post, None)
    assert data == {"affected_units": ["财政局", "交通局"],
                    "legal_basis": [{"instrument": "《某省实施办法》", "article": "第三条"}]}


def test_row_uploads_follow_their_row_when_a_blank_row_is_skipped():
    post = MultiDict([("experts.0.name", ""), ("experts.0.organisation", ""),
                      ("experts.1.name", "赵六"), ("experts.1.organisation", "某大学"),
                      ("experts.1.pool_source", "own"), ("experts.1.direct_interest", "false")])
    files = MultiDict([("experts.0.declaration", a_file(b"", "")),
                       ("experts.1.declaration", a_file(b"decl", "声明.pdf"))])
    data, uploads = parse(schema_of("md_expert"), post, files)
    assert data["experts"] == [{"name": "赵六", "organisation": "某大学", "pool_source": "own",
                                "direct_interest": False}]
    assert uploads == {"experts.0.declaration": Upload("声明.pdf", "application/pdf", b"decl")}


def test_parsed_data_shown_again_keeps_what_was_typed():
    schema = schema_of("md_deliberation")
    data, _ = parse(schema, deliberation_post(), None)
    again, _ = parse(schema, MultiDict(_posted_back(fields(schema, data))), None)
    assert again == data


def _posted_back(built: list[Field]) -> list[tuple[str, str]]:
    """What a browser would post for redisplayed fields, unchanged."""
    pairs: list[tuple[str, str]] = []
    for f in built:
        if f.widget == "rows":
            for row in f.children:
                pairs += _posted_back(list(row))
        elif f.widget == "checkboxes":
            pairs += [(f.name, value) for value in sorted(f.chosen)]
        elif f.widget != "file":
            pairs.append((f.name, f.text))
    return pairs


# --- errors ------------------------------------------------------------------------------------------------------


def test_errors_attach_to_their_field_or_the_nearest_enclosing_one():
    schema = schema_of("md_deliberation")
    errors = {"views.1.position": "取值须为以下之一", "members_total": "类型不正确", "views.5": "行内容有误",
              "minutes": "必填项缺失", "(form)": "应为对象", "bogus": "表单中没有该字段"}
    built = fields(schema, DELIBERATION, errors)
    by_key = {f.key: f for f in built}
    assert by_key["members_total"].error == "类型不正确"
    assert by_key["minutes"].error == "必填项缺失"
    assert by_key["views"].error == "行内容有误"  # views.5 has no row of its own
    assert by_key["views"].children[1][2].error == "取值须为以下之一"
    assert by_key["views"].children[0][2].error is None
    assert by_key["meeting_type"].error is None
    assert unplaced(built, errors) == {"(form)": "应为对象", "bogus": "表单中没有该字段"}

    html = render_fields(built)
    assert '<div class="field field-integer has-error">' in html
    assert ('aria-invalid="true" value="15" min="1" max="200"><p class="field-error" id="f-members_total-error" '
            'role="alert">类型不正确</p>') in html
    assert 'aria-describedby="f-views-1-position-error"' in html


def test_hostile_values_are_escaped():
    hostile = '<script>alert("x")</script>'
    schema = schema_of("md_deliberation")
    values = {"meeting_type": hostile, "members_total": hostile, "head_reason": hostile,
              "views": [{"member": hostile, "remarks": hostile, "position": hostile}]}
    html = render_fields(fields(schema, values, {"meeting_date": hostile, "views.0.member": hostile}))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 6  # four inputs, two errors; selects show only schema options

    shown = render_display(display(schema, {**values, hostile: hostile,
                                            "minutes": {"sha256": "a" * 64, "filename": hostile}}))
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown


# --- reading a completed step ------------------------------------------------------------------------------------


def test_display_shows_labels_and_human_values():
    schema = schema_of("md_deliberation")
    minutes = {"sha256": "0123456789abcdef" * 4, "filename": "会议纪要.pdf", "size": 3, "media_type": "x"}
    shown = display(schema, {"extra": 3, **DELIBERATION, "minutes": minutes})
    assert [(s.label, s.kind) for s in shown] == [
        ("会议类型", "text"), ("会议日期", "text"), ("会议组成人员总数", "text"), ("出席人数", "text"),
        ("发言记录（按发言顺序）", "table"), ("会议决定", "text"), ("会议纪要", "document"), ("extra", "text")]
    assert shown[0].value == "政府常务会议"
    assert shown[5].value == "通过"
    assert shown[6].value == "会议纪要.pdf" and shown[6].detail == minutes["sha256"]
    table = shown[4]
    assert table.columns == ("姓名", "是否行政首长", "意见", "发言要点")
    assert [(c.kind, c.value) for c in table.rows[1]] == [
        ("text", "李四"), ("boolean", False), ("text", "弃权"), ("empty", None)]

    html = render_display(shown)
    assert "<dt>会议类型</dt>" in html and "<dd>政府常务会议</dd>" in html
    assert "<td>No</td>" in html and "<td>Yes</td>" in html
    assert '<code class="sha256" title="SHA-256 ' + minutes["sha256"] + '">0123456789ab</code>' in html
    assert "<dt>extra</dt>" in html


def test_display_lists_labels_and_links_only_web_addresses():
    schema = schema_of("md_open_comment")
    shown = {s.key: s for s in display(schema, {"channels": ["gov_website", "press"], "url": "https://x.gov.cn/"})}
    assert shown["channels"].value == ("政府网站", "报刊")
    assert shown["url"].kind == "link"
    assert display(schema, {"url": "javascript:alert(1)"})[0].kind == "text"
    html = render_display(list(shown.values()))
    assert '<a href="https://x.gov.cn/" rel="noopener noreferrer">https://x.gov.cn/</a>' in html
    assert "<li>政府网站</li>" in html


# --- language ----------------------------------------------------------------------------------------------------


def test_every_word_the_macros_add_goes_through_gettext():
    def marked(message: str, **variables: Any) -> str:
        return "⟦" + (message % variables if variables else message) + "⟧"

    schema = schema_of("md_deliberation")
    built = fields(schema, DELIBERATION, {"views.0.member": "错误"})
    from_schema = {"*"} | {f.label for f in _all(built)} | {label for f in _all(built) for _, label in f.options}
    from_schema |= {f.text for f in _all(built)} | {f.error for f in _all(built) if f.error}
    page = controls(render_fields(built, environment(marked)))
    added = [text for text in page.text if text not in from_schema]
    assert added and all(text.startswith("⟦") and text.endswith("⟧") for text in added), added
    assert {"⟦Yes⟧", "⟦No⟧", "⟦(not given)⟧", "⟦Row 1⟧"} <= set(added)


def _all(built: list[Field]) -> list[Field]:
    return [f for top in built for f in [top, *(c for row in top.children for c in row)]]


def test_number_fields_render_as_decimal_inputs_and_parse_to_numbers():
    schema = {"type": "object", "properties": {"fine_amount": {"type": "number", "title": "罚款金额", "minimum": 0}},
              "additionalProperties": False}
    built = fields(schema)
    assert built[0].widget == "number" and built[0].min == 0
    html = render_fields(built)
    assert 'type="number"' in html and 'step="any"' in html
    assert parse(schema, MultiDict({"fine_amount": ["5000"]}), {})[0] == {"fine_amount": 5000}
    assert parse(schema, MultiDict({"fine_amount": ["1250.5"]}), {})[0] == {"fine_amount": 1250.5}
    assert parse(schema, MultiDict({"fine_amount": ["五千"]}), {})[0] == {"fine_amount": "五千"}


def test_df_hardening_a_file_input_accepts_what_its_field_allows():
    built = {f.name: f for f in fields(schema_of("md_legal_opinion"))}
    assert built["opinion"].accept == ".pdf,.ofd,.png,.jpg,.jpeg,application/pdf,application/ofd,image/png,image/jpeg"
    other = {f.name: f for f in fields(schema_of("md_proposal"))}
    assert other["study_report"].accept is not None and ".docx" in other["study_report"].accept
    assert other["summary"].accept is None


def test_md_12a_legal_bases_recorded_as_text_before_they_were_structured_still_display():
    """History is immutable: a record page shows an old event's strings under the new schema."""
    [old_list] = display(schema_of("md_drafting"), {"legal_basis": ["《重大行政决策程序暂行条例》"]})
    assert (old_list.kind, old_list.value) == ("list", ("《重大行政决策程序暂行条例》",))
    [old_text] = display(schema_of("nd_drafting"), {"legal_basis": "《促进个体工商户发展条例》"})
    assert (old_text.kind, old_text.value) == ("text", "《促进个体工商户发展条例》")
    [new] = display(schema_of("nd_drafting"), {"legal_basis": [{"instrument": "《条例》", "article": "第五条"}]})
    assert new.kind == "table" and [c.value for c in new.rows[0]] == ["《条例》", "第五条"]



def test_a_field_required_only_under_a_condition_is_marked_with_the_condition():
    """Issue 22 item 3: the five reasons of a department's proposal are required only when a department
    proposes (MD-10): the form marks each with that condition, in the form's own words."""
    schema = json.loads((ROOT / "processes" / "forms" / "md_proposal.json").read_text(encoding="utf-8"))
    shown = {f.key: f for f in fields(schema)}
    assert shown["problem"].required is False
    assert shown["problem"].required_when == "“建议来源”为“政府工作部门或下级政府”"
    assert shown["proposal_source"].required and shown["proposal_source"].required_when is None
    assert shown["summary"].required_when is None


def test_md18_the_adoption_select_of_each_opinion_row_starts_unanswered_not_adopted():
    """Issue 22 item 10: 采纳情况 defaulted to 采纳, so a row left as shown recorded an adoption nobody decided."""
    html = render_fields(fields(schema_of("md_opinion_summary")))
    select = re.search(r'<select[^>]*name="register\.0\.adoption"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    assert options[0][0] == "" and not any("selected" in extra for _, extra in options)


def test_df_forms_every_row_has_a_remove_button_the_script_shows():
    """Issue 22 Deliver 3: rows can be removed; without a script the button stays hidden (a blank row is not sent)."""
    html = render_fields(fields(schema_of("md_deliberation")))
    rows = re.findall(r'<th scope="row" id="(f-views-row-\d+)"', html)
    buttons = re.findall(r'<button type="button" data-remove-row hidden aria-describedby="([^"]+)">', html)
    assert rows and buttons == rows

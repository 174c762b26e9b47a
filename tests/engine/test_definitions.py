"""Definitions: bad BPMN is refused with its element and line; deploys are versioned."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.bpmn.definition import analyse
from engine.cli import cli
from engine.domain.errors import DefinitionInvalid
from engine.services.definitions import read_bundle
from tests.conftest import DRAFT, FIXTURES, bundle
from tests.helpers import fingerprint

BPMN, FORMS = bundle("review_loop.bpmn")
PROCESSES = Path(__file__).resolve().parents[2] / "processes"
TEXT = BPMN.decode()


def mutate(old: str, new: str) -> bytes:
    assert old in TEXT, old
    return TEXT.replace(old, new, 1).encode()


def problems(bpmn: bytes, forms=None) -> list:
    return analyse(bpmn, FORMS if forms is None else forms).problems


def line_of(needle: str) -> int:
    return next(i for i, line in enumerate(TEXT.splitlines(), 1) if needle in line)


def test_fixture_is_clean():
    assert problems(BPMN) == []


def test_malformed_xml_names_the_line():
    found = problems(mutate('<bpmn:endEvent id="end" name="End">', '<bpmn:endEvent id="end" name="End"'))
    assert len(found) == 1 and found[0].code == "xml"
    assert found[0].line is not None and found[0].line >= line_of('<bpmn:endEvent id="end"')


def test_no_start_event_is_refused():
    text = TEXT
    start = text.index('<bpmn:startEvent id="start"')
    end = text.index("</bpmn:startEvent>") + len("</bpmn:startEvent>")
    found = problems((text[:start] + text[end:]).encode())
    assert any(p.code == "start" and p.element == "review_loop" for p in found)


def test_unknown_step_kind_names_the_task_and_line():
    found = problems(mutate('value="deliberation"', 'value="rubber_stamp"'))
    [problem] = [p for p in found if p.code == "step-kind"]
    assert problem.element == "deliberation" and problem.line == line_of('<bpmn:userTask id="deliberation"')
    assert "rubber_stamp" in problem.message


def test_task_without_form_or_with_missing_form_is_refused():
    no_form = mutate('<spiffworkflow:property name="form" value="test_deliberation" />', "")
    assert [p.element for p in problems(no_form) if p.code == "form"] == ["deliberation"]
    forms = {k: v for k, v in FORMS.items() if k != "test_review"}
    assert [p.element for p in problems(BPMN, forms) if p.code == "form"] == ["review"]


def test_form_that_accepts_unknown_fields_is_refused():
    forms = {**FORMS, "test_review": {**FORMS["test_review"], "additionalProperties": True}}
    [problem] = problems(BPMN, forms)
    assert problem.code == "form" and "additionalProperties" in problem.message


def test_lane_without_role_is_refused():
    bpmn = mutate('<spiffworkflow:property name="role" value="meeting_secretary" />', "")
    [problem] = [p for p in problems(bpmn) if p.code == "lane"]
    assert problem.element == "Lane_meeting" and problem.line == line_of('<bpmn:lane id="Lane_meeting"')


def test_task_outside_any_lane_is_refused():
    bpmn = mutate("<bpmn:flowNodeRef>deliberation</bpmn:flowNodeRef>", "")
    assert [p.element for p in problems(bpmn) if p.code == "lane"] == ["deliberation"]


def test_service_and_business_rule_tasks_are_refused():
    bpmn = mutate('<bpmn:endEvent id="end" name="End">',
                  '<bpmn:serviceTask id="call_out" name="Call out" /><bpmn:endEvent id="end" name="End">')
    assert any(p.code == "task-type" and p.element == "call_out" for p in problems(bpmn))


@pytest.mark.parametrize("condition", [
    "__import__('os').system('id')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "outcome.upper() == 'LAWFUL'",
    "(lambda: 1)()",
])
def test_condition_outside_the_restricted_evaluator_is_refused(condition):
    bpmn = mutate('outcome == "lawful"', condition.replace("<", "&lt;"))
    [problem] = [p for p in problems(bpmn) if p.code == "expression"]
    assert problem.element == "flow_lawful" and problem.line is not None


def test_script_task_with_python_is_refused_but_restricted_assignment_is_accepted():
    script = ('<bpmn:scriptTask id="compute" name="Compute"><bpmn:script>{}</bpmn:script>'
              "</bpmn:scriptTask>")
    bad = mutate('<bpmn:endEvent id="end" name="End">',
                 script.format("import os\nos.system('id')") + '<bpmn:endEvent id="end" name="End">')
    assert any(p.code == "script" and p.element == "compute" for p in problems(bad))
    good = script.format("reviewed = outcome == 'lawful'")
    assert not [p for p in problems(mutate('<bpmn:endEvent id="end" name="End">',
                                           good + '<bpmn:endEvent id="end" name="End">')) if p.code == "script"]


def test_deploy_refuses_with_every_problem_and_writes_nothing(engine):
    before = fingerprint(engine)
    bad = mutate('value="deliberation"', 'value="rubber_stamp"')
    with pytest.raises(DefinitionInvalid) as refused:
        engine.definitions.deploy(bad, FORMS, "test")
    assert refused.value.rule == "DF-DEFINITION"
    assert "deliberation" in refused.value.context["first"]
    assert engine.definitions.list_all() == []
    assert fingerprint(engine) == before


def test_deploy_is_idempotent_and_a_changed_file_is_a_new_version(engine):
    first = engine.definitions.deploy(BPMN, FORMS, "test")
    again = engine.definitions.deploy(BPMN, FORMS, "test")
    assert (first.version, first.created) == (1, True)
    assert (again.id, again.created) == (first.id, False)
    changed = engine.definitions.deploy(mutate('name="Collective deliberation"', 'name="常务会议讨论"'), FORMS, "t")
    assert (changed.version, changed.created) == (2, True)
    forms = {**FORMS, "test_deliberation": {**FORMS["test_deliberation"], "title": "集体讨论决定"}}
    assert engine.definitions.deploy(BPMN, forms, "t").version == 3  # a changed form is a new version too


def test_procedure_started_on_v1_finishes_on_v1_after_v2_is_deployed(engine, people):
    engine.definitions.deploy(BPMN, FORMS, "test")
    old = engine.procedures.start("review_loop", "旧版本程序", "dev_reform", people.sponsor)
    # v2 drops the return-for-supplement loop: "returned" is no longer a valid outcome there
    v2_forms = {**FORMS, "test_review": {**FORMS["test_review"], "properties": {
        "outcome": {"type": "string", "enum": ["lawful"]}}}}
    assert engine.definitions.deploy(BPMN, v2_forms, "test").version == 2
    new = engine.procedures.start("review_loop", "新版本程序", "dev_reform", people.sponsor)
    assert (old.definition_version, new.definition_version) == (1, 2)

    step = engine.tasks.complete(old.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "returned"})  # v1 form
    step = engine.tasks.complete(step.task("supplement"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "lawful"})
    step = engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    assert step.status == "completed"
    assert engine.procedures.get(old.id).definition_version == 1
    assert engine.history.events(old.id)[0].payload["definition"]["version"] == 1


def test_check_command_prints_problems_and_exits_1(tmp_path):
    (tmp_path / "forms").mkdir()
    for name, schema in FORMS.items():
        (tmp_path / "forms" / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
    good = tmp_path / "good.bpmn"
    good.write_bytes(BPMN)
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(mutate('value="deliberation"', 'value="rubber_stamp"'))
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(good)])
    assert ok.exit_code == 0 and "OK" in ok.output
    refused = runner.invoke(cli, ["check", str(bad)])
    assert refused.exit_code == 1
    line = line_of('<bpmn:userTask id="deliberation"')
    assert f"bad.bpmn:{line}: [step-kind] deliberation" in refused.output


def test_deploy_command_deploys_and_reports_versions(tmp_path, db_url):
    runner = CliRunner()
    path = FIXTURES / "review_loop.bpmn"
    first = runner.invoke(cli, ["deploy", str(path), "--database", db_url])
    assert first.exit_code == 0 and "review_loop v1 deployed" in first.output
    second = runner.invoke(cli, ["deploy", str(path), "--database", db_url])
    assert second.exit_code == 0 and "review_loop v1 unchanged" in second.output


MD_BPMN, MD_FORMS = read_bundle(PROCESSES / "major_decision.bpmn")


def without_kind(form_id: str, field: str) -> dict:
    """The major-decision forms with one date field's `x-df-date` taken out."""
    forms = copy.deepcopy(MD_FORMS)
    del forms[form_id]["properties"][field]["x-df-date"]
    return forms


def test_df_dates_check_refuses_a_date_field_without_its_kind_naming_form_field_and_keyword():
    assert analyse(MD_BPMN, MD_FORMS).problems == []
    [problem] = [p for p in analyse(MD_BPMN, without_kind("md_deliberation", "meeting_date")).problems]
    assert problem.code == "form" and problem.element == "deliberation"
    assert "processes/forms/md_deliberation.json" in problem.message
    assert 'date field meeting_date declares no "x-df-date"' in problem.message
    assert "done, during, past, planned, effective" in problem.message


def test_df_dates_a_stored_version_deployed_before_kinds_still_compiles():
    analysis = analyse(MD_BPMN, without_kind("md_deliberation", "meeting_date"), stored=True)
    assert analysis.problems == [] and analysis.compiled is not None


def test_df_dates_deploy_refuses_an_undeclared_date_field_and_writes_nothing(engine):
    before = fingerprint(engine)
    with pytest.raises(DefinitionInvalid) as refused:
        engine.definitions.deploy(MD_BPMN, without_kind("md_hearing_notice", "hearing_date"), "test")
    assert refused.value.rule == "DF-DEFINITION"
    assert "md_hearing_notice.json" in refused.value.context["first"]
    assert "hearing_date" in refused.value.context["first"] and "x-df-date" in refused.value.context["first"]
    assert fingerprint(engine) == before


def test_df_dates_check_command_names_the_form_file_and_the_field(tmp_path):
    (tmp_path / "forms").mkdir()
    forms = without_kind("md_publication", "published_on")
    for name, schema in forms.items():
        (tmp_path / "forms" / f"{name}.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "major_decision.bpmn"
    path.write_bytes(MD_BPMN)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "md_publication.json" in result.output and 'published_on declares no "x-df-date"' in result.output


def test_df_names_check_refuses_a_misspelt_names_kind_so_the_registry_check_cannot_be_switched_off():
    forms = copy.deepcopy(MD_FORMS)
    forms["md_initiation"]["properties"]["lead_sponsor"]["x-names"] = "organization"
    [problem] = analyse(MD_BPMN, forms).problems
    assert problem.code == "form" and problem.element == "initiation"
    assert 'field lead_sponsor: "x-names" \'organization\' is not one of organisation, person' in problem.message

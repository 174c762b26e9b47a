"""Deploy never leaves the law: what `check` accepts is governed by its statute and runs.

Each test mutates a real definition of processes/ in memory and asserts that `check` and
`deploy` both refuse it, naming the element, its line and the attribute to change, and that
deploy stores nothing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine.bpmn.definition import analyse
from engine.bpmn.evaluator import SCRIPT_NAMES, RestrictedEnvironment
from engine.domain import errors
from engine.domain.errors import DefinitionInvalid, ExpressionForbidden
from engine.services.definitions import read_bundle
from tests.helpers import refused as refused_step
from tests.processes.md_scenario import CATALOGUE, MajorDecision, cast, pdf

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
MD_BPMN, MD_FORMS = read_bundle(PROCESSES / "major_decision.bpmn")
MD = MD_BPMN.decode()
STATUTE = '<spiffworkflow:property name="statute" value="major_decision"/>'


def mutate(old: str, new: str, text: str = MD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(needle: str, text: str = MD) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def refused(engine, text: str, code: str, forms=MD_FORMS) -> tuple[list, str]:
    """The problems of `code` that check reports, and the rule of deploy's refusal of the same file (which
    stores nothing)."""
    problems = analyse(text.encode(), forms).problems
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    with pytest.raises(DefinitionInvalid) as refusal:
        engine.definitions.deploy(text.encode(), forms, "test")
    assert any(str(p) in refusal.value.context["problems"] for p in found)
    assert engine.definitions.list_all() == []
    return found, refusal.value.rule


@pytest.mark.parametrize("path", sorted(PROCESSES.glob("*.bpmn")), ids=lambda p: p.name)
def test_df_definition_every_definition_in_processes_passes_under_its_statute(path):
    analysis = analyse(*read_bundle(path))
    assert analysis.problems == []
    assert analysis.statute == analysis.compiled.key


def test_df_definition_a_definition_without_statute_is_refused_naming_process_line_and_property(engine):
    [problem], rule = refused(engine, mutate(STATUTE, ""), "statute")
    assert rule == "DF-DEFINITION"
    assert problem.element == "major_decision" and problem.attribute == "statute"
    assert problem.line == line_of('<bpmn:process id="major_decision"')
    assert 'name="statute"' in problem.message and '"none"' in problem.message
    assert str(problem).endswith("[attribute: statute]")


def test_df_definition_statute_none_may_not_run_a_statutory_procedure(engine):
    found, rule = refused(engine, mutate(STATUTE, STATUTE.replace("major_decision", "none")), "statute")
    assert rule == "DF-DEFINITION"
    by_attribute = {p.attribute: p for p in found}
    assert by_attribute["id"].element == "major_decision"  # the statutory process id
    kinds = {p.element: p for p in found if p.attribute == "step_kind"}
    assert kinds["legality_review"].line == line_of('<bpmn:userTask id="legality_review"')
    assert "'legality_review' is statutory" in kinds["legality_review"].message
    forms = {p.element for p in found if p.attribute == "form"}
    assert "legality_review" in forms and "md_*" in by_attribute["form"].message


def test_df_definition_statute_none_with_generic_steps_and_own_forms_is_accepted():
    text = mutate(STATUTE, STATUTE.replace("major_decision", "none"))
    text = text.replace('<bpmn:process id="major_decision"', '<bpmn:process id="my_note"')
    problems = analyse(text.encode(), MD_FORMS).problems
    assert {p.attribute for p in problems if p.code == "statute"} == {"step_kind", "form"}


def test_df_definition_an_unknown_statute_is_refused_naming_the_property(engine):
    unknown = STATUTE.replace("major_decision", "major_decisions")
    [problem], rule = refused(engine, mutate(STATUTE, unknown), "statute")
    assert rule == "DF-DEFINITION"
    assert problem.attribute == "statute" and problem.element == "major_decision" and problem.line


def test_df_definition_a_misspelt_lane_role_is_refused_naming_lane_line_and_role(engine):
    old = '<spiffworkflow:property name="role" value="legality_reviewer"/>'
    text = mutate(old, old.replace("legality_reviewer", "legality_reviwer"))
    [problem], rule = refused(engine, text, "lane")
    assert rule == "DF-DEFINITION"
    assert problem.element == "Lane_review" and problem.attribute == "role"
    assert problem.line == line_of('<bpmn:lane id="Lane_review"')
    assert "'legality_reviwer'" in problem.message
    [misplaced] = [p for p in analyse(text.encode(), MD_FORMS).problems if p.code == "step-role"]
    assert misplaced.element == "legality_review"


def test_df_definition_legality_review_moved_into_the_sponsors_lane_is_refused(engine):
    ref = "<bpmn:flowNodeRef>legality_review</bpmn:flowNodeRef>"
    text = mutate(ref, "")
    text = mutate("<bpmn:flowNodeRef>drafting</bpmn:flowNodeRef>",
                  "<bpmn:flowNodeRef>drafting</bpmn:flowNodeRef>" + ref, text)
    [problem], rule = refused(engine, text, "step-role")
    assert rule == "DF-DEFINITION"
    assert problem.element == "legality_review" and problem.attribute == "lane"
    assert problem.line == line_of('<bpmn:userTask id="legality_review"', text)
    assert "Lane_sponsor" in problem.message and "legality_reviewer" in problem.message


def test_df_definition_a_step_kind_of_another_statute_is_refused(engine):
    old = '<spiffworkflow:property name="step_kind" value="archiving"/>'
    [problem], rule = refused(engine, mutate(old, old.replace("archiving", "filing")), "step-role")
    assert rule == "DF-DEFINITION"
    assert problem.attribute == "step_kind" and "not a step of statute major_decision" in problem.message


def test_df_definition_a_script_task_without_a_body_is_refused(engine):
    anchor = '<bpmn:userTask id="legality_review"'
    text = mutate(anchor, '<bpmn:scriptTask id="tally" name="Tally"></bpmn:scriptTask>\n    ' + anchor)
    [problem], rule = refused(engine, text, "script")
    assert rule == "DF-DEFINITION"
    assert problem.element == "tally" and problem.attribute == "script"
    assert problem.line == line_of('<bpmn:scriptTask id="tally"', text)


def test_df_definition_an_unquoted_duration_is_refused_saying_quote_it(engine):
    [problem], rule = refused(engine, mutate('>"P30D"<', ">PT5M<"), "timer")
    assert rule == "DF-DEFINITION"
    assert problem.attribute == "timeDuration" and problem.element == "comment_window"
    assert problem.line == line_of(">\"P30D\"<")
    assert "quote it: 'PT5M'" in problem.message


@pytest.mark.parametrize(("old", "new"), [
    ('>"P30D"<', '>"P30 days"<'),  # no ISO 8601 duration: SpiffWorkflow would fail at the timer
    (">comment_closes_at<", '>"P30D"<'),  # a duration where a date is read
    (">comment_closes_at<", ">closes_whenever<"),  # a name no guard of the statute computes
])
def test_df_definition_a_timer_the_runtime_cannot_evaluate_is_refused(engine, old, new):
    [problem], rule = refused(engine, mutate(old, new), "timer")
    assert rule == "DF-DEFINITION"
    assert problem.attribute in {"timeDuration", "timeDate"} and problem.element and problem.line


def test_df_definition_an_empty_gateway_condition_is_refused():
    text = MD.replace('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">',
                      '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"> <!-- -->', 1)
    start = text.index("<!-- -->") + len("<!-- -->")
    end = text.index("</bpmn:conditionExpression>", start)
    problems = analyse((text[:start] + text[end:]).encode(), MD_FORMS).problems
    assert any(p.code == "expression" and p.attribute == "conditionExpression" for p in problems)


@pytest.mark.parametrize("executable", ['isExecutable="false"', ""])
def test_df_definition_a_non_executable_process_is_refused_naming_process_line_and_attribute(engine, executable):
    [problem], rule = refused(engine, mutate('isExecutable="true"', executable), "process")
    assert rule == "DF-DEFINITION"
    assert problem.element == "major_decision" and problem.attribute == "isExecutable"
    assert problem.line == line_of('<bpmn:process id="major_decision"')
    assert 'isExecutable="true"' in problem.message


def test_df_definition_a_stored_definition_without_statute_does_not_compile():
    """A version deployed before statutes were required runs no statutory step without its guards."""
    analysis = analyse(mutate(STATUTE, "").encode(), MD_FORMS, stored=True)
    assert analysis.compiled is None and "statute" in [p.attribute for p in analysis.problems]


@pytest.mark.parametrize("new", ["review_date", "meeting_on"], ids=["misspelt", "a typed form field"])
def test_df_definition_a_due_date_its_statute_does_not_compute_is_refused_naming_step_line_and_property(engine, new):
    """MD-26b's review clock is the guard's `review_due`: a misspelt name would leave the review without a
    deadline, and a form field would let the client set it; both are refused at check and deploy."""
    old = '<spiffworkflow:property name="due_from" value="review_due"/>'
    [problem, *_], rule = refused(engine, mutate(old, old.replace("review_due", new)), "due_date")
    assert rule == "DF-DEFINITION"
    assert problem.attribute == "due_from" and problem.element == "legal_opinion"
    assert problem.line == line_of(old.replace("review_due", new), mutate(old, old.replace("review_due", new)))
    assert "review_due" in problem.message and repr(new) in problem.message


POST_REVIEW = '''            <spiffworkflow:property name="form" value="md_legality_review"/>
            <spiffworkflow:property name="due_from" value="review_due"/>
          </spiffworkflow:properties>'''


def with_post_script(script: str) -> str:
    """The major decision with a postScript on its legality review (a definition's own computation)."""
    script_element = f"\n          <spiffworkflow:postScript>{script}</spiffworkflow:postScript>"
    return mutate(POST_REVIEW, POST_REVIEW + script_element)


def test_df_definition_a_script_rewriting_what_a_form_records_is_refused_at_check(engine):
    """Issue 19 item 8: `review_outcome = "lawful"` after a review that found otherwise would leave the law
    with every step in order; deploy refuses it, naming the element, the line and the form recording it."""
    text = with_post_script('review_outcome = "lawful"')
    [problem], rule = refused(engine, text, "script")
    assert rule == "DF-DEFINITION" and problem.element == "legality_review"
    assert "review_outcome" in problem.message and "md_legality_review" in problem.message
    assert problem.attribute == "postScript"


def test_df_definition_a_script_rewriting_the_record_is_refused_when_it_runs():
    """What deploy cannot see (a version stored before the check, a name the start seeds) is refused when the
    script runs: a script assigns new names, and again only the names it assigned itself."""
    environment = RestrictedEnvironment()
    context = {"review_outcome": "unlawful", "county_sc6": True}
    with pytest.raises(ExpressionForbidden) as refusal:
        environment.execute('review_outcome = "lawful"', context)
    assert "review_outcome" in refusal.value.message("en") and context["review_outcome"] == "unlawful"
    environment.execute("tally = 1\ntally = tally + 1", context)
    environment.execute("tally = tally + 1", context)
    assert context["tally"] == 3 and context[SCRIPT_NAMES] == ["tally"]
    with pytest.raises(ExpressionForbidden):
        environment.execute("county_sc6 = False", context)


def test_df_definition_a_script_setting_a_flag_a_guard_reads_is_refused_at_check(engine):
    """SC-6: `party_group_reviewed = True` is a new name to the workflow, but the deliberation's guard reads it
    as the party group's prior review: a script may not stand in for a step, so deploy refuses it."""
    [problem], rule = refused(engine, with_post_script("party_group_reviewed = True"), "script")
    assert rule == "DF-DEFINITION" and "party_group_reviewed" in problem.message
    assert "guards of statute major_decision" in problem.message


def test_df_definition_a_form_restating_what_a_guard_derived_is_refused_when_submitted(engine, clock):
    """Issue 19 item 8: a definition whose review-submission form carries `urgent_comment` (derived by the
    public-comment guard from the period and the urgency reason, MD-15b) deploys, but a sponsor who fills it
    is refused naming the field: the engine's facts are never restated by a later form."""
    forms = copy.deepcopy(MD_FORMS)
    forms["md_review_submission"]["properties"]["urgent_comment"] = {"type": "boolean", "title": "紧急"}
    engine.definitions.deploy(MD_BPMN, forms, "test")
    engine.catalogue.load(json.loads(CATALOGUE.read_text(encoding="utf-8")), "test")
    people = cast(engine)
    view = engine.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", people.sponsor)
    md = MajorDecision(engine, clock, people, view.id, {i.task_id: i.spec for i in view.open_items})
    md.through_comment()
    basis = [{"instrument": "《城市公共交通条例》", "article": "第十条"}]
    data = {"procedures_account": "已履行公众参与等法定程序", "legal_basis": basis, "urgent_comment": True}
    error = refused_step(engine, errors.FormInvalid, "DF-FORM", md.do, "review_submission", people.sponsor, data,
                         {"draft": pdf("送审稿")})
    assert error.field == "urgent_comment" and "系统" in error.message("zh_CN")

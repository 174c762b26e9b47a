"""MD-39: a step attempted out of turn is refused with the law's reason — the statutory steps still
missing before it, each with its rule id and article, in Chinese and English (issue 19, item 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.bpmn import model as m
from engine.bpmn.compliance import build_graph
from engine.bpmn.prerequisites import missing_before
from engine.bpmn.profiles import PROFILES
from engine.domain.errors import StepNotReady, TaskNotFound
from engine.domain.rulebook import rule
from tests.helpers import fingerprint, pending_task_id
from tests.processes.md_scenario import MajorDecision

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def missing(process: str, step_kind: str, done: list[str]) -> list[tuple[str, str]]:
    root = m.parse_xml((PROCESSES / f"{process}.bpmn").read_bytes())
    found = missing_before(PROFILES[process], build_graph(m.top_process(root)), step_kind, done)
    return [(step.rule, step.step_kind) for step in found]


def test_md25b_deliberation_before_the_legality_review_names_the_review():
    assert missing("major_decision", "deliberation", ["proposal", "initiation", "drafting"]) == [
        ("MD-25b", "legality_review")]
    assert missing("major_decision", "deliberation", ["drafting", "legality_review"]) == []


def test_md28b_a_draft_changed_after_the_review_needs_a_new_review_before_deliberation():
    assert missing("major_decision", "deliberation", ["drafting", "legality_review", "revision"]) == [
        ("MD-28b", "legality_review")]


def test_md32_publication_before_deliberation_names_every_missing_step_in_the_law_s_order():
    assert missing("major_decision", "publication", ["drafting"]) == [
        ("MD-25b", "legality_review"), ("MD-32", "deliberation"), ("MD-31", "party_report")]
    assert missing("major_decision", "publication", ["drafting", "legality_review", "deliberation"]) == [
        ("MD-31", "party_report")]


def test_rc4_reconsideration_decision_before_acceptance_names_the_acceptance_review():
    found = missing("reconsideration", "reconsideration_decision", ["application"])
    assert found[0] == ("RC-4", "acceptance_review")
    assert ("RC-9", "respondent_reply") in found


def test_md25b_refusal_text_gives_rule_and_article_in_chinese_and_english():
    error = StepNotReady(step="集体讨论决定", step_kind="deliberation", state="FUTURE", missing=[
        {"step_kind": "legality_review", "title": "合法性审查", "rule": "MD-25b", "article": rule("MD-25b").article}])
    assert error.message("zh_CN") == ("“集体讨论决定”尚不能办理：合法性审查（MD-25b，"
                                      "《重大行政决策程序暂行条例》第二十五条第二款）尚未完成。")
    assert error.message("en") == ("Step 集体讨论决定 (deliberation) cannot be done yet: 合法性审查 [legality_review] "
                                   "(MD-25b, 《重大行政决策程序暂行条例》第二十五条第二款) is not done.")
    assert error.as_dict()["missing"][0]["rule"] == "MD-25b"


@pytest.fixture
def md(engine, clock) -> MajorDecision:
    return MajorDecision.start(engine, clock)


def test_md39_a_step_out_of_turn_in_a_procedure_names_the_step_it_waits_on(md, engine):
    md.through_comment()
    md.submit_for_review()  # the legality review waits for the legal adviser's opinion (MD-28a)
    task = pending_task_id(engine, md.procedure_id, "legality_review")
    before = fingerprint(engine)
    with pytest.raises(StepNotReady) as refused:
        engine.tasks.complete(task, md.people.organ, {}, procedure_id=md.procedure_id)
    assert fingerprint(engine) == before
    assert refused.value.rule == "MD-39"
    assert [w["step_kind"] for w in refused.value.context["waiting_for"]] == ["legal_opinion"]
    title = refused.value.context["waiting_for"][0]["title"]
    assert f"正在等待“{title}”办结" in refused.value.message("zh_CN")
    assert f"waits on {title} [legal_opinion]" in refused.value.message("en")


def test_df_view_a_caller_who_may_not_see_the_procedure_gets_the_plain_not_found(md, engine):
    md.through_comment()
    md.submit_for_review()
    task = pending_task_id(engine, md.procedure_id, "legality_review")
    other_unit = engine.people.ensure_user("li_si", "justice", ["sponsor"])
    before = fingerprint(engine)
    for caller in (md.people.reviewer, other_unit):  # no step of theirs open in it yet; another unit
        with pytest.raises(TaskNotFound) as refused:
            engine.tasks.complete(task, caller, {}, procedure_id=md.procedure_id)
        assert refused.value.rule == "DF-NOT-FOUND"
        assert "waiting_for" not in refused.value.context and "法律" not in refused.value.message("zh_CN")
    with pytest.raises(TaskNotFound):  # without the procedure's id: not found, as for an unknown id
        engine.tasks.complete(task, md.people.organ, {})
    assert fingerprint(engine) == before

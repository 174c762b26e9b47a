"""Migrating running procedures to a new definition version, proven lawful (issue 24, DF-MIGRATE-*).

Target versions are edited copies of the fixture and process files, made in tmp dirs with lxml.
The fixtures run under a test statute with MD-25b's ordering rule (deliberation only after a legality
review), so the proof's path check has a real rule to hold a reordered target to.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn import profiles
from engine.bpmn.compliance import PathRule
from engine.domain import errors
from engine.services.definitions import read_bundle
from engine.statutes.major_decision import profile as major_decision_profile
from tests.conftest import DRAFT, FIXTURES
from tests.helpers import refused
from tests.statute import ORDERED

BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
        "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@pytest.fixture(autouse=True)
def _ordered_statute() -> Iterator[None]:
    """A test statute with one ordering rule of the real profile (MD-25b), registered only while a test of
    this module runs: left registered, it would show in the rule table and the statutes' list of other tests."""
    rule = next(c for c in major_decision_profile.CHECKS if isinstance(c, PathRule) and c.rule == "MD-25b")
    profiles.PROFILES[ORDERED] = (rule,)
    profiles.STEP_ROLES[ORDERED] = profiles.STEP_ROLES["major_decision"]
    yield
    profiles.PROFILES.pop(ORDERED, None)
    profiles.STEP_ROLES.pop(ORDERED, None)

Edit = Callable[[etree._Element], None]


def version(tmp_path: Path, source: Path, *edits: Edit, name: str = "v") -> tuple[bytes, dict[str, object]]:
    """A copy of `source` (and its forms) in a tmp dir, edited with lxml; its bundle as deploy takes it."""
    folder = tmp_path / f"{source.stem}_{name}"
    shutil.copytree(source.parent / "forms", folder / "forms")
    tree = etree.parse(str(source))
    for edit in edits:
        edit(tree.getroot())
    path = folder / source.name
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return read_bundle(path)


def one(root: etree._Element, xpath: str) -> etree._Element:
    found = root.xpath(xpath, namespaces=BPMN)
    assert len(found) == 1, xpath
    return found[0]


def ordered(root: etree._Element) -> None:
    one(root, "//bpmn:process/bpmn:extensionElements//spiffworkflow:property[@name='statute']").set("value", ORDERED)


def rename(old: str, new: str, title: str | None = None) -> Edit:
    """The element `old` becomes `new` (its flows and lane follow)."""
    def edit(root: etree._Element) -> None:
        element = one(root, f"//*[@id='{old}']")
        element.set("id", new)
        if title:
            element.set("name", title)
        for flow in root.xpath("//bpmn:sequenceFlow", namespaces=BPMN):
            for end in ("sourceRef", "targetRef"):
                if flow.get(end) == old:
                    flow.set(end, new)
        for ref in root.xpath(f"//bpmn:flowNodeRef[text()='{old}']", namespaces=BPMN):
            ref.text = new
    return edit


def retarget(flow: str, end: str, to: str) -> Edit:
    def edit(root: etree._Element) -> None:
        one(root, f"//bpmn:sequenceFlow[@id='{flow}']").set(end, to)
    return edit


def review_first(root: etree._Element) -> None:
    """Reorder: start → review → (lawful) draft → deliberation; a returned review goes to the supplement."""
    retarget("flow_start", "targetRef", "review")(root)
    retarget("flow_lawful", "targetRef", "draft")(root)
    retarget("flow_draft", "targetRef", "deliberation")(root)


LOOP = FIXTURES / "review_loop.bpmn"
TIMER = FIXTURES / "timer_first.bpmn"


@pytest.fixture
def v1(engine, tmp_path):
    return engine.definitions.deploy(*version(tmp_path, LOOP, ordered, name="v1"), "test")


def deploy(engine, tmp_path, source: Path, *edits: Edit) -> int:
    view = engine.definitions.deploy(*version(tmp_path, source, *edits, name="v2"), "test")
    assert view.created and view.version == 2
    return view.version


def plan_of(key: str, procedure_id: int, **more) -> dict:
    return {"key": key, "source_version": 1, "target_version": 2, "procedures": [procedure_id], **more}


def migrate(engine, people, plan: dict):
    """Propose (the review office, with a reason) and approve (someone else): the batch's view."""
    proposal = engine.migration.propose(people.reviewer, plan, "《四川省重大行政决策程序规定》2025 年修订")
    return engine.migration.approve(people.reviewer2, proposal.id)


def clean(engine, procedure_id: int) -> None:
    """Chain and projections both verify (DF-INTEGRITY): the migration is part of the record."""
    assert engine.history.verify(procedure_id).ok
    found = [f for f in engine.history.findings() if f.procedure_id == procedure_id]
    assert found == []


def test_df_migrate_accepted_migration_keeps_the_step_then_completes_and_verifies(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    review_task = step.task("review")
    deploy(engine, tmp_path, LOOP, ordered, rename("review", "legality_review", "合法性审查（2025年规则）"))
    plan = plan_of(v1.key, procedure.id, mapping={"review": "legality_review"})

    report, = engine.migration.check(people.reviewer, plan)
    assert report.lawful, report.text("en")
    assert {"DF-MIGRATE-POSITION", "DF-MIGRATE-STEPS", "DF-MIGRATE-FORM", "MD-25b"} <= {f.rule for f in report.findings}
    assert "MD-25b" in report.text("zh") and "可以依法迁移" in report.text("zh")

    view = migrate(engine, people, plan)
    assert view.status == "approved" and [o.migrated for o in view.results] == [True]
    moved = engine.procedures.get(procedure.id)
    assert moved.definition_version == 2
    item, = moved.open_items
    assert (item.task_id, item.spec, item.title) == (review_task, "legality_review", "合法性审查（2025年规则）")
    event = engine.history.events(procedure.id)[-1]
    assert event.kind == "procedure_migrated" and event.actor == people.reviewer2.username
    assert event.payload["proposal"]["proposed_by"] == people.reviewer.username
    assert event.payload["plan"]["mapping"] == {"review": "legality_review"} and event.payload["proof"]["lawful"]
    clean(engine, procedure.id)

    step = engine.tasks.complete(review_task, people.reviewer, {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    assert engine.procedures.get(procedure.id).status == "completed"
    clean(engine, procedure.id)
    state = engine.replay.at(people.organ, procedure.id, event.seq)
    assert state.event.kind == "procedure_migrated" and set(s.spec for s in state.open_steps.values()) == {
        "legality_review"}


def test_df_migrate_steps_md_25b_target_that_skips_the_review_still_owed_is_refused(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    deploy(engine, tmp_path, LOOP, ordered, review_first)  # lawful from the start, not from `draft`
    plan = plan_of(v1.key, procedure.id)
    report, = engine.migration.check(people.reviewer, plan)
    failed = [f for f in report.findings if not f.ok]
    assert [f.rule for f in failed] == ["DF-MIGRATE-STEPS"] and "MD-25b" in failed[0].en
    assert "draft" in failed[0].en and "deliberation" in failed[0].en and "MD-25b" in failed[0].zh
    proposal = engine.migration.propose(people.reviewer, plan, "新规定")
    error = refused(engine, errors.MigrationStepOwed, "DF-MIGRATE-STEPS", _first_refusal, engine, people, proposal.id)
    assert "MD-25b" in str(error)


def _first_refusal(engine, people, proposal_id: int) -> None:
    """Approve, and raise the refusal of the first procedure that was not migrated (the batch reports it)."""
    view = engine.migration.approve(people.reviewer2, proposal_id)
    refusal = next(o for o in view.results if not o.migrated)
    raise {"DF-MIGRATE-STEPS": errors.MigrationStepOwed, "DF-MIGRATE-POSITION": errors.MigrationPositionMissing,
           "DF-MIGRATE-TIMER": errors.MigrationTimerLost, "DF-MIGRATE-FORM": errors.MigrationFormMissing}[
        refusal.rule](procedure_id=refusal.procedure_id, problem=refusal.message)


def test_df_migrate_position_that_does_not_exist_in_the_target_is_refused(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    deploy(engine, tmp_path, LOOP, ordered, rename("review", "legality_check"))  # and no mapping
    report, = engine.migration.check(people.reviewer, plan_of(v1.key, procedure.id))
    assert not report.lawful
    assert [f.rule for f in report.findings if not f.ok] == ["DF-MIGRATE-POSITION"]
    assert isinstance(report.refusal(), errors.MigrationPositionMissing)
    proposal = engine.migration.propose(people.reviewer, plan_of(v1.key, procedure.id), "新规定")
    refused(engine, errors.MigrationPositionMissing, "DF-MIGRATE-POSITION", _first_refusal, engine, people,
            proposal.id)


def test_df_migrate_form_of_the_open_step_missing_from_the_target_is_refused(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)

    def new_form(root: etree._Element) -> None:
        one(root, "//bpmn:userTask[@id='review']//spiffworkflow:property[@name='form']").set("value", "test_review2")
    bpmn, forms = version(tmp_path, LOOP, ordered, new_form, name="v2")
    engine.definitions.deploy(bpmn, {**forms, "test_review2": read_bundle(LOOP)[1]["test_review"]}, "test")
    report, = engine.migration.check(people.reviewer, plan_of(v1.key, procedure.id))
    failed = [f for f in report.findings if not f.ok]
    assert [f.rule for f in failed] == ["DF-MIGRATE-FORM"] and "test_review" in failed[0].en
    proposal = engine.migration.propose(people.reviewer, plan_of(v1.key, procedure.id), "新规定")
    refused(engine, errors.MigrationFormMissing, "DF-MIGRATE-FORM", _first_refusal, engine, people, proposal.id)


def _timer(duration: str | None) -> Edit:
    """The period becomes `duration` long, or (None) a plain event: the period is gone."""
    def edit(root: etree._Element) -> None:
        period = one(root, "//bpmn:intermediateCatchEvent[@id='period']")
        if duration is None:
            period.remove(one(period, "./bpmn:timerEventDefinition"))
            period.tag = f"{{{BPMN['bpmn']}}}intermediateThrowEvent"
        else:
            one(period, ".//bpmn:timeDuration").text = f'"{duration}"'
    return edit


@pytest.fixture
def waiting(engine, people):
    engine.definitions.deploy(*read_bundle(TIMER), "test")
    return engine.procedures.start("timer_first", "期限中的程序", "dev_reform", people.sponsor)


def test_df_migrate_timer_lost_period_is_refused(engine, people, waiting, tmp_path):
    deploy(engine, tmp_path, TIMER, _timer(None))
    report, = engine.migration.check(people.reviewer, plan_of("timer_first", waiting.id))
    assert [f.rule for f in report.findings if not f.ok] == ["DF-MIGRATE-TIMER"]
    assert "lost" in report.text("en") and "丢失" in report.text("zh")
    proposal = engine.migration.propose(people.reviewer, plan_of("timer_first", waiting.id), "新规定")
    refused(engine, errors.MigrationTimerLost, "DF-MIGRATE-TIMER", _first_refusal, engine, people, proposal.id)


def test_df_migrate_timer_changed_rule_needs_the_rule_that_keeps_the_due_date(engine, people, waiting, tmp_path,
                                                                               clock):
    deploy(engine, tmp_path, TIMER, _timer("P3D"))
    due = engine.procedures.get(waiting.id).timers[0].due_at
    report, = engine.migration.check(people.reviewer, plan_of("timer_first", waiting.id))
    assert [f.rule for f in report.findings if not f.ok] == ["DF-MIGRATE-TIMER"]
    plan = plan_of("timer_first", waiting.id, timer_rules={"period": "MD-15b"})
    report, = engine.migration.check(people.reviewer, plan)
    assert report.lawful and "MD-15b" in report.text("en") and due.isoformat() in report.text("en")
    view = migrate(engine, people, plan)
    assert view.results[0].migrated
    moved = engine.procedures.get(waiting.id)
    assert moved.definition_version == 2 and moved.timers[0].due_at == due  # kept, not restarted (3 days)
    clean(engine, waiting.id)
    clock.advance(days=1, minutes=1)
    for timer_id in engine.timers.due():
        engine.timers.fire(timer_id)
    assert [i.spec for i in engine.procedures.get(waiting.id).open_items] == ["summarise"]
    clean(engine, waiting.id)


def test_df_migrate_approval_takes_the_review_office_and_a_second_person(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    deploy(engine, tmp_path, LOOP, ordered, rename("deliberation", "deliberation", "集体讨论决定（新）"))
    plan = plan_of(v1.key, procedure.id)
    refused(engine, errors.MigrationForbidden, "DF-MIGRATE-APPROVAL", engine.migration.propose,
            people.sponsor_lawyer, plan, "理由")  # a legality reviewer, but not in the review office
    refused(engine, errors.MigrationPlanInvalid, "DF-MIGRATE-PLAN", engine.migration.propose,
            people.reviewer, plan, "  ")
    proposal = engine.migration.propose(people.reviewer, plan, "新规定")
    refused(engine, errors.MigrationForbidden, "DF-MIGRATE-APPROVAL", engine.migration.approve,
            people.reviewer, proposal.id)
    refused(engine, errors.MigrationForbidden, "DF-MIGRATE-APPROVAL", engine.migration.approve,
            people.sponsor, proposal.id)
    view = engine.migration.approve(people.organ, proposal.id)
    assert view.decided_by == people.organ.username and view.results[0].migrated
    refused(engine, errors.MigrationDecided, "DF-MIGRATE-APPROVAL", engine.migration.approve,
            people.reviewer2, proposal.id)
    clean(engine, procedure.id)


def test_df_migrate_batch_reports_each_procedure_and_refuses_only_the_unlawful_one(engine, people, v1, tmp_path):
    at_draft = engine.procedures.start(v1.key, "尚未起草", "dev_reform", people.sponsor)
    at_review = engine.procedures.start(v1.key, "已经起草", "dev_reform", people.sponsor)
    engine.tasks.complete(at_review.task("draft"), people.sponsor, DRAFT)
    deploy(engine, tmp_path, LOOP, ordered, review_first)
    before = engine.history.events(at_draft.id)
    view = migrate(engine, people, {"key": v1.key, "source_version": 1, "target_version": 2})
    outcome = {o.procedure_id: o for o in view.results}
    assert outcome[at_review.id].migrated and not outcome[at_draft.id].migrated
    assert outcome[at_draft.id].rule == "DF-MIGRATE-STEPS" and "MD-25b" in outcome[at_draft.id].message
    assert engine.history.events(at_draft.id) == before
    assert engine.procedures.get(at_draft.id).definition_version == 1
    assert engine.procedures.get(at_review.id).definition_version == 2
    clean(engine, at_review.id)
    clean(engine, at_draft.id)


def test_df_migrate_plan_naming_unknown_elements_or_versions_is_refused_by_field(engine, people, v1, tmp_path):
    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    plan = plan_of(v1.key, procedure.id)
    error = refused(engine, errors.MigrationPlanInvalid, "DF-MIGRATE-PLAN", engine.migration.check,
                    people.reviewer, plan)
    assert error.context["field"] == "target_version"  # no version 2 yet
    deploy(engine, tmp_path, LOOP, ordered, rename("deliberation", "deliberation", "集体讨论决定（新）"))
    for bad, field in (({"target_version": 1}, "target_version"), ({"mapping": {"nowhere": "x"}}, "mapping"),
                       ({"mapping": {"review": "nowhere"}}, "mapping"), ({"procedures": "all"}, "procedures"),
                       ({"procedures": [procedure.id + 99]}, "procedures"), ({"redo": {"draft": " "}}, "redo")):
        error = refused(engine, errors.MigrationPlanInvalid, "DF-MIGRATE-PLAN", engine.migration.check,
                        people.reviewer, {**plan, **bad})
        assert error.context["field"] == field, bad
    refused(engine, errors.MigrationForbidden, "DF-MIGRATE-APPROVAL", engine.migration.check, people.sponsor, plan)


# --- property: lawful migrations never yield a history that breaks the statute ------------------------

TARGETS: dict[str, tuple[Edit, ...]] = {
    "review_first": (review_first,),
    "renamed_review": (rename("review", "legality_review", "合法性审查（新）"),),
    "retitled": (rename("deliberation", "deliberation", "集体讨论决定（新）"),),
    "returned_to_draft": (retarget("flow_returned", "targetRef", "draft"),),
}
USER_TASKS = ("draft", "review", "supplement", "deliberation", "legality_review")


def _act(engine, people, item, outcome: str) -> None:
    """Do an open step as its role would, by its step kind."""
    if item.step_kind in ("drafting", "supplement"):
        engine.tasks.complete(item.task_id, people.sponsor, DRAFT)
    elif item.step_kind == "legality_review":
        engine.tasks.complete(item.task_id, people.reviewer, {"outcome": outcome})
    else:
        engine.tasks.complete(item.task_id, people.secretary, {"decision": "adopt"})


def _md_25b_holds(engine, procedure_id: int) -> bool:
    """The history as replay reads it: no deliberation done before a legality review was done."""
    reviewed = False
    for event in engine.history.events(procedure_id):
        kind = event.payload.get("step_kind") if event.kind == "task_completed" else None
        reviewed = reviewed or kind == "legality_review"
        if kind == "deliberation" and not reviewed:
            return False
    return True


@pytest.fixture
def targets(engine, tmp_path):
    """Every target version deployed once (name → version), then the source last: procedures start on the
    latest version, so every example starts on the source and may migrate to any target."""
    out = {}
    for name, edits in TARGETS.items():
        out[name] = engine.definitions.deploy(*version(tmp_path, LOOP, ordered, *edits, name=name), "test").version
    source = engine.definitions.deploy(*version(tmp_path, LOOP, ordered, name="source"), "test")
    return source, out


def test_df_migrate_property_lawful_migrations_never_replay_as_non_compliant(engine, people, targets):
    v1, versions = targets
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(before=st.lists(st.sampled_from(["returned", "lawful"]), max_size=3),
           target=st.sampled_from(sorted(TARGETS)),
           overrides=st.dictionaries(st.sampled_from(USER_TASKS[:4]), st.sampled_from(USER_TASKS), max_size=2),
           after=st.lists(st.sampled_from(["returned", "lawful"]), max_size=3))
    def run(before, target, overrides, after):
        procedure = engine.procedures.start(v1.key, "随机迁移", "dev_reform", people.sponsor)
        for outcome in before:
            _act(engine, people, engine.procedures.get(procedure.id).open_items[0], outcome)
        plan = {"key": v1.key, "source_version": v1.version, "target_version": versions[target],
                "procedures": [procedure.id], "mapping": overrides}
        try:
            report, = engine.migration.check(people.reviewer, plan)
        except errors.MigrationPlanInvalid:
            return  # a mapping onto an element the target lacks: refused before any proof
        view = migrate(engine, people, plan)
        assert view.results[0].migrated == report.lawful, (report.text("en"), view.results[0])
        outcomes = iter([*after, *["lawful"] * 6])
        for _ in range(10):
            items = engine.procedures.get(procedure.id).open_items
            if not items:
                break
            _act(engine, people, items[0], next(outcomes))
        assert engine.procedures.get(procedure.id).status == "completed"
        assert _md_25b_holds(engine, procedure.id), [e.payload.get("step") for e in engine.history.events(procedure.id)]
        clean(engine, procedure.id)

    run()


def test_df_migrate_cli_plan_check_apply_with_four_eyes(engine, people, v1, tmp_path, db_url):
    from click.testing import CliRunner

    from engine.cli import cli

    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    deploy(engine, tmp_path, LOOP, ordered, rename("review", "legality_review"))
    runner, plan = CliRunner(), tmp_path / "plan.json"
    db = ["--database", db_url]
    result = runner.invoke(cli, ["migrate", "plan", v1.key, "--from", "1", "--to", "2", "--by", "liu_yang",
                                 "--out", str(plan), *db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["migrate", "check", str(plan), "--by", "liu_yang", *db])
    assert result.exit_code == 1 and "DF-MIGRATE-POSITION" in result.output and "不能迁移" in result.output
    result = runner.invoke(cli, ["migrate", "plan", v1.key, "--from", "1", "--to", "2", "--map",
                                 "review=legality_review", "--by", "liu_yang", "--out", str(plan), *db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["migrate", "check", str(plan), "--by", "liu_yang", "--lang", "both", *db])
    assert result.exit_code == 0 and "可以依法迁移" in result.output and "may migrate" in result.output
    result = runner.invoke(cli, ["migrate", "apply", str(plan), "--by", "liu_yang", "--reason", "新规定施行", *db])
    assert result.exit_code == 0 and "proposal 1" in result.output, result.output
    result = runner.invoke(cli, ["migrate", "apply", "--approve", "1", "--by", "liu_yang", *db])
    assert result.exit_code == 1 and "另一人" in result.output
    result = runner.invoke(cli, ["migrate", "apply", "--approve", "1", "--by", "chen_jing", *db])
    assert result.exit_code == 0 and f"procedure {procedure.id}: migrated" in result.output, result.output
    assert engine.procedures.get(procedure.id).definition_version == 2
    assert runner.invoke(cli, ["verify", "--full", *db]).exit_code == 0


def test_df_migrate_steps_a_step_named_to_redo_leaves_the_board_until_done_again(engine, people, v1, tmp_path):
    from engine.domain import stages

    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "returned"})
    deploy(engine, tmp_path, LOOP, ordered, rename("deliberation", "deliberation", "集体讨论决定（新）"))
    plan = plan_of(v1.key, procedure.id, redo={"review": "审查标准已修订，须按新标准重新审查"})
    report, = engine.migration.check(people.reviewer, plan)
    assert report.lawful and "审查标准已修订" in report.text("zh")
    assert migrate(engine, people, plan).results[0].migrated
    record = engine.record.procedure(people.organ, procedure.id)
    assert [s.spec for s in stages.counted(record.steps, record.events)] == ["draft"]
    moved, = stages.migrations(record.events)
    assert (moved.from_version, moved.to_version) == (1, 2)
    assert moved.redo == {"review": "审查标准已修订，须按新标准重新审查"}
    clean(engine, procedure.id)


def test_df_integrity_a_proposal_s_row_is_rebuilt_from_the_administration_log(engine, people, v1, tmp_path):
    """Changing a pending proposal's proposer in the database (so that its proposer could approve it alone)
    is found by verify, naming the row, column and log entry; the approved proposal verifies clean."""
    from sqlalchemy import text

    from engine.integrity import check

    procedure = engine.procedures.start(v1.key, "县城公交线网优化调整", "dev_reform", people.sponsor)
    deploy(engine, tmp_path, LOOP, ordered, rename("deliberation", "deliberation", "集体讨论决定（新）"))
    proposal = engine.migration.propose(people.reviewer, plan_of(v1.key, procedure.id), "新规定")

    def findings() -> list:
        with engine.db.connect() as connection:
            return [f for f in check.verify(connection) if f.table == "migration_proposals"]

    assert findings() == []
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE migration_proposals SET proposed_by = :who WHERE id = :id"),
                           {"who": people.organ.username, "id": proposal.id})
    [found] = findings()
    assert (found.kind, found.key, found.field, found.expected, found.actual) == (
        "differs", str(proposal.id), "proposed_by", people.reviewer.username, people.organ.username)
    assert found.seq is not None and "migration_proposals" in found.zh
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE migration_proposals SET proposed_by = :who WHERE id = :id"),
                           {"who": people.reviewer.username, "id": proposal.id})
    engine.migration.approve(people.organ, proposal.id)
    assert findings() == []

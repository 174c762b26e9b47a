"""Order: only a READY step completes; nothing is skipped, repeated or done out of turn.

Every refusal is checked for its rule id and for leaving state and history untouched.
"""

from __future__ import annotations

import pytest

from engine.domain.errors import ProcedureEnded, StepAlreadyCompleted, StepNotReady, TaskNotFound, VersionConflict
from engine.services.views import ProcedureView
from tests.conftest import DRAFT, People
from tests.helpers import fingerprint, stored_task_id


def spiff_task_id(engine, procedure_id: int, spec: str, state: str) -> str:
    """The SpiffWorkflow id of a task in a given state, read from the stored workflow."""
    return stored_task_id(engine, procedure_id, spec, lambda name: name == state)


@pytest.fixture
def started(engine, people: People, review_loop: str) -> ProcedureView:
    return engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)


def test_md39_future_step_cannot_be_completed(engine, people, started):
    review = spiff_task_id(engine, started.id, "review", "FUTURE")
    before = fingerprint(engine)
    with pytest.raises(StepNotReady) as refused:  # the decision organ sees every procedure (DF-VIEW)
        engine.tasks.complete(review, people.organ, {"outcome": "lawful"}, procedure_id=started.id)
    assert refused.value.rule == "MD-39"
    assert "FUTURE" in str(refused.value)
    assert fingerprint(engine) == before


def test_md39_future_step_names_the_open_steps_the_procedure_waits_on(engine, people, started):
    """No statute rule names a missing step here (the test definition declares none): the refusal
    names the step the procedure waits on now, in both languages."""
    review = spiff_task_id(engine, started.id, "review", "FUTURE")
    with pytest.raises(StepNotReady) as refused:
        engine.tasks.complete(review, people.organ, {"outcome": "lawful"}, procedure_id=started.id)
    waiting = refused.value.context["waiting_for"]
    assert [w["step_kind"] for w in waiting] == ["drafting"]
    draft_title = waiting[0]["title"]
    assert f"“{draft_title}”" in refused.value.message("zh_CN") and "正在等待" in refused.value.message("zh_CN")
    assert f"waits on {draft_title} [drafting]" in refused.value.message("en")


def test_df_view_future_step_to_a_caller_who_may_not_see_the_procedure_is_not_found(engine, people, started):
    review = spiff_task_id(engine, started.id, "review", "FUTURE")
    before = fingerprint(engine)
    for caller in (people.reviewer, people.outsider):  # no step of theirs is open in it yet; another unit
        with pytest.raises(TaskNotFound) as refused:
            engine.tasks.complete(review, caller, {"outcome": "lawful"}, procedure_id=started.id)
        assert refused.value.rule == "DF-NOT-FOUND" and "waiting_for" not in refused.value.context
    assert fingerprint(engine) == before


def test_md39_step_id_unknown_without_procedure_is_not_found(engine, people, started):
    review = spiff_task_id(engine, started.id, "review", "FUTURE")
    before = fingerprint(engine)
    with pytest.raises(TaskNotFound) as refused:
        engine.tasks.complete(review, people.reviewer, {"outcome": "lawful"})
    assert refused.value.rule == "DF-NOT-FOUND"
    assert fingerprint(engine) == before


def test_md33b_completed_step_cannot_be_done_again(engine, people, started):
    draft = started.task("draft")
    engine.tasks.complete(draft, people.sponsor, DRAFT)
    before = fingerprint(engine)
    with pytest.raises(StepAlreadyCompleted) as refused:
        engine.tasks.complete(draft, people.sponsor, {**DRAFT, "summary": "改写"})
    assert refused.value.rule == "MD-33b"
    with pytest.raises(StepAlreadyCompleted):
        engine.tasks.complete(draft, people.sponsor, DRAFT, procedure_id=started.id)
    assert fingerprint(engine) == before


def test_md39_automatic_completed_gateway_is_refused(engine, people, started):
    step = engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "lawful"})
    gateway = spiff_task_id(engine, started.id, "review_outcome", "COMPLETED")
    before = fingerprint(engine)
    with pytest.raises(StepAlreadyCompleted):
        engine.tasks.complete(gateway, people.reviewer, {"outcome": "returned"}, procedure_id=started.id)
    assert fingerprint(engine) == before


def test_step_of_another_procedure_is_refused(engine, people, started, review_loop):
    other = engine.procedures.start(review_loop, "另一项决策", "dev_reform", people.sponsor)
    before = fingerprint(engine)
    with pytest.raises(TaskNotFound):
        engine.tasks.complete(other.task("draft"), people.sponsor, DRAFT, procedure_id=started.id)
    assert fingerprint(engine) == before


def test_unknown_task_id_is_not_found(engine, people, started):
    before = fingerprint(engine)
    for bogus in ("00000000-0000-0000-0000-000000000000", "not-a-uuid", ""):
        with pytest.raises(TaskNotFound):
            engine.tasks.complete(bogus, people.sponsor, DRAFT)
        with pytest.raises(TaskNotFound):
            engine.tasks.complete(bogus, people.sponsor, DRAFT, procedure_id=started.id)
    assert fingerprint(engine) == before


def test_stale_version_is_a_conflict(engine, people, started):
    before = fingerprint(engine)
    with pytest.raises(VersionConflict) as refused:
        engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT, expected_version=started.version + 5)
    assert refused.value.rule == "DF-CONFLICT"
    assert fingerprint(engine) == before
    engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT, expected_version=started.version)


def test_full_path_with_return_loop_completes(engine, people, started):
    step = engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "returned"})
    step = engine.tasks.complete(step.task("supplement"), people.sponsor, {**DRAFT, "basis_count": 4})
    step = engine.tasks.complete(step.task("review"), people.reviewer2, {"outcome": "lawful"})
    step = engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    assert step.status == "completed" and step.ready == {}
    procedure = engine.procedures.get(started.id)
    assert procedure.status == "completed" and procedure.ended_at is not None
    kinds = [e.kind for e in engine.history.events(started.id)]
    assert kinds == ["procedure_started"] + ["task_completed"] * 5
    assert engine.history.verify(started.id).ok


def test_ended_procedure_accepts_nothing(engine, people, started):
    engine.procedures.withdraw(started.id, people.organ, "决策事项已由上级统一部署")
    before = fingerprint(engine)
    with pytest.raises(ProcedureEnded) as refused:
        engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    assert refused.value.rule == "MD-33b"
    assert fingerprint(engine) == before


def test_gateway_that_cannot_decide_refuses_the_step_and_changes_nothing(engine, people, started):
    from engine.domain.errors import ExpressionFailed

    step = engine.tasks.complete(started.task("draft"), people.sponsor, DRAFT)
    # the review form requires `outcome`; a v1 definition whose form forgot it must still not half-advance
    from engine.bpmn.runtime import complete as run_task
    from engine.persistence.tables import Procedure
    from engine.services.definitions import load_compiled

    uow = engine.uow()
    with uow:
        procedure = uow.session.get(Procedure, started.id)
        compiled = load_compiled(uow, procedure.definition_id)
        workflow = compiled.serializer.load(procedure.state)
    task = next(t for t in workflow.get_tasks() if str(t.id) == step.task("review"))
    with pytest.raises(ExpressionFailed) as refused:
        run_task(workflow, task, {"opinion": "no outcome given"}, engine.clock.now())
    assert refused.value.rule == "DF-EXPRESSION" and refused.value.context["element"] == "review_outcome"

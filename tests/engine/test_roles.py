"""Roles and separation of duties: lanes map to roles; the sponsor never reviews itself."""

from __future__ import annotations

import pytest

from engine.domain.errors import (
    NotAssignee,
    RoleRequired,
    SameActorBarred,
    SponsorMayNotReview,
    StartForbidden,
    StartInvalid,
    WithdrawForbidden,
    WithdrawInvalid,
)
from tests.conftest import DRAFT, People
from tests.helpers import fingerprint


@pytest.fixture
def at_review(engine, people: People, review_loop: str):
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    return procedure, step.task("review")


def test_wrong_role_is_refused(engine, people, at_review):
    _procedure, review = at_review
    before = fingerprint(engine)
    with pytest.raises(RoleRequired) as refused:
        engine.tasks.complete(review, people.secretary, {"outcome": "lawful"})
    assert refused.value.rule == "DF-ROLE"
    assert refused.value.context["role"] == "legality_reviewer"
    assert fingerprint(engine) == before


def test_sponsor_lane_is_bound_to_the_sponsoring_organisation(engine, people, review_loop):
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    before = fingerprint(engine)
    with pytest.raises(RoleRequired):  # a sponsor, but of another unit
        engine.tasks.complete(procedure.task("draft"), people.outsider, DRAFT)
    assert fingerprint(engine) == before
    engine.tasks.complete(procedure.task("draft"), people.sponsor_colleague, DRAFT)


def test_md25a_sponsor_organisation_cannot_do_legality_review(engine, people, at_review):
    _procedure, review = at_review
    before = fingerprint(engine)
    with pytest.raises(SponsorMayNotReview) as refused:
        engine.tasks.complete(review, people.sponsor_lawyer, {"outcome": "lawful"})
    assert refused.value.rule == "MD-25a"
    assert "第二十五条" in refused.value.article
    with pytest.raises(SponsorMayNotReview):
        engine.tasks.claim(review, people.sponsor_lawyer)
    assert fingerprint(engine) == before


def test_md25a_drafter_cannot_review_even_after_moving_to_review_office(engine, people, review_loop):
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    moved = engine.people.ensure_user("zhang_wei", "justice", ["legality_reviewer"])
    with pytest.raises(SameActorBarred):
        engine.tasks.complete(step.task("review"), moved, {"outcome": "lawful"})


def test_claimed_step_is_done_only_by_its_assignee(engine, people, at_review):
    _procedure, review = at_review
    engine.tasks.claim(review, people.reviewer)
    assert [i.task_id for i in engine.tasks.inbox(people.reviewer2)] == []
    before = fingerprint(engine)
    with pytest.raises(NotAssignee) as refused:
        engine.tasks.complete(review, people.reviewer2, {"outcome": "lawful"})
    assert refused.value.rule == "DF-ASSIGNEE"
    with pytest.raises(NotAssignee):
        engine.tasks.claim(review, people.reviewer2)
    assert fingerprint(engine) == before
    engine.tasks.complete(review, people.reviewer, {"outcome": "lawful"})


def test_inbox_lists_only_steps_of_the_users_roles_and_organisation(engine, people, at_review):
    _procedure, review = at_review
    assert [i.task_id for i in engine.tasks.inbox(people.reviewer)] == [review]
    assert engine.tasks.inbox(people.sponsor) == []
    assert engine.tasks.inbox(people.secretary) == []


def test_only_a_sponsor_of_the_unit_starts_a_procedure(engine, people, review_loop):
    before = fingerprint(engine)
    with pytest.raises(StartForbidden) as forbidden:  # not a sponsor: refused before the input is read
        engine.procedures.start(review_loop, "   ", "dev_reform", people.reviewer)
    assert forbidden.value.rule == "DF-START"
    with pytest.raises(StartInvalid) as refused:
        engine.procedures.start(review_loop, "题目", "dev_reform", people.outsider)
    assert refused.value.field == "sponsor_org"
    with pytest.raises(StartInvalid) as refused:
        engine.procedures.start(review_loop, "   ", "dev_reform", people.sponsor)
    assert refused.value.field == "title"
    assert fingerprint(engine) == before


def test_only_the_decision_organ_withdraws_with_a_reason(engine, people, at_review):
    procedure, _ = at_review
    before = fingerprint(engine)
    with pytest.raises(WithdrawForbidden):
        engine.procedures.withdraw(procedure.id, people.sponsor, "不再需要")
    with pytest.raises(WithdrawInvalid) as refused:
        engine.procedures.withdraw(procedure.id, people.organ, "  ")
    assert refused.value.field == "reason"
    assert fingerprint(engine) == before
    view = engine.procedures.withdraw(procedure.id, people.organ, "上级已统一部署，本级不再决策")
    assert view.status == "withdrawn" and view.open_items == ()
    last = engine.history.events(procedure.id)[-1]
    assert last.kind == "procedure_withdrawn" and last.payload["reason"].startswith("上级")

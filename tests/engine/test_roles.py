"""Roles and separation of duties: lanes map to roles; the sponsor never reviews itself."""

from __future__ import annotations

import pytest

from engine.domain import duties, rules
from engine.domain.actors import Actor
from engine.domain.errors import (
    AccountInvalid,
    AuthorMayNotReview,
    DrafterMayNotReview,
    InvestigatorMayNotReview,
    NotAssignee,
    RespondentMayNotHear,
    RoleRequired,
    SponsorMayNotReview,
    StartForbidden,
    StartInvalid,
    WithdrawForbidden,
    WithdrawInvalid,
)
from tests.conftest import DRAFT, People
from tests.helpers import fingerprint, refused


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
    with pytest.raises(AuthorMayNotReview):
        engine.tasks.complete(step.task("review"), moved, {"outcome": "lawful"})


def test_md25a_a_drafter_holding_both_roles_may_neither_open_claim_nor_complete_the_review(engine, people,
                                                                                       review_loop):
    """One person, both roles (sponsor and legality_reviewer), now in the review office: the review of the
    draft they wrote is barred at every door, by the rule, its article, the earlier step and the person."""
    drafted = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    review = engine.tasks.complete(drafted.task("draft"), people.sponsor, DRAFT).task("review")
    both = engine.people.ensure_user("zhang_wei", "justice", ["sponsor", "legality_reviewer"])
    assert both.user_id == people.sponsor.user_id
    claim = refused(engine, AuthorMayNotReview, "MD-25a", engine.tasks.claim, review, both)
    assert "第二十五条" in claim.article
    assert claim.context["other_step"] == "Draft the decision" and claim.context["other_kind"] == "drafting"
    assert "zhang_wei" in claim.message("en") and "Draft the decision" in claim.message("en")
    assert "zhang_wei" in claim.message() and "同一人员" in claim.message() and "合法性审查" in claim.message()
    refused(engine, AuthorMayNotReview, "MD-25a", engine.tasks.item, review, both)
    refused(engine, AuthorMayNotReview, "MD-25a", engine.tasks.complete, review, both, {"outcome": "lawful"})

    other = engine.procedures.start(review_loop, "县城停车收费调整", "dev_reform", people.sponsor_colleague)
    elsewhere = engine.tasks.complete(other.task("draft"), people.sponsor_colleague, DRAFT).task("review")
    engine.tasks.claim(elsewhere, both)  # a procedure they did not draft: the same person may review it
    assert engine.tasks.complete(elsewhere, both, {"outcome": "lawful"}).status == "running"


def test_md25a_the_claim_is_refused_before_anything_is_assigned(engine, people, review_loop):
    drafted = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    review = engine.tasks.complete(drafted.task("draft"), people.sponsor, DRAFT).task("review")
    both = engine.people.ensure_user("zhang_wei", "justice", ["sponsor", "legality_reviewer"])
    refused(engine, AuthorMayNotReview, "MD-25a", engine.tasks.claim, review, both)
    item = next(i for i in engine.procedures.get(drafted.id).open_items if i.task_id == review)
    assert item.assignee is None  # nobody holds the step: a colleague may still claim it
    engine.tasks.claim(review, people.reviewer)


def test_df_hardening_usernames_are_stored_canonical_so_case_and_white_space_make_no_second_person(engine, people):
    again = engine.people.ensure_user("  Zhang_Wei ", "justice", ["sponsor", "legality_reviewer"])
    assert (again.user_id, again.username) == (people.sponsor.user_id, "zhang_wei")
    admin = engine.people.ensure_user("root_admin", "gov_office", ["admin"])
    before = fingerprint(engine)
    with pytest.raises(AccountInvalid) as invalid:
        engine.accounts.create_user(admin, "Zhang_Wei", "张伟", "justice", ["legality_reviewer"], "h")
    assert invalid.value.field == "username"
    assert fingerprint(engine) == before


@pytest.mark.parametrize("recorded", ["Zhang_Wei", " zhang_wei ", "ＺＨＡＮＧ＿ＷＥＩ"])
def test_md25a_a_recorded_username_in_another_case_or_padded_is_the_same_person(recorded):
    """Whatever an older row or another door recorded, the person is compared by account, canonically."""
    review = rules.StepRef("t1", 1, "review", "Legality review", "legality_review", "legality_reviewer",
                           None, rules.OPEN, None)
    me = Actor(7, "zhang_wei", "justice", frozenset({"legality_reviewer"}))
    with pytest.raises(AuthorMayNotReview):
        rules.require_separation(review, me, "dev_reform", [rules.Done("drafting", "Draft", recorded, None)])
    with pytest.raises(AuthorMayNotReview):  # the same account under a name since changed
        rules.require_separation(review, me, "dev_reform", [rules.Done("revision", "Revise", "zw_old", 7)])
    rules.require_separation(review, me, "dev_reform", [rules.Done("drafting", "Draft", "li_na", 8)])


@pytest.mark.parametrize(("kind", "earlier", "error"), [
    ("drafting", "legality_review", AuthorMayNotReview),  # the reviewer does not go on to write the draft
    ("enforcement_supplement", "enforcement_legal_review", InvestigatorMayNotReview),
    ("nd_revision", "nd_legality_review", DrafterMayNotReview),
    ("case_review", "respondent_reply", RespondentMayNotHear),
    ("respondent_reply", "reconsideration_decision", RespondentMayNotHear),
])
def test_df_hardening_separated_steps_are_kept_apart_both_ways(kind, earlier, error):
    step = rules.StepRef("t1", 1, kind, kind, kind, "any", None, rules.OPEN, None)
    me = Actor(7, "sun_both", "org", frozenset({"any"}))
    with pytest.raises(error) as caught:
        rules.require_separation(step, me, "sponsor_org", [rules.Done(earlier, earlier, "sun_both", 7)])
    assert caught.value.context["other_kind"] == earlier and caught.value.context["step_kind"] == kind
    assert "sun_both" in caught.value.message("en") and "sun_both" in caught.value.message()


def test_df_hardening_each_statute_declares_its_separations_once_with_a_rule_of_the_rulebook():
    from engine.bpmn.profiles import PROFILES
    from engine.domain.rulebook import rule
    from tests.statute import TEST_STATUTES
    assert set(duties.DUTIES) == set(PROFILES) - TEST_STATUTES  # the tests' own statutes are not statutes of the law
    for declared in duties.DUTIES.values():
        for duty in declared:
            assert rule(duty.rule).article
    assert duties.earlier_kinds("legality_review") == ("drafting", "review_submission", "revision", "supplement")
    assert duties.earlier_kinds("deliberation") == ()


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

"""Administrative normative documents (ND-1 to ND-8, ND-11), driven through the engine's services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from engine import deadlines
from engine.clock import CST
from engine.deadlines import last_day
from engine.domain import errors
from engine.domain.actors import Actor
from engine.services.definitions import read_bundle
from engine.statutes import guards
from tests.helpers import refused
from tests.processes.md_scenario import pdf
from tests.processes.walk import Walk

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "normative_document.bpmn"
QUALIFIED = {"within_powers": True, "affects_rights_obligations": True, "generally_binding": True,
             "repeatedly_applicable": True, "to_be_published": True}
CLEAN = {"creates_licence": False, "creates_penalty": False, "creates_compulsion": False, "creates_fee": False,
         "adds_obligations": False, "reduces_rights": False}
NUMBER = "示范府规〔2026〕3号"


class Document(Walk):
    def today(self):
        return deadlines.workdays.local_date(self.clock.now()).isoformat()

    def draft(self, who="drafter", **over):
        data = {"document_title": "示范县促进个体工商户发展若干措施",
                "legal_basis": [{"instrument": "《促进个体工商户发展条例》", "article": "第五条"}],
                **QUALIFIED, **over}
        self.do("drafting", who, {k: v for k, v in data.items() if v is not None},
                {"draft": pdf("文件草案"), "drafting_statement": pdf("起草说明")})

    def comment(self, start, end):
        self.do("comment", "drafter", {"start_date": start, "end_date": end, "channels": ["website"]},
                {"notice": pdf("征求意见公告")})

    def close_comment(self, on):
        self.clock.set(on)
        self.wake()

    def submit(self, who="drafter"):
        self.do("submission", who, {"comment_summary": "无需公开征求意见"}, {"draft": pdf("文件送审稿")})

    def review(self, outcome="lawful", who="reviewer", **over):
        data = {"outcome": outcome, **CLEAN, "opinion": "主体、权限、程序、内容合法",
                "expedited_reason": "文件篇幅短、内容单一，已充分审核", **over}
        self.do("legality_review", who, {k: v for k, v in data.items() if v is not None},
                {"opinion_document": pdf("合法性审核意见书")})

    def revise(self):
        self.do("revision", "drafter", {"response": "已按审核意见删除罚款条款"}, {"revised_draft": pdf("修改稿")})

    def collective(self, **over):
        data = {"meeting_type": "standing", "meeting_date": self.today(), "meeting_outcome": "adopt", **over}
        self.do("collective_review", "head", data, {"minutes": pdf("常务会议纪要")})

    def sign(self, who="head"):
        self.do("signing", who, {"signed_on": self.today()}, {"signed_document": pdf("签发稿")})

    def register(self, number=NUMBER):
        self.do("registration", "clerk", {"registration_number": number, "registered_on": self.today()})

    def publish(self, **over):
        data = {"published_on": self.today(), "channels": ["gazette", "website"], "effective_from": "2026-12-01",
                "valid_until": "2031-11-30", **over}
        self.do("publication", "clerk", data, {"published_document": pdf("印发文件")})

    def file(self, key):
        self.do(f"filing_{key}", "clerk", {"filed_with": key, "filed_on": self.today()},
                {"receipt": pdf("备案回执")})

    def evaluate(self, decision, **over):
        self.do("validity_evaluation", "drafter", {"validity_decision": decision, **over},
                {"evaluation_report": pdf("评估报告")})

    def to_collective_review(self, **draft):
        self.draft(**draft)
        self.submit()
        self.review()

    def to_publication(self, **draft):
        self.to_collective_review(**draft)
        self.collective()
        self.sign()
        self.register()


@pytest.fixture
def nd(engine, clock) -> Document:
    engine.definitions.deploy(*read_bundle(PROCESS), "test")
    p = engine.people
    for code in ("county_market", "county_justice", "county_gov", "county_office"):
        p.ensure_organisation(code, code)
    people = {"drafter": p.ensure_user("zhang_draft", "county_market", ["sponsor"]),
              "both": p.ensure_user("li_both", "county_market", ["sponsor", "legality_reviewer"]),
              "reviewer": p.ensure_user("liu_review", "county_justice", ["legality_reviewer"]),
              "head": p.ensure_user("sun_head", "county_gov", ["head"]),
              "clerk": p.ensure_user("zhao_clerk", "county_office", ["gov_office"])}
    view = engine.procedures.start("normative_document", "示范县促进个体工商户发展若干措施", "county_market",
                                   people["drafter"])
    return Document.of(engine, people, view)


def test_nd_main_journey_from_drafting_to_both_filings(nd):
    nd.to_publication()
    nd.publish()
    assert nd.open() == {"filing_government", "filing_npc"}
    nd.file("government")
    nd.file("npc")
    assert nd.open() == set()  # in force: the procedure waits for the evaluation before expiry (ND-8)
    nd.close_comment(datetime(2031, 5, 30, 9, 0, tzinfo=CST))
    assert nd.open() == {"validity_evaluation"}
    nd.evaluate("repeal")
    assert nd.engine.procedures.get(nd.procedure_id).status == "completed"
    assert nd.derived()["document_status"] == "repeal"
    assert nd.engine.history.verify(nd.procedure_id).ok


def test_nd1_skipped_qualification_checklist_refuses_drafting(nd):
    error = refused(nd.engine, errors.QualificationUnconfirmed, "ND-1", nd.draft, generally_binding=None)
    assert "具有普遍约束力" in error.message()
    refused(nd.engine, errors.QualificationUnconfirmed, "ND-1", nd.draft, repeatedly_applicable=False)
    nd.draft()
    assert nd.open() == {"submission"}


def test_nd2_a_document_creating_a_penalty_cannot_be_found_lawful(nd):
    nd.draft()
    nd.submit()
    error = refused(nd.engine, errors.ContentBeyondPowers, "ND-2", nd.review, creates_penalty=True)
    assert "设定行政处罚" in error.message()
    nd.review("unlawful", creates_penalty=True)
    assert nd.open() == {"revision"}


def test_nd3_market_document_closed_after_ten_days_is_refused(nd, clock):
    nd.draft(market_entities_affected=True)
    assert nd.open() == {"comment"}
    refused(nd.engine, errors.DocumentCommentTooShort, "ND-3", nd.comment, "2026-11-02", "2026-11-12")
    nd.comment("2026-11-02", "2026-12-02")
    assert nd.open() == set()
    nd.close_comment(datetime(2026, 12, 2, 18, 0, tzinfo=CST))
    assert nd.open() == set()  # the window is still open on its last day
    nd.close_comment(datetime(2026, 12, 3, 9, 0, tzinfo=CST))
    assert nd.open() == {"submission"}


def test_nd3_other_documents_of_major_effect_get_at_least_seven_working_days(nd):
    nd.draft(major_effect=True)
    refused(nd.engine, errors.DocumentCommentTooShort, "ND-3", nd.comment, "2026-11-02", "2026-11-10")
    nd.comment("2026-11-02", "2026-11-11")  # 7 working days
    nd.close_comment(datetime(2026, 11, 12, 9, 0, tzinfo=CST))
    assert nd.open() == {"submission"}


def test_nd4_the_drafter_never_reviews_and_review_is_due_in_fifteen_working_days(nd):
    nd.draft(who="both")
    nd.submit()
    assert last_day(nd.item("legality_review").due_at) == date(2026, 11, 23)
    task = next(iter(nd.ready))
    refused(nd.engine, errors.DrafterMayNotReview, "ND-4", nd.engine.tasks.claim, task, nd.people["both"])
    refused(nd.engine, errors.DrafterMayNotReview, "ND-4", nd.review, who="both")


def test_nd4_who_submitted_a_document_may_not_review_it_but_may_review_another_they_did_not_draft(nd):
    nd.draft()
    nd.submit(who="both")  # holds sponsor and legality_reviewer: one person, both roles
    task = next(iter(nd.ready))
    caught = refused(nd.engine, errors.DrafterMayNotReview, "ND-4", nd.engine.tasks.claim, task, nd.people["both"])
    assert caught.context["other_kind"] == "nd_review_submission" and "li_both" in caught.message()
    refused(nd.engine, errors.DrafterMayNotReview, "ND-4", nd.review, who="both")
    view = nd.engine.procedures.start("normative_document", "示范县优化营商环境若干措施", "county_market",
                                      nd.people["drafter"])
    other = Document.of(nd.engine, nd.people, view)
    other.draft()
    other.submit()
    nd.engine.tasks.claim(next(iter(other.ready)), nd.people["both"])
    other.review(who="both")
    assert other.open() == {"collective_review"}


@pytest.mark.parametrize(("day", "reason", "expedited"), [(6, "文件篇幅短、内容单一，已充分审核", True),
                                                         (9, None, False)])
def test_nd4_a_review_shorter_than_five_working_days_states_why(nd, day, reason, expedited):
    nd.draft()
    nd.submit()  # Monday 11-02: the fifth working day after it is 11-09
    nd.clock.set(datetime(2026, 11, 6, 10, 0, tzinfo=CST))
    error = refused(nd.engine, errors.ReviewTooShort, "ND-4", nd.review, expedited_reason=None)
    assert (error.field, error.context["earliest"]) == ("expedited_reason", "2026-11-09")
    nd.clock.set(datetime(2026, 11, day, 10, 0, tzinfo=CST))
    nd.review(expedited_reason=reason)
    assert nd.derived()["review_expedited"] is expedited


def test_nd4_collective_review_needs_a_lawful_opinion_on_the_current_draft(nd):
    nd.draft()
    nd.submit()
    nd.review("amend")
    assert nd.open() == {"revision"}
    nd.revise()
    assert nd.open() == {"legality_review"}  # a changed draft is reviewed afresh
    nd.review()
    assert nd.open() == {"collective_review"}


@pytest.mark.parametrize("before", [
    {"review_outcome": "pending"},
    {"review_outcome": "unlawful"},
    {"review_outcome": "lawful", "reviewed_draft_sha256": "a" * 64, "current_draft_sha256": "b" * 64},
])
def test_nd4_the_collective_review_guard_refuses_without_a_lawful_review(before):
    context = guards.Context({"meeting_type": "standing", "meeting_outcome": "adopt"}, before,
                             datetime(2026, 11, 2, 9, tzinfo=CST))
    with pytest.raises(errors.DocumentNotReviewedLawful) as caught:
        guards.run("normative_document", "nd_collective_review", context)
    assert caught.value.rule == "ND-4"


def test_nd5_collective_review_at_a_meeting_and_signature_by_the_principal_head(nd):
    nd.to_collective_review()
    refused(nd.engine, errors.NotALeadershipMeeting, "ND-5", nd.collective, meeting_type="circulation")
    nd.collective()
    refused(nd.engine, errors.RoleRequired, "DF-ROLE", nd.sign, who="clerk")
    context = guards.Context({"signed_on": "2026-11-02"}, {"collective_adopted": True},
                             datetime(2026, 11, 2, 9, tzinfo=CST),
                             actor=Actor(99, "deputy", "county_gov", frozenset({"meeting_member"})))
    with pytest.raises(errors.NotPrincipalHead) as caught:
        guards.run("normative_document", "signing", context)
    assert caught.value.rule == "ND-5"
    nd.sign()
    assert nd.open() == {"registration"}


def test_nd6_issue_only_under_a_unified_number(nd):
    nd.to_collective_review()
    nd.collective()
    nd.sign()
    refused(nd.engine, errors.RegistrationNumberInvalid, "ND-6", nd.register, "2026年第3号")
    nd.register()
    assert nd.open() == {"publication"}
    error = refused(nd.engine, errors.DateTooLate, "DF-DATE", nd.publish, published_on="2026-11-03")
    # unpublished, no basis: the date is the day it was published, never ahead of today
    assert (error.field, error.context["latest"]) == ("published_on", "2026-11-02")
    context = guards.Context({"published_on": "2026-11-02", "effective_from": "2026-12-01",
                              "valid_until": "2031-11-30"}, {}, datetime(2026, 11, 2, 9, tzinfo=CST))
    with pytest.raises(errors.DocumentNotRegistered) as caught:
        guards.run("normative_document", "nd_publication", context)
    assert caught.value.rule == "ND-6"
    with pytest.raises(errors.DocumentNotAdopted):
        guards.run("normative_document", "registration",
                   guards.Context({"registration_number": NUMBER}, {}, datetime(2026, 11, 2, 9, tzinfo=CST)))


def test_nd7_filing_due_thirty_days_after_publication_and_day_31_is_overdue(nd, clock):
    nd.to_publication()
    nd.publish()
    for spec in ("filing_government", "filing_npc"):
        assert last_day(nd.item(spec).due_at) == date(2026, 12, 2)
    clock.set(datetime(2026, 12, 2, 17, 0, tzinfo=CST))
    assert deadlines.state(nd.item("filing_npc").due_at, clock.now()) != "overdue"
    nd.file("government")
    assert nd.derived()["filing_overdue"] is False
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=CST))  # day 31, no proof of receipt from the standing committee
    assert deadlines.state(nd.item("filing_npc").due_at, clock.now()) == "overdue"
    refused(nd.engine, errors.DateTooLate, "DF-DATE", nd.do, "filing_npc", "clerk",
            {"filed_with": "npc", "filed_on": "2026-12-04"}, {"receipt": pdf("备案回执")})  # not ahead of today
    nd.file("npc")
    assert nd.derived()["filing_overdue"] is True
    assert (nd.derived()["filing_npc_overdue"], nd.derived()["filed_with_npc"]) == (True, "2026-12-03")


def test_nd8_validity_of_six_years_is_refused(nd):
    nd.to_publication()
    refused(nd.engine, errors.ValidityTooLong, "ND-8", nd.publish, valid_until="2032-11-30")
    refused(nd.engine, errors.ValidityTooLong, "ND-8", nd.publish, trial=True, valid_until="2029-11-30")
    nd.publish(trial=True, valid_until="2028-11-30")
    assert nd.open() == {"filing_government", "filing_npc"}


def test_nd11_a_major_decision_document_still_requires_registration_and_filing(nd):
    refused(nd.engine, errors.MajorDecisionProcedureRequired, "ND-11", nd.draft, is_major_decision=True)
    nd.to_publication(is_major_decision=True, major_decision_procedure="重大行政决策第12号")
    nd.publish()
    assert nd.open() == {"filing_government", "filing_npc"}
    nd.file("government")
    nd.file("npc")
    kinds = [e.payload.get("step_kind") for e in nd.engine.history.events(nd.procedure_id)]
    assert "registration" in kinds and kinds.count("filing") == 2


def test_nd8_evaluation_six_months_before_expiry_renews_at_most_five_years_else_the_document_lapses(nd):
    nd.to_publication()
    nd.publish()
    nd.file("government")
    nd.file("npc")
    nd.close_comment(datetime(2031, 5, 29, 23, 0, tzinfo=CST))
    assert nd.open() == set()
    nd.close_comment(datetime(2031, 5, 30, 9, 0, tzinfo=CST))
    assert nd.open() == {"validity_evaluation"}
    assert last_day(nd.item("validity_evaluation").due_at) == date(2031, 11, 30)
    refused(nd.engine, errors.ValidityTooLong, "ND-8", nd.evaluate, "continue", new_valid_until="2036-12-01")
    nd.evaluate("continue", new_valid_until="2036-11-30")
    assert nd.derived()["evaluation_due_at"].startswith("2036-05-30")
    nd.close_comment(datetime(2036, 5, 30, 9, 0, tzinfo=CST))
    assert nd.open() == {"validity_evaluation"}
    nd.close_comment(datetime(2036, 12, 1, 0, 30, tzinfo=CST))  # nobody decided: lapsed the day after expiry
    procedure = nd.engine.procedures.get(nd.procedure_id)
    assert procedure.status == "completed" and not procedure.open_items
    assert "lapse" in str([e.payload for e in nd.engine.history.events(nd.procedure_id)[-3:]])


def test_nd6_nd8_the_registry_lists_registered_documents_with_validity_filing_and_status(nd, clock):
    assert nd.engine.registry.entries() == []
    nd.to_publication()
    [registered] = nd.engine.registry.entries()
    assert registered.number == NUMBER and registered.status == "not_yet_published"
    nd.publish()
    nd.file("government")
    [entry] = nd.engine.registry.entries()
    assert entry.status == "in_force" and entry.valid_until and entry.filed_government and entry.filed_npc is None
    _media, content = nd.engine.registry.document(nd.procedure_id, entry.document_sha256)
    assert content
    with pytest.raises(errors.DocumentNotFound):
        nd.engine.registry.document(nd.procedure_id, "0" * 64)
    clock.set(datetime.fromisoformat(entry.valid_until + "T12:00:00+08:00") + timedelta(days=1))
    assert nd.engine.registry.entries()[0].status == "expired"


def test_nd_2_a_normative_document_cites_the_instrument_and_article_it_rests_on(nd):
    error = refused(nd.engine, errors.NdLegalBasisInvalid, "ND-2", nd.draft,
                    legal_basis=[{"instrument": "无", "article": "第五条"}])
    assert error.field == "legal_basis.0.instrument"
    error = refused(nd.engine, errors.FormInvalid, "DF-FORM", nd.draft, legal_basis="《促进个体工商户发展条例》")
    assert (error.field or "").startswith("legal_basis")
    nd.draft()
    assert nd.open() == {"submission"}


def test_nd_6_a_registration_number_is_unique_across_procedures_compared_canonically(nd):
    nd.to_collective_review()
    nd.collective()
    nd.sign()
    nd.register()
    view = nd.engine.procedures.start("normative_document", "示范县另一份规范性文件", "county_market",
                                      nd.people["drafter"])
    other = Document.of(nd.engine, nd.people, view)
    other.to_collective_review()
    other.collective()
    other.sign()
    error = refused(other.engine, errors.RegistrationNumberTaken, "ND-6", other.register, "示范府规〔２０２６〕3号")
    assert (error.context["procedure"], error.field) == (nd.procedure_id, "registration_number")
    assert str(nd.procedure_id) in error.message() and "示范府规〔２０２６〕3号" in error.message()
    other.register("示范府规〔2026〕4号")
    assert other.open() == {"publication"}

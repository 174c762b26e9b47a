"""Legal review of major enforcement decisions (ER-1 to ER-9), driven through the engine's services."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from engine.clock import CST
from engine.deadlines import last_day
from engine.domain import errors
from engine.services.definitions import read_bundle
from engine.statutes import guards
from tests.helpers import refused
from tests.processes.md_scenario import pdf
from tests.processes.walk import Walk

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "enforcement_review.bpmn"
FINDINGS = {"finding_authority": "主体合法，未超越法定权限", "finding_qualification": "执法人员均持有执法证",
            "finding_procedure": "已履行告知、听证程序", "finding_facts": "违法事实清楚",
            "finding_evidence": "证据合法充分", "finding_law": "适用《食品安全法》第一百二十四条准确",
            "finding_discretion": "符合裁量基准", "finding_documents": "文书完备", "crime_transfer": "none"}
MATERIALS = {"proposed_decision": pdf("拟作出的行政处罚决定"), "review_report": pdf("送审报告"),
             "evidence_file": pdf("证据材料")}


class Review(Walk):
    def submit(self, docs=None, who="unit", **over):
        data = {"case_number": "市监罚〔2026〕18号", "case_type": "penalty", "party": "某食品有限公司",
                "fine_amount": 50000, "scope_grounds": ["major_rights", "after_hearing"],
                "investigators": ["zhao_inv", "qian_inv"], "truth_declaration": True, **over}
        self.do("submission", who, {k: v for k, v in data.items() if v is not None},
                MATERIALS if docs is None else docs)

    def review(self, opinion="agree", who="reviewer", docs=None, **over):
        data = {"opinion": opinion, **FINDINGS, **over}
        if opinion == "problems":
            data.setdefault("problems", "罚款数额超出裁量基准，建议按一般情节处理")
        self.do("legal_review", who, {k: v for k, v in data.items() if v is not None},
                {"opinion_document": pdf("法制审核意见书")} if docs is None else docs)

    def resubmit(self, docs=None, who="unit", **over):
        data = {"response": "已按审核意见调整罚款数额", "truth_declaration": True, **over}
        self.do("supplement", who, data, docs or {})

    def decide(self, who="head", **over):
        data = {"head_decision": "decide", "decision_number": "市监罚决〔2026〕18号", "decided_on": self.today(),
                **over}
        self.do("decision", who, data, {"decision_document": pdf("行政处罚决定书")})


HEADS = {"deputy_li": "副局长 李某", "deputy_jia": "副局长甲", "deputy_yi": "副局长乙"}


@pytest.fixture
def er(engine) -> Review:
    engine.definitions.deploy(*read_bundle(PROCESS), "test")
    p = engine.people
    for code in ("market_enforcement", "market_legal", "market_bureau"):
        p.ensure_organisation(code, code)
    people = {"unit": p.ensure_user("zhao_inv", "market_enforcement", ["sponsor", "enforcement_unit"]),
              "reviewer": p.ensure_user("wu_legal", "market_legal", ["legal_office", "legal_professional"]),
              "new_reviewer": p.ensure_user("zheng_legal", "market_legal", ["legal_office"]),
              "inv_reviewer": p.ensure_user("qian_inv", "market_legal", ["legal_office", "legal_professional"]),
              "both": p.ensure_user("sun_both", "market_enforcement",
                                    ["sponsor", "enforcement_unit", "legal_office", "legal_professional"]),
              "head": p.ensure_user("director", "market_bureau", ["enforcement_head"], "局长 王某")}
    for username, name in HEADS.items():  # the bureau's other heads, by the registry (ER-8)
        p.ensure_user(username, "market_bureau", ["enforcement_head"], name)
    view = engine.procedures.start("enforcement_review", "某食品有限公司违法生产案拟罚款决定法制审核",
                                   "market_enforcement", people["unit"])
    return Review.of(engine, people, view)


def test_er1_a_fine_over_the_catalogue_threshold_cannot_be_decided_without_review(er):
    refused(er.engine, errors.OutsideReviewScope, "ER-1", er.submit, scope_grounds=[], fine_amount=3000)
    er.submit(scope_grounds=[], fine_amount=200000)
    assert er.open() == {"legal_review"}
    assert er.engine.history.events(er.procedure_id)[-1].payload["derived"]["review_scope"] == ["catalogue"]


def test_er2_no_decision_without_an_agreeing_review_of_that_proposal(er):
    er.submit()
    er.review("problems")
    assert er.open() == {"supplement"}
    er.resubmit({"revised_proposed_decision": pdf("修改后的拟作出的行政处罚决定")})
    assert er.open() == {"legal_review"}
    er.review("agree")
    er.decide()
    procedure = er.engine.procedures.get(er.procedure_id)
    assert procedure.status == "completed"
    events = er.engine.history.events(er.procedure_id)
    revised = events[-3].payload["derived"]["current_submission_sha256"]
    assert events[-2].payload["derived"]["reviewed_submission_sha256"] == revised
    assert events[-1].payload["derived"]["decided_submission_sha256"] == revised


@pytest.mark.parametrize(("before", "error"), [
    ({"review_opinion": "problems"}, errors.NotReviewedAgree),
    ({"review_opinion": "pending"}, errors.NotReviewedAgree),
    ({"review_opinion": "agree", "reviewed_submission_sha256": "a" * 64, "current_submission_sha256": "b" * 64},
     errors.SubmissionChangedAfterReview),
])
def test_er2_the_decision_guard_refuses_without_agreement_on_the_exact_proposal(before, error):
    context = guards.Context({"head_decision": "decide"}, before, datetime(2026, 11, 2, 9, tzinfo=CST))
    with pytest.raises(error) as caught:
        guards.run("enforcement_review", "enforcement_decision", context)
    assert caught.value.rule == "ER-2"


def test_er2_collective_discussion_only_on_an_agreed_review(er):
    er.submit(heavy_penalty=True, heavy_penalty_basis="多次违法，拟吊销许可证")
    er.review("agree")
    assert er.open() == {"collective_discussion"}


def test_er3_the_submitting_investigator_may_not_claim_the_review(er):
    er.submit(who="both")
    task = next(iter(er.ready))
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.engine.tasks.claim, task, er.people["both"])
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.review, who="both")


def test_er3_a_reviewer_of_the_case_may_not_go_on_to_supplement_it_but_reviews_another_case(er):
    er.submit()
    er.review("problems", who="both")
    assert er.open() == {"supplement"}
    task = next(iter(er.ready))
    caught = refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.engine.tasks.claim, task,
                     er.people["both"])
    assert caught.context["other_kind"] == "enforcement_legal_review"
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.resubmit, who="both")


def test_er3_a_listed_investigator_typed_in_another_case_or_padded_is_still_the_investigator(er):
    er.submit(investigators=["zhao_inv", " Qian_Inv "])
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.review, who="inv_reviewer")
    er.review(who="reviewer")
    assert er.open() == {"decision"}


def test_er3_listed_investigators_and_unqualified_first_time_reviewers_may_not_review(er):
    er.submit()
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.review, who="inv_reviewer")
    refused(er.engine, errors.ReviewerUnqualified, "ER-3", er.review, who="new_reviewer")
    er.review(who="new_reviewer", reviewing_since="2015-03-01")
    assert er.open() == {"decision"}


def test_er4_missing_evidence_file_is_returned_for_supplement(er):
    er.submit({k: v for k, v in MATERIALS.items() if k != "evidence_file"}, hearing_held=True)
    error = refused(er.engine, errors.MaterialsIncomplete, "ER-4", er.review, "agree")
    assert "证据材料" in error.message() and "听证笔录" in error.message()
    er.review("supplement_requested", missing_materials="证据材料、听证笔录")
    assert er.open() == {"supplement"}
    assert last_day(er.item("supplement").due_at) == date(2026, 11, 5)  # 3 working days
    er.resubmit({"evidence_file": pdf("证据材料"), "hearing_record": pdf("听证笔录")})
    er.review("agree")
    assert er.open() == {"decision"}


def test_er5_opinion_missing_the_qualification_finding_is_refused(er):
    er.submit()
    error = refused(er.engine, errors.ReviewFindingMissing, "ER-5", er.review, finding_qualification=None)
    assert error.context["field"] == "finding_qualification"
    refused(er.engine, errors.ReviewFindingMissing, "ER-5", er.review, crime_transfer=None)


def test_er6_written_opinion_with_reasons_and_a_fresh_review_after_resubmission(er):
    er.submit()
    refused(er.engine, errors.OpinionNotWritten, "ER-6", er.review, docs={})
    refused(er.engine, errors.ProblemsUnreasoned, "ER-6", er.review, "problems", problems=None)
    er.review("problems")
    er.resubmit()
    assert er.open() == {"legal_review"}  # the earlier opinion does not carry over
    er.review("agree")
    er.do("decision", "head", {"head_decision": "return", "reason": "请补充说明当事人陈述申辩的采纳情况"})
    assert er.open() == {"supplement"}
    er.resubmit()
    assert er.open() == {"legal_review"}


def test_er5_a_suspected_crime_is_transferred_and_no_decision_follows(er):
    er.submit()
    refused(er.engine, errors.CrimeTransferMismatch, "ER-5", er.review, crime_transfer="transfer")
    refused(er.engine, errors.CrimeTransferMismatch, "ER-5", er.review, "transfer", problems="涉嫌生产有毒有害食品罪")
    refused(er.engine, errors.ProblemsUnreasoned, "ER-6", er.review, "transfer", crime_transfer="transfer")
    er.review("transfer", crime_transfer="transfer", problems="涉案金额达到刑事立案追诉标准，涉嫌生产有毒有害食品罪")
    assert er.open() == {"transfer"}
    transfer = {"transferred_to": "示范县公安局", "transferred_on": "2099-01-01"}
    docs = {"transfer_letter": pdf("涉嫌犯罪案件移送书")}
    error = refused(er.engine, errors.DateTooLate, "DF-DATE", er.do, "transfer", "head", transfer, docs)
    today = er.today()
    assert error.field == "transferred_on" and error.context["latest"] == today
    er.do("transfer", "head", {**transfer, "transferred_on": today}, docs)
    assert er.engine.procedures.get(er.procedure_id).status == "completed"
    steps = [e.payload.get("step") for e in er.engine.history.events(er.procedure_id) if e.kind == "task_completed"]
    assert steps == ["submission", "legal_review", "transfer"]  # no enforcement decision was recorded


def test_er6_an_objection_goes_to_the_heads_who_may_side_with_the_unit(er):
    er.submit()
    submitted = er.engine.history.events(er.procedure_id)[-1].payload["derived"]["current_submission_sha256"]
    er.review("problems")
    objection = {"objection": True, "objection_reasons": "当事人系多次违法，按从重情节处罚有事实依据"}
    error = refused(er.engine, errors.FormInvalid, "DF-FORM", er.resubmit, **objection)
    assert error.field == "objection_document"
    er.resubmit({"objection_document": pdf("书面异议")}, **objection)
    assert er.open() == {"coordination"}
    meeting = {"meeting_date": er.today(), "participants": ["局长 王某"], "outcome": "review_stands",
               "reasons": "维持法制审核意见"}
    minutes = {"minutes": pdf("协调会议纪要")}
    refused(er.engine, errors.NotCollective, "ER-8", er.do, "coordination", "head", meeting, minutes)
    er.do("coordination", "head", {**meeting, "participants": ["局长 王某", "副局长 李某"]}, minutes)
    assert er.open() == {"supplement"}  # the opinion stands: back to the unit
    er.resubmit({"objection_document": pdf("书面异议（二）")}, **objection)
    prevails = {**meeting, "participants": ["局长 王某", "副局长 李某"], "outcome": "unit_prevails",
                "reasons": "从重情节有证据支持，采纳承办机构意见"}
    er.do("coordination", "head", prevails, minutes)
    assert er.open() == {"decision"}
    er.decide()
    assert er.engine.procedures.get(er.procedure_id).status == "completed"
    assert er.engine.history.events(er.procedure_id)[-1].payload["derived"]["decided_submission_sha256"] == submitted


def test_er8_the_decision_guard_refuses_a_flagged_case_the_heads_did_not_discuss():
    before = {"review_opinion": "agree", "reviewed_submission_sha256": "a" * 64, "current_submission_sha256": "a" * 64,
              "collective_required": True, "collective_discussed": False}
    context = guards.Context({"head_decision": "decide"}, before, datetime(2026, 11, 2, 9, tzinfo=CST))
    with pytest.raises(errors.CollectiveDiscussionMissing) as caught:
        guards.run("enforcement_review", "enforcement_decision", context)
    assert caught.value.rule == "ER-8"
    assert guards.run("enforcement_review", "enforcement_decision", guards.Context(
        {"head_decision": "decide"}, {**before, "collective_discussed": True}, context.now))


def test_er2_a_later_supplement_without_a_new_proposal_keeps_the_revised_one_under_review(er):
    er.submit()
    er.review("problems")
    er.resubmit({"revised_proposed_decision": pdf("修改后的拟作出的行政处罚决定")})
    revised = er.derived()["current_submission_sha256"]
    er.review("problems")
    er.resubmit({"evidence_file": pdf("补充证据材料")})
    assert er.derived()["current_submission_sha256"] == revised  # not the first proposal again
    er.review("agree")
    er.decide()
    assert er.derived()["decided_submission_sha256"] == revised


def test_er6_an_objection_brings_no_new_materials(er):
    er.submit()
    er.review("problems")
    objection = {"objection": True, "objection_reasons": "从重情节有事实依据"}
    error = refused(er.engine, errors.FormInvalid, "DF-FORM", er.resubmit,
                    {"objection_document": pdf("书面异议"), "evidence_file": pdf("补充证据材料")}, **objection)
    assert error.field == "evidence_file"


def test_er7_review_due_in_working_days_over_a_holiday_and_extension_needs_approval(er, clock):
    clock.set(datetime(2026, 9, 23, 10, 0, tzinfo=CST))  # regulation.md §8: due 2026-10-10
    er.submit()
    assert last_day(er.item("legal_review").due_at) == date(2026, 10, 10)
    clock.set(datetime(2026, 10, 12, 10, 0, tzinfo=CST))
    refused(er.engine, errors.ReviewExtensionUnapproved, "ER-7", er.review)
    er.review(extension_reason="案情复杂，需补充调查询问", extension_approved_by="局长 王某")
    derived = er.engine.history.events(er.procedure_id)[-1].payload["derived"]
    assert derived["review_extended_to"] == "2026-10-14" and derived["review_overdue"] is False


def test_er8_heavy_penalty_is_decided_collectively_not_by_one_official(er):
    er.submit(heavy_penalty=True, heavy_penalty_basis="情节严重，拟处没收违法所得并罚款")
    er.review("agree")
    assert er.open() == {"collective_discussion"}
    meeting = {"meeting_date": er.today(), "meeting_outcome": "decide", "conclusion": "同意处罚"}
    refused(er.engine, errors.NotCollective, "ER-8", er.do, "collective_discussion", "head",
            {**meeting, "participants": ["局长 王某"]}, {"minutes": pdf("集体讨论记录")})
    er.do("collective_discussion", "head", {**meeting, "participants": ["局长 王某", "副局长甲", "副局长乙"]},
          {"minutes": pdf("集体讨论记录")})
    er.decide()
    assert er.engine.procedures.get(er.procedure_id).status == "completed"


def test_er9_history_shows_both_signers_and_the_hashes_they_answer_for(er):
    refused(er.engine, errors.MaterialsUnattested, "ER-9", er.submit, truth_declaration=False)
    er.submit()
    er.review("agree")
    events = [e for e in er.engine.history.events(er.procedure_id) if e.kind == "task_completed"]
    submission, opinion = events[0].payload, events[1].payload
    assert submission["by"] == {"user": "zhao_inv", "org": "market_enforcement"}
    assert opinion["by"] == {"user": "wu_legal", "org": "market_legal"}
    assert len(submission["data"]["proposed_decision"]["sha256"]) == 64
    assert opinion["derived"]["reviewed_submission_sha256"] == submission["data"]["proposed_decision"]["sha256"]
    assert len(opinion["data"]["opinion_document"]["sha256"]) == 64
    assert er.engine.history.verify(er.procedure_id).ok


def test_er3_a_listed_investigator_is_barred_at_every_door_not_only_at_completion(er):
    """Issue 19 item 5: the page (`tasks.item`), the claim and the inbox bar a listed investigator who holds
    the review role, as completion does; another reviewer of the office sees and claims the step."""
    er.submit()  # investigators: zhao_inv, qian_inv; qian_inv also holds the review role
    task = next(iter(er.ready))
    investigator = er.people["inv_reviewer"]
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.engine.tasks.item, task, investigator)
    refused(er.engine, errors.InvestigatorMayNotReview, "ER-3", er.engine.tasks.claim, task, investigator)
    assert task not in {i.task_id for i in er.engine.tasks.inbox(investigator)}
    reviewer = er.people["reviewer"]
    assert task in {i.task_id for i in er.engine.tasks.inbox(reviewer)}
    assert er.engine.tasks.claim(task, reviewer, procedure_id=er.procedure_id).assignee == reviewer.username


def test_er3_claim_names_the_procedure_and_refuses_another_procedures_step(er):
    er.submit()
    task = next(iter(er.ready))
    with pytest.raises(errors.DomainError) as caught:
        er.engine.tasks.claim(task, er.people["reviewer"], procedure_id=er.procedure_id + 1000)
    assert caught.value.rule in ("DF-NOT-FOUND", "DF-ORDER")
    assert er.engine.tasks.item(task, er.people["reviewer"]).assignee is None  # nothing claimed


def test_df_form_an_enforcement_decision_number_is_unique_across_procedures(er):
    er.submit()
    er.review("agree")
    er.decide()
    view = er.engine.procedures.start("enforcement_review", "另一食品公司案拟罚款决定法制审核", "market_enforcement",
                                      er.people["unit"])
    other = Review.of(er.engine, er.people, view)
    other.submit(case_number="市监罚〔2026〕19号")
    other.review("agree")
    error = refused(other.engine, errors.DocumentNumberTaken, "DF-FORM", other.decide,
                    decision_number=" 市监罚决(2026)18号 ")
    assert (error.field, error.context["procedure"]) == ("decision_number", er.procedure_id)
    other.decide(decision_number="市监罚决〔2026〕19号")
    assert other.status() == "completed"


def test_df_form_a_case_number_is_unique_across_procedures(er):
    """Issue 19 item 6: a case number another procedure recorded, however spaced or bracketed, is refused
    naming the field and the procedure holding it; the same case's supplement keeps its own number."""
    er.submit()
    view = er.engine.procedures.start("enforcement_review", "另一食品公司案拟罚款决定法制审核", "market_enforcement",
                                      er.people["unit"])
    other = Review.of(er.engine, er.people, view)
    error = refused(other.engine, errors.IdentifierTaken, "DF-FORM", other.submit, case_number=" 市监罚(2026)18号")
    assert (error.field, error.context["procedure"]) == ("case_number", er.procedure_id)
    assert "案件编号" in error.message("zh_CN")
    other.submit(case_number="市监罚〔2026〕19号")


def test_df_form_one_case_number_claimed_by_two_cases_at_once_is_held_once(er):
    """Issue 19 item 6 under concurrency: two submissions racing with one case number, one is refused."""
    view = er.engine.procedures.start("enforcement_review", "另一食品公司案拟罚款决定法制审核", "market_enforcement",
                                      er.people["unit"])
    other = Review.of(er.engine, er.people, view)
    barrier, outcomes = threading.Barrier(2), []

    def send(case: Review) -> None:
        barrier.wait()
        try:
            case.submit(case_number="市监罚〔2026〕77号")
            outcomes.append("held")
        except errors.IdentifierTaken as error:
            outcomes.append(error.context["procedure"])

    threads = [threading.Thread(target=send, args=(case,)) for case in (er, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("held") == 1 and len(outcomes) == 2
    [winner] = [c for c in (er, other) if c.open() == {"legal_review"}]
    assert [o for o in outcomes if o != "held"] == [winner.procedure_id]

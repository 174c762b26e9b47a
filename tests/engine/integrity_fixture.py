"""A small database that holds every kind of row verify rebuilds (DF-INTEGRITY), built through the doors.

A major decision past its public comment (documents, a consultation with opinions — one with an
attachment, one a duplicate, one hidden, all marked — the adoption statement, the comment timer
fired, a claimed step and a supervisor's reminder), a running one with its comment timer pending,
and a review-loop procedure finished and another withdrawn; the accounts an administrator makes
(an organisation, a user, a four-eyes grant approved and one rejected, an API token issued and one
revoked) beside those set-up makes; an enforcement case submitted, holding its case number; and a
yearly clean-up started by the scheduler (a `scheduled_runs` row that starts a procedure); a
reconsideration asking for an incidental review of a normative document (a `document_mentions` row); and a
pending migration proposal to a second version of the review loop.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from engine.clock import CST, FixedClock
from engine.core import Engine, build_engine
from engine.services.definitions import read_bundle
from engine.services.views import Upload
from tests.conftest import DRAFT, FIXTURES, ROOT
from tests.processes.md_scenario import MajorDecision


@dataclass(frozen=True)
class Built:
    decided: int      # major decision past its comment period, with everything public participation makes
    commenting: int   # major decision in its comment period: a pending timer
    finished: int     # review loop, completed
    withdrawn: int    # review loop, withdrawn


def build(engine: Engine, clock: FixedClock) -> Built:
    md = MajorDecision.start(engine, clock)
    second = MajorDecision(engine, clock, md.people)
    second.procedure_id = engine.procedures.start("major_decision", "县城停车收费调整", "dev_reform",
                                                  md.people.sponsor).id
    second.ready = {i.task_id: i.spec for i in engine.procedures.get(second.procedure_id).open_items}
    md.to_open_comment()
    second.to_open_comment()
    sponsor = md.people.sponsor
    pid = md.procedure_id
    a = engine.consultation.submit(pid, "建议增加夜班线", "市民甲", "138", Upload("附件.pdf", "application/pdf",
                                                                             b"%PDF-1.7 attachment"), "client-1")
    b = engine.consultation.submit(pid, "建议 增加夜班线", None, None, None, "client-2")
    c = engine.consultation.submit(pid, "辱骂内容", None, None, None, "client-3")
    engine.opinions.hide(sponsor, c, "含有辱骂性语言")
    engine.opinions.mark(sponsor, a, "线路", "adopted", None)
    engine.opinions.mark(sponsor, b, "线路", "partly_adopted", "部分线路试行")
    engine.opinions.publish_statement(sponsor, pid)
    clock.advance(days=31)
    md.wake()
    md.summarise(opinions_received=3)  # the portal took three (one hidden as abusive: still received)
    engine.tasks.claim(md.task("review_submission"), sponsor)
    engine.people.ensure_user("duban", "gov_office", ["supervisor"], "督办员")
    engine.supervision.remind(engine.people.actor("duban"), md.task("review_submission"), "请尽快报送审查")

    people = _review_people(engine)
    engine.definitions.deploy(*read_bundle(FIXTURES / "review_loop.bpmn"), "test")
    done = engine.procedures.start("review_loop", "县城公交线网优化调整", "dev_reform", people["sponsor"])
    step = engine.tasks.complete(done.task("draft"), people["sponsor"], DRAFT)
    step = engine.tasks.complete(step.task("review"), people["reviewer"], {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), people["secretary"], {"decision": "adopt"})
    gone = engine.procedures.start("review_loop", "撤回的决策", "dev_reform", people["sponsor"])
    engine.procedures.withdraw(gone.id, md.people.organ, "决策机关决定不再推进")
    _administration(engine)
    _enforcement_case(engine)
    _periodic_cleanup(engine, clock)
    _incidental_review(engine)
    _migration_proposal(engine, people)
    return Built(pid, second.procedure_id, done.id, gone.id)


def _administration(engine: Engine) -> None:
    """What administrators do to accounts, so that every account table holds rows verify must rebuild."""
    p = engine.people
    p.ensure_role("auditor", "审计人员", "Auditor")
    first, second = (p.ensure_user(name, "gov_office", ["admin"], title) for name, title in
                     (("admin_a", "管理员甲"), ("admin_b", "管理员乙")))
    engine.accounts.create_organisation(first, "transport", "县交通运输局", "department")
    made = engine.accounts.create_user(first, "zhou_min", "周敏", "transport", ["sponsor", "legality_reviewer"],
                                       "argon2-hash")
    engine.accounts.update_user(first, "zhou_min", display_name="周敏（借调）")
    pending = engine.grants.pending(second)
    assert made.pending and pending, "the fixture needs a four-eyes role to ask for"
    engine.grants.approve(second, pending[0].id)
    engine.accounts.update_user(first, "zhou_min", grant=["sponsor", "legality_reviewer", "auditor"])
    for grant in engine.grants.pending(second):
        engine.grants.reject(second, grant.id)
    kept = engine.tokens.issue(p.actor("li_na"), "对接系统", 30)
    gone = engine.tokens.issue(p.actor("li_na"), "旧对接", 30)
    engine.tokens.revoke(p.actor("li_na"), gone.token.id)
    assert kept.token.id != gone.token.id


def _enforcement_case(engine: Engine) -> None:
    """An enforcement case submitted for review: its case number is held (`numbers_held`, issue 19 item 6)."""
    from tests.processes.test_enforcement_review import MATERIALS, PROCESS

    engine.definitions.deploy(*read_bundle(PROCESS), "test")
    p = engine.people
    p.ensure_organisation("market_enforcement", "县市场监管执法大队")
    unit = p.ensure_user("zhao_inv", "market_enforcement", ["sponsor", "enforcement_unit"], "赵调查")
    p.ensure_user("qian_inv", "market_enforcement", ["enforcement_unit"], "钱调查")
    case = engine.procedures.start("enforcement_review", "某食品有限公司案拟罚款决定法制审核", "market_enforcement",
                                   unit)
    engine.tasks.complete(case.task("submission"), unit, {
        "case_number": "市监罚〔2026〕18号", "case_type": "penalty", "party": "某食品有限公司", "fine_amount": 50000,
        "scope_grounds": ["major_rights"], "investigators": ["zhao_inv", "qian_inv"], "truth_declaration": True},
        MATERIALS)


def _review_people(engine: Engine) -> dict[str, object]:
    p = engine.people
    p.ensure_organisation("review_office", "县司法局审查科", "review_office")
    return {"sponsor": p.ensure_user("li_na", "dev_reform", ["sponsor"], "李娜"),
            "reviewer": p.ensure_user("chen_jing2", "review_office", ["legality_reviewer"], "陈静"),
            "secretary": p.ensure_user("zhao_lei", "gov_office", ["meeting_secretary"], "赵磊")}


def _incidental_review(engine: Engine) -> None:
    """A reconsideration application asking to review a normative document (ND-10, RC-14): the registry finds
    it on `document_mentions` (engine/mentions.py, issue 21)."""
    from tests.processes.md_scenario import pdf
    from tests.processes.test_reconsideration import INCIDENTAL, PROCESS

    engine.definitions.deploy(*read_bundle(PROCESS), "test")
    p = engine.people
    p.ensure_organisation("fuyi_office", "县复议办")
    office = p.ensure_user("fuyi", "fuyi_office", ["sponsor", "reconsideration_office"], "复议员")
    case = engine.procedures.start("reconsideration", "某食品有限公司不服行政处罚申请行政复议", "fuyi_office", office)
    today = engine.clock.now().astimezone(CST).date().isoformat()
    engine.tasks.complete(case.task("application"), office, {
        "applicant": "某食品有限公司", "respondent_organ": "示范县市场监督管理局",
        "respondent_level": "county_department",
        "act_description": "示市监罚〔2026〕18号行政处罚决定", "act_type": "penalty", "sanction": "fine",
        "fine_amount": 5000, "act_date": today, "knew_act_on": today, "applied_on": today, "told_of_right": True,
        "channel": "in_person", **INCIDENTAL}, {"application": pdf("行政复议申请书")})


def _periodic_cleanup(engine: Engine, clock: FixedClock) -> None:
    """The scheduler's yearly clean-up (ND-9), started as a worker starts it: its run row names the procedure."""
    engine.definitions.deploy(*read_bundle(ROOT / "processes" / "nd_cleanup.bpmn"), "test")
    worker = build_engine(dataclasses.replace(engine.settings, cleanup_org="review_office"), clock)
    try:
        assert worker.cleanup.start_periodic(str(clock.now().year)) is not None
    finally:
        worker.dispose()


def _migration_proposal(engine: Engine, people: dict[str, object]) -> None:
    """A proposal to move a running review loop to its version 2, waiting for a second person (DF-MIGRATE)."""
    bpmn, forms = read_bundle(FIXTURES / "review_loop.bpmn")
    renamed = bpmn.replace(b'name="Review loop (test)"', b'name="Review loop (test, v2)"')
    assert renamed != bpmn and engine.definitions.deploy(renamed, forms, "test").version == 2
    running = engine.procedures.start("review_loop", "待迁移的决策", "dev_reform", people["sponsor"])
    engine.migration.propose(people["reviewer"], {"key": "review_loop", "source_version": 1, "target_version": 2,
                                                  "procedures": [running.id]}, "规定修订后按新版本办理")

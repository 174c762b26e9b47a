"""Supervision (督办): the board of late work, recorded reminders, the daily digest and its mail.

The procedure is driven through the engine's own doors to its legality review: the
complete materials arrive on Tuesday 2026-12-08, so the review's 7 working days
(MD-26b) end on Thursday 2026-12-17.
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner

from engine import mail
from engine.cli import cli
from engine.clock import CST
from engine.demo_procedures import Driver, drive, pdf
from engine.domain.errors import (
    AccountForbidden,
    AccountInvalid,
    ReminderForbidden,
    ReminderInvalid,
    StepAlreadyCompleted,
    StepNotReady,
    SupervisionForbidden,
    TaskNotFound,
)
from tests.webapp.site import prepare

TITLE = "县城公交线网优化调整方案"
LAST_DAY = datetime(2026, 12, 17, 9, tzinfo=CST)
HURRY = "请于本周内完成合法性审查并报送审查意见。"


@dataclass(frozen=True)
class Review:
    procedure_id: int
    task_id: str          # the open legality review
    opinion_task_id: str  # the legal opinion, done


@pytest.fixture
def review(engine, clock) -> Review:
    """A procedure at its legality review (org: any legality review office), and a supervisor."""
    prepare(engine)
    engine.people.ensure_user("duban", "gov_office", ["supervisor"], "督办员")
    view = engine.procedures.start("major_decision", TITLE, "dev_reform", engine.people.actor("sponsor"))
    driver = Driver(engine, clock, view.id)
    drive(driver, "sponsor", "2026-05", "review")
    opinion = engine.procedures.get(view.id).task("legal_opinion")
    driver.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                           "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    return Review(view.id, engine.procedures.get(view.id).task("legality_review"), opinion)


def _actor(engine, username: str):  # type: ignore[no-untyped-def]
    return engine.people.actor(username)


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=CST)


def test_df_supervision_board_shows_the_legality_review_overdue_after_its_seven_working_days(engine, clock, review):
    clock.set(_at(17, 18))  # the last day: due soon, not yet overdue
    assert [i.state for i in engine.supervision.board(_actor(engine, "duban")).items] == ["due_soon"]

    clock.set(_at(22))  # Tuesday: Fri 18, Mon 21 and Tue 22 are past the last day
    board = engine.supervision.board(_actor(engine, "duban"))
    (group,) = board.groups
    assert (group.org, group.role, group.key) == (None, "legality_reviewer", "role:legality_reviewer")
    (item,) = group.items
    assert (item.task_id, item.procedure_id, item.procedure_title) == (review.task_id, review.procedure_id, TITLE)
    assert (item.step, item.step_kind, item.role, item.org, item.assignee) == (
        "legality_review", "legality_review", "legality_reviewer", None, None)
    assert item.last_day.isoformat() == "2026-12-17"
    assert (item.state, item.days_overdue, item.reminders) == ("overdue", 3, 0)
    assert (board.overdue, board.due_soon) == (1, 0)
    assert engine.supervision.board(_actor(engine, "auditor")).items == board.items  # auditors may look


def test_df_supervision_board_shows_due_soon_within_two_working_days(engine, clock, review):
    clock.set(_at(10))  # five working days left: not on the board
    assert engine.supervision.board(_actor(engine, "duban")).items == ()
    clock.set(_at(15))  # Tue: Wed 16 and Thu 17 left
    (item,) = engine.supervision.board(_actor(engine, "duban")).items
    assert (item.state, item.days_overdue) == ("due_soon", 0)
    assert engine.supervision.board(_actor(engine, "duban"), now=_at(22)).items[0].state == "overdue"


def test_df_supervision_reminder_reaches_the_reviewers_inbox_and_the_history(engine, clock, review):
    clock.set(_at(22))
    before = engine.procedures.get(review.procedure_id).version

    sent = engine.supervision.remind(_actor(engine, "duban"), review.task_id, f"  {HURRY}  ")

    assert (sent.task_id, sent.message, sent.sent_by, sent.step_title) == (review.task_id, HURRY, "duban", "合法性审查")
    (seen,) = engine.supervision.reminders_for(_actor(engine, "reviewer"), [review.task_id])
    assert seen == sent
    assert engine.supervision.reminders_for(_actor(engine, "sponsor"), [review.task_id]) == []
    assert engine.supervision.reminders_for(_actor(engine, "adviser"), [review.task_id]) == []
    event = engine.history.events(review.procedure_id)[-1]
    assert (event.kind, event.actor, event.task_id) == ("reminder_sent", "duban", review.task_id)
    assert event.payload == {
        "step": "legality_review", "step_kind": "legality_review",
        "to": {"role": "legality_reviewer", "org": None, "assignee": None}, "message": HURRY,
        "due_at": "2026-12-17T16:00:00+00:00", "state": "overdue", "days_overdue": 3,
        "by": {"user": "duban", "org": "gov_office"}}
    assert engine.history.verify(review.procedure_id).ok
    assert engine.procedures.get(review.procedure_id).version == before + 1
    (item,) = engine.supervision.board(_actor(engine, "duban")).items
    assert (item.reminders, item.last_reminded_at) == (1, clock.now())


def test_df_supervision_reminder_follows_the_step_to_whoever_claims_it(engine, clock, review):
    engine.people.ensure_user("reviewer2", "justice", ["legality_reviewer"], "陈审查")
    engine.supervision.remind(_actor(engine, "duban"), review.task_id, HURRY)
    assert len(engine.supervision.reminders_for(_actor(engine, "reviewer2"), [review.task_id])) == 1
    engine.tasks.claim(review.task_id, _actor(engine, "reviewer"))
    assert engine.supervision.reminders_for(_actor(engine, "reviewer2"), [review.task_id]) == []
    assert len(engine.supervision.reminders_for(_actor(engine, "reviewer"), [review.task_id])) == 1


@pytest.mark.parametrize("username", ["reviewer", "auditor", "head", "admin"])
def test_df_supervision_only_a_supervisor_sends_reminders_and_a_refusal_writes_nothing(engine, clock, review,
                                                                                      username):
    clock.set(_at(22))
    before = engine.history.events(review.procedure_id)
    with pytest.raises(ReminderForbidden) as refused:
        engine.supervision.remind(_actor(engine, username), review.task_id, HURRY)
    assert refused.value.rule == "DF-SUPERVISION"
    assert "督办" in refused.value.message()
    assert engine.history.events(review.procedure_id) == before
    assert engine.supervision.reminders_for(_actor(engine, "reviewer"), [review.task_id]) == []
    assert engine.supervision.board(_actor(engine, "duban")).items[0].reminders == 0


@pytest.mark.parametrize("username", ["sponsor", "reviewer", "head", "admin"])
def test_df_supervision_board_is_for_supervisors_and_auditors(engine, review, username):
    with pytest.raises(SupervisionForbidden) as refused:
        engine.supervision.board(_actor(engine, username))
    assert refused.value.rule == "DF-SUPERVISION"


def test_md33b_no_reminder_on_a_completed_step(engine, clock, review):
    before = engine.history.events(review.procedure_id)
    with pytest.raises(StepAlreadyCompleted) as refused:
        engine.supervision.remind(_actor(engine, "duban"), review.opinion_task_id, HURRY)
    assert refused.value.rule == "MD-33b"
    with pytest.raises(TaskNotFound):
        engine.supervision.remind(_actor(engine, "duban"), "no-such-task", HURRY)
    assert engine.history.events(review.procedure_id) == before
    assert engine.supervision.reminders_for(_actor(engine, "adviser"), [review.task_id]) == []


def test_df_supervision_no_reminder_once_the_procedure_is_withdrawn(engine, clock, review):
    engine.procedures.withdraw(review.procedure_id, _actor(engine, "head"), "决策事项已调整")
    before = engine.history.events(review.procedure_id)
    with pytest.raises(StepNotReady) as refused:
        engine.supervision.remind(_actor(engine, "duban"), review.task_id, HURRY)
    assert refused.value.rule == "MD-39"  # the step was cancelled with the procedure
    assert engine.history.events(review.procedure_id) == before
    assert engine.supervision.board(_actor(engine, "duban"), now=_at(22)).items == ()


@pytest.mark.parametrize("message", ["", "   ", "催" * 501])
def test_df_supervision_reminder_message_is_required_and_bounded(engine, review, message):
    before = engine.history.events(review.procedure_id)
    with pytest.raises(ReminderInvalid) as refused:
        engine.supervision.remind(_actor(engine, "duban"), review.task_id, message)
    assert (refused.value.rule, refused.value.field) == ("DF-SUPERVISION", "message")
    assert "500" in refused.value.message()
    assert engine.history.events(review.procedure_id) == before


def test_df_supervision_digest_lists_overdue_steps_and_the_last_days_reminders(engine, clock, review):
    clock.set(_at(22, 9))
    engine.supervision.remind(_actor(engine, "duban"), review.task_id, HURRY)

    digest = engine.supervision.digest(_actor(engine, "reviewer"))
    assert (digest.username, digest.display_name, digest.day.isoformat()) == ("reviewer", "刘洋", "2026-12-22")
    assert [(i.task_id, i.days_overdue) for i in digest.overdue] == [(review.task_id, 3)]
    assert digest.due_soon == ()
    assert [r.message for r in digest.reminders] == [HURRY]
    assert engine.supervision.digest(_actor(engine, "sponsor")).empty
    assert engine.supervision.digest(_actor(engine, "duban")).empty  # supervisors do no steps

    clock.set(_at(23, 10))  # a day later the reminder is old news; the step is still late
    digest = engine.supervision.digest(_actor(engine, "reviewer"))
    assert (digest.reminders, digest.overdue[0].days_overdue) == ((), 4)
    by_user = {d.username: d for d in engine.supervision.digests()}
    assert by_user["reviewer"].overdue == digest.overdue
    assert by_user["sponsor"].empty


def test_df_account_users_set_their_own_digest_address_and_admins_anyones(engine, review):
    assert engine.supervision.set_email(_actor(engine, "reviewer"), "reviewer", " liu@sfj.example.gov.cn ") == \
        "liu@sfj.example.gov.cn"
    assert engine.supervision.set_email(_actor(engine, "admin"), "sponsor", "zhang@fgj.example.gov.cn")
    with pytest.raises(AccountForbidden):
        engine.supervision.set_email(_actor(engine, "reviewer"), "sponsor", "mallory@example.com")
    with pytest.raises(AccountInvalid) as refused:
        engine.supervision.set_email(_actor(engine, "reviewer"), "reviewer", "not an address")
    assert refused.value.field == "email"
    for unusable in ("a,b@example.gov.cn", "a<b@example.gov.cn", 'a"b@example.gov.cn', "x@example..cn"):
        with pytest.raises(AccountInvalid):  # the regex lets these by; the mail headers would not
            engine.supervision.set_email(_actor(engine, "reviewer"), "reviewer", unusable)
    emails = {d.username: d.email for d in engine.supervision.digests()}
    assert (emails["reviewer"], emails["sponsor"], emails["head"]) == (
        "liu@sfj.example.gov.cn", "zhang@fgj.example.gov.cn", None)
    assert engine.supervision.set_email(_actor(engine, "reviewer"), "reviewer", "") is None


# --- mail ---------------------------------------------------------------------------------------

class Mailbox:
    """An aiosmtpd handler keeping what arrives, and who logged in."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = (auth_data.login, auth_data.password) == (b"digest", b"s3cret")
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port, authenticator=box.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield box, port
    controller.stop()


def test_df_supervision_digest_mails_one_message_per_user_with_an_address(engine, clock, review, mailbox):
    box, port = mailbox
    engine.people.ensure_user("reviewer2", "justice", ["legality_reviewer"], "陈审查")
    clock.set(_at(22, 9))
    engine.supervision.remind(_actor(engine, "duban"), review.task_id, HURRY)
    admin = _actor(engine, "admin")
    for username in ("reviewer", "reviewer2", "admin"):  # the admin has nothing to be told: no mail
        engine.supervision.set_email(admin, username, f"{username}@example.gov.cn")
    settings = replace(engine.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_user="digest",
                       smtp_password="s3cret", smtp_from="督办系统 <duban@example.gov.cn>")

    sent = mail.send_digests(engine, settings)

    assert sorted(sent) == ["reviewer", "reviewer2"]
    assert sorted(rcpt for rcpts, _ in box.messages for rcpt in rcpts) == [
        "reviewer2@example.gov.cn", "reviewer@example.gov.cn"]
    assert box.logins == ["digest"]
    message = next(m for rcpts, m in box.messages if rcpts == ["reviewer@example.gov.cn"])
    assert message["Subject"] == "【每日提醒】2026-12-22：超期 1 项，即将到期 0 项，督办通知 1 条"
    assert message["From"].addresses[0].display_name == "督办系统"
    assert message["To"].addresses[0].display_name == "刘洋"
    plain = message.get_body(("plain",)).get_content()
    assert f"《{TITLE}》" in plain and "已超期 3 个工作日" in plain and HURRY in plain
    assert "应于 2026-12-17 前办结" in plain
    assert HURRY in message.get_body(("html",)).get_content()


def test_df_supervision_an_unusable_stored_address_keeps_no_one_elses_digest_back(engine, clock, review, mailbox):
    from sqlalchemy import text

    box, port = mailbox
    clock.set(_at(22, 9))
    admin = _actor(engine, "admin")
    engine.people.ensure_user("reviewer2", "justice", ["legality_reviewer"], "陈审查")
    engine.supervision.set_email(admin, "reviewer2", "reviewer2@example.gov.cn")
    with engine.db.begin() as connection:  # an address stored before addresses were checked this strictly
        connection.execute(text("UPDATE users SET email = 'a,b@example.gov.cn' WHERE username = 'reviewer'"))
    settings = replace(engine.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_user="digest",
                       smtp_password="s3cret")
    assert mail.send_digests(engine, settings) == ["reviewer2"]
    assert [rcpts for rcpts, _ in box.messages] == [["reviewer2@example.gov.cn"]]


def test_mail_without_an_smtp_host_is_a_configuration_error(engine, review):
    with pytest.raises(mail.MailNotConfigured):
        mail.send_digests(engine, replace(engine.settings, smtp_host=None))


def test_digest_command_prints_each_users_summary_and_refuses_to_send_without_smtp(engine, review):
    runner = CliRunner()
    env = {"DECISIONFLOW_SMTP_HOST": ""}
    printed = runner.invoke(cli, ["digest", "--database", engine.settings.database_url], env=env)
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    assert any(line.startswith("reviewer ") and "overdue" in line for line in lines)
    assert any(line.startswith("duban ") for line in lines)
    refused = runner.invoke(cli, ["digest", "--send", "--database", engine.settings.database_url], env=env)
    assert refused.exit_code == 1
    assert "DECISIONFLOW_SMTP_HOST" in refused.output


def test_df_supervision_workers_mail_the_digest_once_a_day_from_its_time(engine, db_url, clock, review, mailbox,
                                                                        tmp_path):
    from engine.config import Settings
    from engine.core import build_engine
    from engine.worker import send_due_digest

    box, port = mailbox
    clock.set(_at(22, 6))
    engine.supervision.set_email(_actor(engine, "admin"), "reviewer", "reviewer@example.gov.cn")
    settings = replace(engine.settings, smtp_host="127.0.0.1", smtp_port=port, smtp_user="digest",
                       smtp_password="s3cret", digest_at=datetime(2026, 1, 1, 7, 30).time())
    first, second = (build_engine(replace(settings, key_dir=str(tmp_path / name)), clock) for name in "ab")
    try:
        assert send_due_digest(first) is None and box.messages == []  # 06:00: not yet
        clock.set(datetime(2026, 12, 22, 7, 30, tzinfo=CST))
        assert send_due_digest(first) == ["reviewer"]
        assert send_due_digest(second) is None and send_due_digest(first) is None  # the day is taken
        assert len(box.messages) == 1
        clock.set(_at(23, 8))
        assert send_due_digest(second) == ["reviewer"]  # the next day, whichever worker passes first
        assert [m["Subject"][:16] for _, m in box.messages] == ["【每日提醒】2026-12-22", "【每日提醒】2026-12-23"]
        assert engine.schedule.ran("digest", "2026-12-22") and engine.schedule.ran("digest", "2026-12-23")
    finally:
        first.dispose()
        second.dispose()
    assert Settings().digest_at is None  # no time set: workers never mail


def test_df_supervision_a_failed_digest_is_logged_not_retried_and_timers_still_fire(engine, clock, review, caplog):
    from engine.worker import fire_due, send_due_digest

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine.supervision.set_email(_actor(engine, "admin"), "reviewer", "reviewer@example.gov.cn")
    clock.set(_at(22, 9))
    broken = replace(engine.settings, smtp_host="127.0.0.1", smtp_port=port,
                     digest_at=datetime(2026, 1, 1, 7, 30).time())
    engine.settings = broken
    assert send_due_digest(engine) == []
    assert "was not mailed" in caplog.text
    assert send_due_digest(engine) is None  # claimed: never twice, even after a failure
    assert fire_due(engine) >= 0  # the pass goes on to the timers


@pytest.mark.parametrize(("env", "problem"), [
    ({"DECISIONFLOW_DIGEST_AT": "7.30", "DECISIONFLOW_SMTP_HOST": "mail"}, "HH:MM"),
    ({"DECISIONFLOW_DIGEST_AT": "25:00", "DECISIONFLOW_SMTP_HOST": "mail"}, "HH:MM"),
    ({"DECISIONFLOW_DIGEST_AT": "07:30"}, "DECISIONFLOW_SMTP_HOST"),
])
def test_df_supervision_digest_time_settings_are_checked_at_start(env, problem):
    from engine.config import Settings

    with pytest.raises(ValueError, match=problem):
        Settings.from_env(env)
    assert Settings.from_env({"DECISIONFLOW_DIGEST_AT": "07:30", "DECISIONFLOW_SMTP_HOST": "mail"}).digest_at == \
        datetime(2026, 1, 1, 7, 30).time()


def test_df_supervision_a_digest_lists_the_earliest_due_steps_and_says_there_are_more(engine, clock, review,
                                                                                      monkeypatch):
    """A legal office with thousands of late steps gets a digest it can read (issue 21): the DIGEST_ROWS
    earliest due, with `more` set, and reminders only for the steps asked about."""
    import engine.services.supervision as supervision
    second = engine.procedures.start("major_decision", "城区停车收费标准调整方案", "dev_reform",
                                     engine.people.actor("sponsor"))
    driver = Driver(engine, clock, second.id)
    drive(driver, "sponsor", "2026-05", "review")
    driver.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                           "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
    [late] = [i.due_at for i in engine.procedures.get(second.id).open_items if i.step_kind == "legality_review"]
    clock.set(max(late, _at(22)) + timedelta(days=7))  # both reviews overdue
    reviewer = _actor(engine, "reviewer")
    whole = engine.supervision.digest(reviewer)
    assert review.task_id in [i.task_id for i in whole.items] and len(whole.items) == 2 and not whole.more
    monkeypatch.setattr(supervision, "DIGEST_ROWS", 1)
    cut = engine.supervision.digest(reviewer)
    assert [i.task_id for i in cut.items] == [whole.items[0].task_id] and cut.more
    engine.supervision.remind(_actor(engine, "duban"), review.task_id, HURRY)
    assert len(engine.supervision.reminders_for(reviewer, [review.task_id])) == 1
    assert engine.supervision.reminders_for(reviewer, []) == []

"""The daily digest by e-mail, through the SMTP server the settings name.

One message per user with an e-mail address and something to tell (a user with nothing
overdue, nothing due soon and no reminder that day gets no mail), in Chinese, as plain
text with a simple HTML alternative, built from `supervision.digests`. The connection
uses STARTTLS and logs in when the settings say so (DECISIONFLOW_SMTP_*). Mail is a
notice only: the digest is always in the app (/digest), and nothing the engine records
depends on a message arriving.
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from collections.abc import Iterable
from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from engine.clock import CST
from engine.config import Settings
from engine.core import Engine
from engine.domain.roles import ROLES
from engine.services.supervision import Digest, DueItem, ReminderView

log = logging.getLogger(__name__)
SYSTEM_NAME = "重大行政决策程序系统"
FOOTER = f"请登录{SYSTEM_NAME}办理。本邮件由系统自动发送，请勿回复。"


class MailNotConfigured(RuntimeError):
    """No SMTP host is set (DECISIONFLOW_SMTP_HOST): a configuration error, not a refusal."""


def subject(digest: Digest) -> str:
    return (f"【每日提醒】{digest.day.isoformat()}：超期 {len(digest.overdue)} 项，"
            f"即将到期 {len(digest.due_soon)} 项，督办通知 {len(digest.reminders)} 条")


def text(digest: Digest) -> str:
    """The digest as plain text: a greeting, then each section that has entries."""
    lines = [f"{digest.display_name}（{digest.username}）：", "",
             f"截至 {digest.day.isoformat()}，以下事项请您关注：", ""]
    for title, entries in _sections(digest):
        lines += [title, *(f"  · {entry}" for entry in entries), ""]
    lines.append(FOOTER)
    return "\n".join(lines) + "\n"


def html_body(digest: Digest) -> str:
    parts = [f"<p>{html.escape(digest.display_name)}（{html.escape(digest.username)}）：</p>",
             f"<p>截至 {digest.day.isoformat()}，以下事项请您关注：</p>"]
    for title, entries in _sections(digest):
        parts.append(f"<h3>{html.escape(title)}</h3><ul>"
                     + "".join(f"<li>{html.escape(e)}</li>" for e in entries) + "</ul>")
    parts.append(f"<p style=\"color:#666\">{html.escape(FOOTER)}</p>")
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>'
            + "".join(parts) + "</body></html>\n")


def compose(digest: Digest, settings: Settings) -> EmailMessage:
    """The message for one digest; the digest must carry an address."""
    if not digest.email:
        raise ValueError(f"{digest.username} has no e-mail address")
    message = EmailMessage()
    message["Subject"] = subject(digest)
    message["From"] = _sender(settings.smtp_from)
    message["To"] = Address(digest.display_name, addr_spec=digest.email)
    message["Date"] = format_datetime(digest.at)
    message["Message-ID"] = make_msgid(domain=_domain(settings.smtp_from))
    message.set_content(text(digest), cte="base64")  # base64: any relay carries Chinese unchanged
    message.add_alternative(html_body(digest), subtype="html", cte="base64")
    return message


def send(settings: Settings, messages: Iterable[EmailMessage]) -> int:
    """Send `messages` over one SMTP connection; returns how many were sent.

    A message the server refuses (an unknown recipient) is logged and skipped: one bad address
    never keeps the others' mail back. A lost connection still raises (nothing more can go)."""
    pending = list(messages)
    if not pending:
        return 0
    if not settings.smtp_configured:
        raise MailNotConfigured("DECISIONFLOW_SMTP_HOST is not set")
    assert settings.smtp_host is not None
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        sent = 0
        for message in pending:
            try:
                smtp.send_message(message)
                sent += 1
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as refused:
                log.warning("the digest to %s was refused: %s", message["To"], refused)
    return sent


def send_digests(engine: Engine, settings: Settings | None = None, now: datetime | None = None) -> list[str]:
    """Mail today's digest to every user with an address and something to tell; returns their usernames."""
    settings = settings or engine.settings
    if not settings.smtp_configured:
        raise MailNotConfigured("DECISIONFLOW_SMTP_HOST is not set")
    messages: list[tuple[str, EmailMessage]] = []
    for digest in engine.supervision.digests(now):
        if digest.email and not digest.empty:
            try:
                messages.append((digest.username, compose(digest, settings)))
            except (ValueError, HeaderParseError) as unusable:  # an address stored before it was checked
                log.warning("no digest for %s: the address %r is unusable (%s)", digest.username, digest.email,
                            unusable)
    send(settings, (message for _, message in messages))
    return [username for username, _ in messages]


def _sections(digest: Digest) -> list[tuple[str, list[str]]]:
    sections = [(f"超期 {len(digest.overdue)} 项", [_overdue(i) for i in digest.overdue]),
                (f"即将到期 {len(digest.due_soon)} 项", [_soon(i) for i in digest.due_soon]),
                (f"近一日督办通知 {len(digest.reminders)} 条", [_reminder(r) for r in digest.reminders])]
    if digest.more:
        sections.append((f"仅列出最早到期的 {len(digest.items)} 项", ["其余待办事项请登录系统查看“我的待办”。"]))
    return [(title, entries) for title, entries in sections if entries]


def _step(item: DueItem | ReminderView) -> str:
    return f"《{item.procedure_title}》（程序 {item.procedure_id}）“{item.step_title}”"


def _overdue(item: DueItem) -> str:
    return (f"{_step(item)}，{ROLES.get(item.role, (item.role,))[0]}办理，应于 {item.last_day.isoformat()} 前办结，"
            f"已超期 {item.days_overdue} 个工作日")


def _soon(item: DueItem) -> str:
    return f"{_step(item)}，{ROLES.get(item.role, (item.role,))[0]}办理，应于 {item.last_day.isoformat()} 前办结"


def _reminder(reminder: ReminderView) -> str:
    sent = reminder.sent_at.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    return f"{sent} {reminder.sent_by} 督办 {_step(reminder)}：{reminder.message}"


def _sender(value: str) -> Address:
    name, address = parseaddr(value)
    return Address(name or SYSTEM_NAME, addr_spec=address or value)


def _domain(value: str) -> str:
    return parseaddr(value)[1].rpartition("@")[2] or "localhost"

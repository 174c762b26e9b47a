"""Language and local time for pages: Simplified Chinese by default, English on request.

UI strings are English msgids translated by the zh_CN catalogue in `translations/`;
engine refusals carry their own zh_CN text (engine/locale). Dates show in Asia/Shanghai,
the time zone the law counts in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, session
from flask_babel import gettext, lazy_gettext

from engine import deadlines
from engine.clock import CST
from engine.domain.errors import DomainError
from engine.domain.roles import ROLES

STATUS = {
    "running": lazy_gettext("In progress"),
    "completed": lazy_gettext("Completed"),
    "withdrawn": lazy_gettext("Withdrawn"),
    "open": lazy_gettext("Open"),
    "cancelled": lazy_gettext("Cancelled"),
}
EVENT_KINDS = {
    "procedure_started": lazy_gettext("Procedure started"),
    "task_completed": lazy_gettext("Step completed"),
    "task_claimed": lazy_gettext("Step claimed"),
    "timer_fired": lazy_gettext("Time limit reached"),
    "procedure_withdrawn": lazy_gettext("Procedure withdrawn"),
    "opinion_received": lazy_gettext("Opinion received from the public"),
    "opinion_hidden": lazy_gettext("Opinion hidden by the moderator"),
    "adoption_published": lazy_gettext("Adoption statement published"),
    "reminder_sent": lazy_gettext("Reminder sent"),
    "procedure_migrated": lazy_gettext("Moved to a new version of the procedure definition"),
}


def select_locale() -> str:
    wanted = session.get("lang")
    languages = current_app.config["LANGUAGES"]
    return wanted if wanted in languages else languages[0]


def is_english() -> bool:
    return select_locale() == "en"


def lang() -> str:
    """The engine's language code for refusals."""
    return "en" if is_english() else "zh_CN"


def role_label(role: str | None) -> str:
    if not role:
        return ""
    zh, en = ROLES.get(role, (role, role))
    return en if is_english() else zh


def local_time(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(CST)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def local_day(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.astimezone(CST).date().isoformat()
    return moment.isoformat()


FIELD_LABELS = {
    "title": lazy_gettext("Title"), "sponsor_org": lazy_gettext("Sponsoring unit"),
    "definition": lazy_gettext("Procedure"), "reason": lazy_gettext("Reason"),
    "password": lazy_gettext("Password"), "username": lazy_gettext("Username"),
    "display_name": lazy_gettext("Name"), "org_code": lazy_gettext("Organisation"),
    "roles": lazy_gettext("Roles"), "message": lazy_gettext("Reminder text"),
    "text": lazy_gettext("Opinion"), "attachment": lazy_gettext("Attachment"),
    "answer": lazy_gettext("Answer to the question"), "after": lazy_gettext("Page"),
    "org": lazy_gettext("Sponsoring unit"), "from": lazy_gettext("Started from"),
    "to": lazy_gettext("Started until"),
}
"""The fields of the pages' own forms (start, withdraw, accounts, reminders, opinions), named as the page
shows them; a step's form names its fields by its schema's titles (pages/tasks.py field_title)."""


def refusal(error: DomainError, label: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """What a page shows of a refusal: the message, the rule, its article, the field it concerns.

    In Chinese the message names the field as the page shows it — `label` (a step form's titles), else
    the page's own field names — never by its key; the API keeps the key for programs."""
    from webapp import metrics

    metrics.refusal(error.rule)
    shown: dict[str, object] = {}
    if error.field and lang() != "en":
        named = (label(error.field) if label else None) or FIELD_LABELS.get(error.field)
        if named:
            shown["field"] = f"“{named}”"
    return {"message": error.message(lang(), **shown), "rule": error.rule, "article": error.article,
            "field": error.field}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(role_label=role_label, status_label=lambda s: str(STATUS.get(s, s)),
                                 event_label=lambda k: str(EVENT_KINDS.get(k, k)), current_lang=select_locale,
                                 gettext=gettext)
    from webapp.rule_text import rule, rules

    app.jinja_env.filters.update(local_time=local_time, local_day=local_day, rule=rule, rules=rules,
                                 last_day=lambda due: deadlines.last_day(due).isoformat() if due else "")

"""Names, not codes (issue 22 item 4): units by their name, people by their name and unit.

Templates call `org_name(code)` and `person(username)`; codes stay in the admin pages and the API.
The names come from `engine.people.names`, read at most once per request for the units and once per
person, and kept in `flask.g` for the rest of the request.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext

from webapp.pages.common import engine

ACTORS = {"system": lazy_gettext("the system"), "public": lazy_gettext("the public")}
"""Who acts without an account: the engine's timers and the public's opinions."""


def org_name(code: str | None) -> str:
    """A unit's name; the code itself only for a unit the registry does not know."""
    if not code:
        return ""
    if "df_organisations" not in g:
        g.df_organisations = engine().people.names().organisations
    return str(g.df_organisations.get(code, code))


def definition_name(key: str | None) -> str:
    """A procedure's kind by its definition's name (重大行政决策程序…), not its key."""
    if not key:
        return ""
    if "df_definitions" not in g:
        g.df_definitions = {d.key: d.name for d in engine().definitions.list_all()}
    return str(g.df_definitions.get(key, key))


def person(username: str | None, org: str | None = None) -> str:
    """A person as 姓名（单位）; the username only for an account that no longer exists.

    `org`: the unit the record says they acted for (history keeps it), rather than their unit today.
    """
    if not username:
        return ""
    if username in ACTORS:
        return str(ACTORS[username])
    known: dict[str, tuple[str, str] | None] = g.setdefault("df_people", {})
    if username not in known:
        known[username] = engine().people.names([username]).people.get(username)
    found = known[username]
    if found is None:
        return f"{username}（{org_name(org)}）" if org else username
    return f"{found[0]}（{org_name(org) if org else found[1]}）"


def init_app(app: Flask) -> None:
    from webapp.admin_log_text import log_actor, log_field, log_subject, log_value

    app.jinja_env.globals.update(org_name=org_name, person=person, definition_name=definition_name,
                                 log_actor=log_actor, log_subject=log_subject, log_field=log_field, log_value=log_value)

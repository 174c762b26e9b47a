"""The administration log in words (issue 22 item 5): who, what about, and each detail under a Chinese label.

The log stores usernames, unit codes and payload keys; the auditor reads 政府办主任（示范县人民政府办公室）,
用户, 所属单位, 角色 in Chinese. The stored values stay on the page (a username in the title of its name),
so the record can still be matched against the chain.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext

from webapp.i18n import role_label
from webapp.names import org_name, person

SUBJECTS = {"user": lazy_gettext("User"), "organisation": lazy_gettext("Organisation"),
            "org": lazy_gettext("Organisation"), "role": lazy_gettext("Role"),
            "definition": lazy_gettext("Process definition"),
            "catalogue": lazy_gettext("Decision catalogue"), "migration": lazy_gettext("Migration plan"),
            "distid": lazy_gettext("Distribution id")}
FIELDS = {"display_name": lazy_gettext("Name"), "org": lazy_gettext("Unit"), "roles": lazy_gettext("Roles"),
          "added": lazy_gettext("Roles added"), "removed": lazy_gettext("Roles removed"),
          "unlocked": lazy_gettext("Unlocked"), "active": lazy_gettext("Active"), "client": lazy_gettext("Client"),
          "code": lazy_gettext("Code"), "name": lazy_gettext("Name"), "kind": lazy_gettext("Kind"),
          "title_zh": lazy_gettext("Chinese name"), "title_en": lazy_gettext("English name"),
          "key": lazy_gettext("Key"), "version": lazy_gettext("Version"), "new": lazy_gettext("New version"),
          "sha256": lazy_gettext("Hash"), "bundle_sha256": lazy_gettext("Hash"), "year": lazy_gettext("Year"),
          "items": lazy_gettext("Items"), "rows": lazy_gettext("Rows"), "published": lazy_gettext("Published"),
          "days": lazy_gettext("Days"), "token_id": lazy_gettext("Token")}
ACTORS = {"setup": lazy_gettext("system setup")}


def log_actor(username: str) -> str:
    return str(ACTORS[username]) if username in ACTORS else person(username)


def log_subject(subject: str) -> str:
    kind, _, code = subject.partition(":")
    if kind not in SUBJECTS:
        return subject
    shown = person(code) if kind == "user" else org_name(code) if kind in ("org", "organisation") else code
    return f"{SUBJECTS[kind]}：{shown}"


def log_field(key: str) -> str:
    return str(FIELDS.get(key, key))


def log_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if key in ("roles", "added", "removed") and isinstance(value, list):
        return "、".join(role_label(str(r)) for r in value)
    if key == "org" and isinstance(value, str):
        return org_name(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)

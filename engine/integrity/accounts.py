"""Accounts rebuilt from the administration log: organisations, roles, users, grants, tokens (DF-INTEGRITY).

Who may do a step is decided by these rows (a user's organisation and roles, a four-eyes grant, an API
token's hash), so an attacker who changes one alone would act as someone else. Every change to them is
an administration log entry — by an administrator (engine/services/accounts.py, grants.py, tokens.py)
or by set-up (engine/services/people.py) — and `Accounts` folds those entries, in log order, into the
rows the tables must hold; `check` compares them column by column. A database made before set-up was
logged starts from one `accounts_baseline` entry (migration 0013e), a snapshot of the rows as they were
then: what happened before it is trusted once, what happens after it is proved.

The state is held in memory: a county has hundreds of users and the log is read once, streamed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from engine.chain import timestamp
from engine.integrity.findings import Finding
from engine.persistence.tables import ApiToken, Organisation, Role, RoleGrant, User, UserRole

KINDS = frozenset({"organisation_created", "role_defined", "user_created", "user_changed", "roles_changed",
                   "active_changed", "grant_requested", "grant_approved", "grant_rejected", "token_issued",
                   "token_revoked", "accounts_baseline"})
"""The log entries that change an account row; the others (logins, deploys, …) are folded elsewhere or not."""

_ORG_COLUMNS = ("name", "kind")
_ROLE_COLUMNS = ("title_zh", "title_en")
_USER_COLUMNS = ("display_name", "org_id", "active", "created_at")
_GRANT_COLUMNS = ("user_id", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at")
_TOKEN_COLUMNS = ("user_id", "name", "token_hash", "prefix", "created_at", "expires_at", "revoked_at")


@dataclass
class Accounts:
    """The account rows the log implies, keyed by their natural keys; values as the log writes them."""

    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    grants: dict[int, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[int, dict[str, Any]] = field(default_factory=dict)
    seq: dict[tuple[str, Any], int] = field(default_factory=dict)
    """(table, key) → the last entry that changed the row: the seq a finding names."""

    def fold(self, entry: Any) -> None:
        """Apply one log entry (any object with seq, at, actor, kind, subject, payload)."""
        if entry.kind not in KINDS:
            return
        getattr(self, "_" + entry.kind)(entry, entry.payload)

    def _touch(self, table: str, key: Any, seq: int) -> None:
        self.seq[(table, key)] = seq

    def _organisation_created(self, entry: Any, p: dict[str, Any]) -> None:
        self.organisations[p["code"]] = {"name": p["name"], "kind": p["kind"]}
        self._touch("organisations", p["code"], entry.seq)

    def _role_defined(self, entry: Any, p: dict[str, Any]) -> None:
        self.roles[p["name"]] = {"title_zh": p["title_zh"], "title_en": p["title_en"]}
        self._touch("roles", p["name"], entry.seq)

    def _user_created(self, entry: Any, p: dict[str, Any]) -> None:
        name = _username(entry)
        self.users[name] = {"display_name": p["display_name"], "org_id": p["org"], "active": True,
                            "created_at": timestamp(entry.at), "roles": set(p.get("roles", ()))}
        self._touch("users", name, entry.seq)

    def _user_changed(self, entry: Any, p: dict[str, Any]) -> None:
        user = self._user(entry)
        for column, key in (("display_name", "display_name"), ("org_id", "org")):
            if key in p:
                user[column] = p[key][1]

    def _roles_changed(self, entry: Any, p: dict[str, Any]) -> None:
        self._user(entry)["roles"] = set(p["after"])

    def _active_changed(self, entry: Any, p: dict[str, Any]) -> None:
        self._user(entry)["active"] = bool(p["active"])

    def _grant_requested(self, entry: Any, p: dict[str, Any]) -> None:
        self.grants[p["grant"]] = {"user_id": _username(entry), "role": p["role"], "status": "pending",
                                   "requested_by": entry.actor, "requested_at": timestamp(entry.at),
                                   "decided_by": None, "decided_at": None}
        self._touch("role_grants", p["grant"], entry.seq)

    def _decided(self, entry: Any, p: dict[str, Any], status: str) -> None:
        grant = self.grants.setdefault(p["grant"], {"user_id": _username(entry), "role": p["role"],
                                                    "requested_by": p.get("requested_by")})
        grant.update(status=status, decided_by=entry.actor, decided_at=timestamp(entry.at))
        self._touch("role_grants", p["grant"], entry.seq)

    def _grant_approved(self, entry: Any, p: dict[str, Any]) -> None:
        self._decided(entry, p, "approved")
        self._user(entry)["roles"] = set(p["after"])

    def _grant_rejected(self, entry: Any, p: dict[str, Any]) -> None:
        self._decided(entry, p, "rejected")

    def _token_issued(self, entry: Any, p: dict[str, Any]) -> None:
        self.tokens[p["token_id"]] = {"user_id": _username(entry), "name": p["name"],
                                      "token_hash": p.get("token_sha256"), "prefix": p["prefix"],
                                      "created_at": timestamp(entry.at), "expires_at": p["expires_at"],
                                      "revoked_at": None}
        self._touch("api_tokens", p["token_id"], entry.seq)

    def _token_revoked(self, entry: Any, p: dict[str, Any]) -> None:
        token = self.tokens.setdefault(p["token_id"], {"user_id": _username(entry), "name": p.get("name"),
                                                       "prefix": p.get("prefix")})
        token["revoked_at"] = timestamp(entry.at)
        self._touch("api_tokens", p["token_id"], entry.seq)

    def _accounts_baseline(self, entry: Any, p: dict[str, Any]) -> None:
        """Start again from the snapshot: the rows as they stood when the log began to hold set-up."""
        self.organisations = {o["code"]: {"name": o["name"], "kind": o["kind"]} for o in p["organisations"]}
        self.roles = {r["name"]: {"title_zh": r["title_zh"], "title_en": r["title_en"]} for r in p["roles"]}
        self.users = {u["username"]: {"display_name": u["display_name"], "org_id": u["org"], "active": u["active"],
                                      "created_at": u["created_at"], "roles": set(u["roles"])} for u in p["users"]}
        self.grants = {g["id"]: {c: g[c] for c in _GRANT_COLUMNS} for g in p["grants"]}
        self.tokens = {t["id"]: {c: t[c] for c in _TOKEN_COLUMNS} for t in p["tokens"]}
        self.seq = {}
        for table, keys in (("organisations", self.organisations), ("roles", self.roles), ("users", self.users),
                            ("role_grants", self.grants), ("api_tokens", self.tokens)):
            for key in keys:
                self._touch(table, key, entry.seq)

    def _user(self, entry: Any) -> dict[str, Any]:
        name = _username(entry)
        self._touch("users", name, entry.seq)
        return self.users.setdefault(name, {"roles": set()})


def _username(entry: Any) -> str:
    return str(entry.subject).removeprefix("user:")


# --- the rows as they are -----------------------------------------------------------------------------


def snapshot(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """The account rows in the log's terms: the payload of an `accounts_baseline` entry, and what `check` reads."""
    orgs = {row.id: row for row in connection.execute(select(Organisation.__table__))}
    users = {row.id: row for row in connection.execute(select(User.__table__))}
    roles: dict[int, list[str]] = {}
    for user_id, role in connection.execute(select(UserRole.user_id, UserRole.role).order_by(UserRole.role)):
        roles.setdefault(user_id, []).append(role)

    def who(user_id: Any) -> str | None:
        return users[user_id].username if user_id in users else None

    def when(moment: Any) -> str | None:
        return None if moment is None else timestamp(moment)

    return {
        "organisations": [{"code": o.code, "name": o.name, "kind": o.kind}
                          for o in sorted(orgs.values(), key=lambda o: o.code)],
        "roles": [{"name": r.name, "title_zh": r.title_zh, "title_en": r.title_en}
                  for r in connection.execute(select(Role.__table__).order_by(Role.name))],
        "users": [{"username": u.username, "display_name": u.display_name,
                   "org": orgs[u.org_id].code if u.org_id in orgs else None, "active": bool(u.active),
                   "created_at": when(u.created_at), "roles": roles.get(u.id, [])}
                  for u in sorted(users.values(), key=lambda u: u.username)],
        "grants": [{"id": g.id, "user_id": who(g.user_id), "role": g.role, "status": g.status,
                    "requested_by": g.requested_by, "requested_at": when(g.requested_at),
                    "decided_by": g.decided_by, "decided_at": when(g.decided_at)}
                   for g in connection.execute(select(RoleGrant.__table__).order_by(RoleGrant.id))],
        "tokens": [{"id": t.id, "user_id": who(t.user_id), "name": t.name, "token_hash": t.token_hash,
                    "prefix": t.prefix, "created_at": when(t.created_at), "expires_at": when(t.expires_at),
                    "revoked_at": when(t.revoked_at)}
                   for t in connection.execute(select(ApiToken.__table__).order_by(ApiToken.id))],
    }


def check(connection: Connection, expected: Accounts) -> Iterator[Finding]:
    """Every account row against the fold of the log: extra, missing and differing rows by natural key."""
    have = snapshot(connection)
    yield from _compare(expected, "organisations", expected.organisations,
                        {o["code"]: o for o in have["organisations"]}, _ORG_COLUMNS)
    yield from _compare(expected, "roles", expected.roles, {r["name"]: r for r in have["roles"]}, _ROLE_COLUMNS)
    users = {u["username"]: {**u, "org_id": u["org"]} for u in have["users"]}
    yield from _compare(expected, "users", expected.users, users, _USER_COLUMNS)
    yield from _user_roles(expected, users)
    yield from _compare(expected, "role_grants", expected.grants, {g["id"]: g for g in have["grants"]},
                        _GRANT_COLUMNS)
    yield from _compare(expected, "api_tokens", expected.tokens, {t["id"]: t for t in have["tokens"]},
                        _TOKEN_COLUMNS)
    for table, column, key in _orphans(connection):
        yield Finding("extra_row", table, key, column)


def _compare(expected: Accounts, table: str, want: dict[Any, dict[str, Any]], rows: dict[Any, dict[str, Any]],
             columns: tuple[str, ...]) -> Iterator[Finding]:
    for key, row in rows.items():
        if key not in want:
            yield Finding("extra_row", table, str(key))
            continue
        for column in columns:
            recorded = want[key].get(column)
            if column == "token_hash" and recorded is None:
                continue  # issued before tokens' hashes were logged and before the baseline: nothing to compare
            if row[column] != recorded:
                yield Finding("differs", table, str(key), column, seq=expected.seq.get((table, key)),
                              expected=recorded, actual=row[column])
    for key in want.keys() - rows.keys():
        yield Finding("missing_row", table, str(key), seq=expected.seq.get((table, key)))


def _user_roles(expected: Accounts, users: dict[str, dict[str, Any]]) -> Iterator[Finding]:
    for name in sorted(users.keys() & expected.users.keys()):
        held, recorded = set(users[name]["roles"]), expected.users[name].get("roles", set())
        seq = expected.seq.get(("users", name))
        for role in sorted(held - recorded):
            yield Finding("extra_row", "user_roles", f"{name}/{role}", "role", seq=seq)
        for role in sorted(recorded - held):
            yield Finding("missing_row", "user_roles", f"{name}/{role}", "role", seq=seq)


def _orphans(connection: Connection) -> Iterator[tuple[str, str, str]]:
    """Role rows of a user who is not there (a tamperer with foreign keys off): no username to compare by."""
    user_ids = select(User.id)
    for (user_id, role) in connection.execute(select(UserRole.user_id, UserRole.role)
                                              .where(UserRole.user_id.not_in(user_ids))):
        yield "user_roles", "user_id", f"user_id={user_id}/{role}"

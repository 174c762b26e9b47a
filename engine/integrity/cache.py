"""The one list of columns verify does not rebuild from a chain, each with the reason (DF-INTEGRITY).

Every other column of every table is either part of a chained event (`events`, `admin_events`, and
the log's head `admin_log_head`) or a projection that verify rebuilds from the chains and compares
(engine/integrity/projection.py, documents.py, admin.py). The tamper matrix
(tests/engine/test_integrity_matrix.py) walks the table metadata and holds every column to that.

`CACHE` holds what decides nothing a guard, page, the API or the archive reports as a fact of a
procedure: surrogate keys (rows are matched by their natural key), operational and security state
that lives outside the record by design, and personal data the chain leaves out on purpose.
`GAPS` holds columns that do decide something but that verify cannot rebuild yet: they are the
follow-up, listed here so that nobody mistakes them for covered (none today). A `scheduled_runs` row that starts
no procedure (the daily digest's) has no event either: verify checks only the runs that start one.
"""

from __future__ import annotations

_SURROGATE = "surrogate key: rows are matched by their natural key, which is checked"
_SESSION = "security state of a login (not part of any procedure's record); ends on logout or timeout"
_THROTTLE = "operational counter against password guessing; decides when a login may be tried again, not a fact"
_PERSONAL = "personal data the chain leaves out on purpose (consultation.py); shown to the handling unit only"
_CHALLENGE = "a spent anti-abuse challenge, kept until its token expires; decides nothing stored"

CACHE: dict[str, str] = {
    "timers.id": _SURROGATE + " (task_id)",
    "reminders.id": _SURROGATE + " (procedure and order of reminder_sent events)",
    "consultations.id": _SURROGATE + " (procedure and order of opening); opinions' link to it is checked",
    "opinions.id": _SURROGATE + " (receipt); duplicate_of is checked against it",
    "catalogue_items.id": _SURROGATE + " (year, code)",
    "organisations.id": _SURROGATE + " (code); users' organisation is checked by code",
    "users.id": _SURROGATE + " (username); roles, grants and tokens are checked by username",
    "opinions.name": _PERSONAL,
    "opinions.contact": _PERSONAL,
    "opinions.client_hash": "anti-abuse fingerprint of the sender's client; decides nothing about the opinion",
    "users.password_hash": "a credential, never logged (adminlog.py); password_changed entries record each change",
    "users.failed_logins": _THROTTLE,
    "users.locked_until": _THROTTLE,
    "users.password_changed_at": "when the password last changed, for the expiry reminder; the log has each change",
    "users.email": "where the daily digest is mailed; decides no step of any procedure",
    "api_tokens.last_used_at": "operational: when the token was last used; decides nothing",
    **{f"web_sessions.{c}": _SESSION for c in ("id", "token_hash", "user_id", "created_at", "last_seen_at",
                                                "ended_at", "end_reason")},
    **{f"login_throttles.{c}": _THROTTLE for c in ("name_hash", "failed_logins", "locked_until")},
    "used_challenges.nonce_sha256": _CHALLENGE,
    "used_challenges.expires_at": _CHALLENGE,
    **{f"worker_heartbeats.{c}": "liveness of a worker for /readyz; operational, decides nothing"
       for c in ("name", "host", "pid", "started_at", "beat_at", "fired")},
    **{f"tallies.{c}": "running totals for /metrics (engine/persistence/tallies.py): operational, decide no step; "
       "tests/engine/test_tallies.py holds them to a count of the rows" for c in ("name", "key", "shard", "n")},
    **{f"drafts.{c}": "a user's unsubmitted typing (暂存, engine/services/drafts.py): no guard, record page, "
       "archive or API of the record reads it; it becomes a fact only through tasks.complete"
       for c in ("task_id", "username", "data", "saved_at")},
}

GAPS: dict[str, str] = {}
"""Empty: the account tables and migration proposals are folded from the administration log (accounts.py,
proposals.py). Kept so that a column added without a rebuild has one place to be declared, and the tamper
matrix one place to read."""


def listed(table: str, column: str) -> str | None:
    """Why `table.column` is not rebuilt by verify, or None when it is."""
    return CACHE.get(f"{table}.{column}") or GAPS.get(f"{table}.{column}")

"""Accounts rebuilt from the administration log (DF-INTEGRITY, issue 18 item 1).

Who may do a step is decided by the account rows, so a change to one alone must be found: by set-up's
entries for rows made since they are logged, and by migration 0013e's baseline for rows made before.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from engine.integrity import check
from engine.persistence import schema

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _verify(url: str) -> list:
    db = create_engine(url)
    try:
        with db.connect() as connection:
            return list(check.verify(connection))
    finally:
        db.dispose()


def _run(url: str, *statements: str, **params: object) -> None:
    db = create_engine(url)
    try:
        with db.begin() as connection:
            for sql in statements:
                connection.execute(text(sql), params)
    finally:
        db.dispose()


def _log(url: str) -> list:
    db = create_engine(url)
    try:
        with db.connect() as connection:
            return list(connection.execute(text("SELECT seq, actor, kind, payload FROM admin_events ORDER BY seq")))
    finally:
        db.dispose()


def test_df_integrity_a_fresh_database_has_no_baseline_entry(db_url):
    assert _log(db_url) == []
    assert _verify(db_url) == []


def test_df_integrity_accounts_made_before_set_up_was_logged_are_proved_from_the_baseline(db_url):
    command.downgrade(schema.alembic_config(db_url), "0013d")  # a database as it stood before set-up was logged
    _run(db_url,
         "INSERT INTO organisations (id, code, name, kind) VALUES (1, 'gov_office', '县人民政府办公室', 'gov_office')",
         "INSERT INTO roles (name, title_zh, title_en) VALUES ('sponsor', '决策承办单位', 'Sponsor')",
         "INSERT INTO users (id, username, display_name, org_id, active, created_at, failed_logins) "
         "VALUES (1, 'zhang_wei', '张伟', 1, true, :at, 0)",
         "INSERT INTO user_roles (user_id, role) VALUES (1, 'sponsor')",
         at=AT)
    schema.upgrade(db_url)

    [baseline] = _log(db_url)
    assert (baseline.actor, baseline.kind) == ("setup", "accounts_baseline")
    payload = baseline.payload if isinstance(baseline.payload, dict) else json.loads(baseline.payload)
    assert payload["users"] == [{"username": "zhang_wei", "display_name": "张伟", "org": "gov_office", "active": True,
                                 "created_at": "2026-03-01T08:00:00.000000Z", "roles": ["sponsor"]}]
    assert _verify(db_url) == []

    _run(db_url, "INSERT INTO roles (name, title_zh, title_en) VALUES ('admin', '管理员', 'Administrator')",
         "INSERT INTO user_roles (user_id, role) VALUES (1, 'admin')")
    found = _verify(db_url)
    assert [(f.kind, f.table, f.key, f.seq) for f in found] == [
        ("extra_row", "roles", "admin", None), ("extra_row", "user_roles", "zhang_wei/admin", baseline.seq)]


def test_df_integrity_a_user_moved_to_another_unit_is_found_with_the_entry_that_says_otherwise(engine):
    engine.people.ensure_organisation("gov_office", "县人民政府办公室", "gov_office")
    engine.people.ensure_organisation("justice", "县司法局", "review_office")
    engine.people.ensure_user("zhang_wei", "gov_office", ["sponsor"], "张伟")
    created = [e for e in _log(engine.settings.database_url) if e.kind == "user_created"][-1]
    _run(engine.settings.database_url,
         "UPDATE users SET org_id = (SELECT id FROM organisations WHERE code = 'justice') WHERE username = 'zhang_wei'")
    [finding] = _verify(engine.settings.database_url)
    assert (finding.table, finding.key, finding.field, finding.expected, finding.actual, finding.seq) == (
        "users", "zhang_wei", "org_id", "gov_office", "justice", created.seq)
    assert "users.org_id" in finding.zh and "gov_office" in finding.zh

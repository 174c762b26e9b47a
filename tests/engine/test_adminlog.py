"""The administration log (DF-AUDIT): each administrative act is chained; tampering is found."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.chain import canonical, timestamp
from engine.cli import cli
from engine.config import Settings
from engine.core import build_engine
from engine.crypto_suite import GENESIS_SM3, genesis, hash_alg
from engine.domain.errors import AccountForbidden, AccountInvalid, AdminLogForbidden
from engine.integrity import check
from engine.persistence.tables import AdminEvent
from engine.services import adminlog
from engine.services.accounts import NOT_A_USERNAME
from engine.services.adminlog import admin_event_hash, check_chain
from tests.conftest import FIXTURES, bundle
from tests.helpers import tamper, triggers_off, without_setup
from tests.processes.md_scenario import CATALOGUE

CLIENT = "10.0.0.7"


@pytest.fixture
def staff(engine):
    """An administrator and an auditor, set up directly (set-up's entries are by `setup`)."""
    engine.people.ensure_organisation("gov_office", "县人民政府办公室", "gov_office")
    engine.people.ensure_organisation("audit_office", "县审计局", "auditor")
    for role in ("admin", "auditor", "sponsor", "supervisor"):
        engine.people.ensure_role(role, role, role)
    return (engine.people.ensure_user("admin", "gov_office", ["admin"]),
            engine.people.ensure_user("auditor", "audit_office", ["auditor"]))


def entries(engine, auditor):
    return engine.adminlog.events(auditor)


def kinds(engine, auditor):
    return [e.kind for e in entries(engine, auditor)]


def administrative(engine, auditor):
    """The kinds of the entries an administrator (not set-up) wrote, in order."""
    return [e.kind for e in without_setup(entries(engine, auditor))]


def test_df_integrity_set_up_is_logged_as_setup_so_verify_can_rebuild_accounts(engine, staff):
    """Set-up makes rows without an administrator, never without an entry: organisations, roles, users."""
    _, auditor = staff
    setup = [(e.kind, e.subject) for e in entries(engine, auditor) if e.actor == "setup"]
    assert setup[:2] == [("organisation_created", "organisation:gov_office"),
                         ("organisation_created", "organisation:audit_office")]
    assert [s for k, s in setup if k == "role_defined"] == ["role:admin", "role:auditor", "role:sponsor",
                                                             "role:supervisor"]
    assert [s for k, s in setup if k == "user_created"] == ["user:admin", "user:auditor"]
    engine.people.ensure_user("auditor", "audit_office", ["auditor", "supervisor"])
    changed = [e for e in entries(engine, auditor) if e.kind == "roles_changed"][-1]
    assert (changed.actor, changed.payload["added"]) == ("setup", ["supervisor"])
    with engine.db.connect() as connection:
        assert list(check.verify(connection)) == []


def test_df_audit_log_records_each_administrative_act(engine, staff, clock):
    admin, auditor = staff
    key = engine.definitions.deploy(*bundle("review_loop.bpmn"), "admin").key
    engine.catalogue.load(json.loads(CATALOGUE.read_text(encoding="utf-8")), "admin")
    engine.accounts.create_organisation(admin, "transport", "县交通运输局", "department")
    engine.accounts.create_user(admin, "zhou_min", "周敏", "transport", ["sponsor"], "argon2-hash")
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "supervisor"])
    engine.accounts.update_user(admin, "zhou_min", password_hash="another-hash")
    engine.accounts.update_user(admin, "zhou_min", active=False)
    issued = engine.tokens.issue(admin, "对接系统", 30)
    engine.tokens.revoke(admin, issued.token.id)
    assert engine.accounts.record_login("admin", True, CLIENT)
    assert not engine.accounts.record_login("admin", False, CLIENT)

    log = {e.kind: e for e in without_setup(entries(engine, auditor))}
    assert list(log) == ["definition_deployed", "catalogue_loaded", "organisation_created", "user_created",
                         "roles_changed", "password_changed", "active_changed", "token_issued", "token_revoked",
                         "login", "login_failed"]
    deployed = log["definition_deployed"]
    assert (deployed.actor, deployed.subject) == ("admin", f"definition:{key}")
    assert deployed.payload["version"] == 1 and len(deployed.payload["sha256"]) == 64
    assert log["catalogue_loaded"].payload["year"] == 2026 and len(log["catalogue_loaded"].payload["sha256"]) == 64
    assert log["user_created"].payload == {"display_name": "周敏", "org": "transport", "roles": ["sponsor"]}
    assert log["roles_changed"].payload == {"before": ["sponsor"], "after": ["sponsor", "supervisor"],
                                            "added": ["supervisor"], "removed": []}
    assert log["active_changed"].payload == {"active": False}
    assert "another-hash" not in json.dumps([e.payload for e in log.values()])  # never a hash or a secret
    assert issued.secret not in json.dumps([e.payload for e in log.values()])
    assert log["token_issued"].payload["token_id"] == issued.token.id
    assert log["login"].payload == {"client": CLIENT}
    assert log["login_failed"].payload == {"client": CLIENT, "reason": "wrong_password"}
    assert all(e.at == clock.now() for e in log.values())
    assert engine.adminlog.verify().ok


def test_df_audit_log_is_chained_from_genesis(engine, staff):
    admin, auditor = staff
    for name in ("a1", "a2", "a3"):
        engine.accounts.create_organisation(admin, name, name, "other")
    log = entries(engine, auditor)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert [e.subject for e in log[-3:]] == ["organisation:a1", "organisation:a2", "organisation:a3"]
    assert log[0].prev_hash == genesis(hash_alg(engine.settings.crypto_suite)) == GENESIS_SM3  # sm by default
    assert all(e.hash.startswith("sm3:") for e in log)
    for previous, entry in pairwise(log):
        assert entry.prev_hash == previous.hash
    for e in log:
        assert e.hash == admin_event_hash(e.seq, e.at, e.actor, e.kind, e.subject, e.payload, e.prev_hash)
    assert engine.adminlog.count(auditor) == len(log)


def test_unchanged_deploys_and_unchanged_values_write_no_entry(engine, staff):
    admin, auditor = staff
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "admin")
    engine.definitions.deploy(*bundle("review_loop.bpmn"), "admin")
    engine.accounts.create_user(admin, "zhou_min", "周敏", "gov_office", ["sponsor"], "h")
    engine.accounts.update_user(admin, "zhou_min", display_name="周敏", grant=["sponsor"], active=True)
    assert administrative(engine, auditor) == ["definition_deployed", "user_created"]


def test_df_audit_log_a_refused_change_writes_no_entry(engine, staff):
    admin, auditor = staff
    sponsor = engine.people.ensure_user("zhang_wei", "gov_office", ["sponsor"])
    before = engine.adminlog.count(auditor)
    with pytest.raises(AccountInvalid):
        engine.accounts.create_user(admin, "Bad Name", "x", "gov_office", [], "h")
    with pytest.raises(AccountForbidden) as refused:
        engine.accounts.create_organisation(sponsor, "x1", "x", "other")
    assert refused.value.rule == "DF-ACCOUNT"
    with pytest.raises(AccountInvalid):
        engine.accounts.update_user(admin, "admin", grant=[])  # nobody removes their own admin rights
    assert engine.adminlog.count(auditor) == before


def test_df_audit_log_entry_and_change_are_one_transaction(engine, staff):
    admin, auditor = staff

    def crash() -> None:
        raise RuntimeError("power cut before the commit")

    before = engine.adminlog.count(auditor)
    engine.before_commit = crash
    with pytest.raises(RuntimeError):
        engine.accounts.create_user(admin, "zhou_min", "周敏", "gov_office", ["sponsor"], "h")
    engine.before_commit = None
    assert "zhou_min" not in {u.username for u in engine.accounts.users_page(admin, limit=200)}
    assert engine.adminlog.count(auditor) == before
    engine.accounts.create_user(admin, "zhou_min", "周敏", "gov_office", ["sponsor"], "h")
    assert [e.seq for e in entries(engine, auditor)][before:] == [before + 1]


def test_df_audit_log_is_open_to_auditors_only(engine, staff):
    admin, auditor = staff
    engine.accounts.create_organisation(admin, "transport", "县交通运输局", "department")
    sponsor = engine.people.ensure_user("zhang_wei", "gov_office", ["sponsor"])
    for who in (admin, sponsor):
        with pytest.raises(AdminLogForbidden) as refused:
            engine.adminlog.events(who)
        assert refused.value.rule == "DF-AUDIT"
    assert administrative(engine, auditor) == ["organisation_created"]


# --- logins and lockout ------------------------------------------------------------------------------

def test_df_audit_log_failed_logins_name_their_reason(engine, staff):
    admin, auditor = staff
    engine.accounts.create_user(admin, "zhou_min", "周敏", "gov_office", ["sponsor"], "h")
    engine.accounts.update_user(admin, "zhou_min", active=False)
    before = engine.adminlog.count(auditor)
    assert not engine.accounts.record_login("nobody", True, CLIENT)
    assert not engine.accounts.record_login("zhou_min", True, CLIENT)
    assert not engine.accounts.record_login("Tr0ub4dor&3", False, None)  # a password typed in the name box
    failed = entries(engine, auditor)[before:]
    assert [(e.actor, e.payload["reason"]) for e in failed] == [
        ("nobody", "unknown_user"), ("zhou_min", "inactive"), (NOT_A_USERNAME, "unknown_user")]
    assert failed[2].payload["client"] is None
    assert "Tr0ub4dor" not in json.dumps([e.payload for e in failed] + [e.subject for e in failed])


def test_df_audit_log_repeated_failures_lock_the_account(engine, staff, clock):
    _admin, auditor = staff
    for _ in range(4):
        assert not engine.accounts.record_login("admin", False, CLIENT)
    assert engine.accounts.record_login("admin", True, CLIENT)  # a success clears the count
    for _ in range(5):
        assert not engine.accounts.record_login("admin", False, CLIENT)
    lockout = entries(engine, auditor)[-1]
    assert (lockout.kind, lockout.actor, lockout.subject) == ("lockout", "system", "user:admin")
    assert lockout.payload["failures"] == 5 and lockout.payload["minutes"] == 15

    clock.advance(minutes=14, seconds=59)
    assert not engine.accounts.record_login("admin", True, CLIENT)  # the right password, still locked
    locked = entries(engine, auditor)[-1]
    assert locked.payload == {"client": CLIENT, "reason": "locked", "password_ok": True}
    clock.advance(seconds=1)
    assert engine.accounts.record_login("admin", True, CLIENT)
    assert kinds(engine, auditor).count("lockout") == 1
    assert engine.adminlog.verify().ok


def test_df_audit_log_lockout_counts_afresh_after_it_ends(engine, staff, clock):
    _admin, auditor = staff
    for _ in range(5):
        engine.accounts.record_login("auditor", False, CLIENT)
    clock.advance(minutes=15)
    for _ in range(4):
        assert not engine.accounts.record_login("auditor", False, CLIENT)
    assert engine.accounts.record_login("auditor", True, CLIENT)
    assert kinds(engine, auditor).count("lockout") == 1


def test_df_account_a_new_password_from_the_administrator_lifts_a_lockout(engine, staff):
    admin, auditor = staff
    for _ in range(5):
        engine.accounts.record_login("auditor", False, CLIENT)
    engine.accounts.update_user(admin, "auditor", password_hash="new-hash")
    assert entries(engine, auditor)[-1].payload == {"unlocked": True}
    assert engine.accounts.record_login("auditor", True, CLIENT)


def test_lockout_threshold_and_minutes_come_from_the_environment(db_url, clock, staff):
    settings = Settings.from_env({"DATABASE_URL": db_url, "DECISIONFLOW_LOCKOUT_THRESHOLD": "2",
                                  "DECISIONFLOW_LOCKOUT_MINUTES": "60"})
    assert (settings.lockout_threshold, settings.lockout_minutes) == (2, 60)
    strict = build_engine(settings, clock)
    try:
        strict.accounts.record_login("admin", False, CLIENT)
        strict.accounts.record_login("admin", False, CLIENT)
        clock.advance(minutes=59)
        assert not strict.accounts.record_login("admin", True, CLIENT)
        clock.advance(minutes=1)
        assert strict.accounts.record_login("admin", True, CLIENT)
    finally:
        strict.dispose()
    with pytest.raises(ValueError, match="LOCKOUT_THRESHOLD"):
        Settings.from_env({"DECISIONFLOW_LOCKOUT_THRESHOLD": "five"})
    assert Settings.from_env({}).lockout_threshold == 5


# --- tampering ---------------------------------------------------------------------------------------

def tamper_log(engine, sql: str, **params: object) -> None:
    tamper(engine, sql, table="admin_events", **params)



@pytest.fixture
def logged(engine, staff, clock):
    """Five entries: an organisation, a user, a role change, a login and a failed login."""
    admin, _auditor = staff
    engine.accounts.create_organisation(admin, "transport", "县交通运输局", "department")
    engine.accounts.create_user(admin, "zhou_min", "周敏", "transport", ["sponsor"], "h")
    clock.advance(minutes=5)
    engine.accounts.update_user(admin, "zhou_min", grant=["sponsor", "supervisor"])
    engine.accounts.record_login("zhou_min", True, CLIENT)
    engine.accounts.record_login("zhou_min", False, CLIENT)
    assert engine.adminlog.verify().ok
    return engine


COLUMN_CHANGES = {
    "at": "UPDATE admin_events SET at = :at WHERE seq = 3",
    "actor": "UPDATE admin_events SET actor = 'someone_else' WHERE seq = 3",
    "kind": "UPDATE admin_events SET kind = 'login' WHERE seq = 3",
    "subject": "UPDATE admin_events SET subject = 'user:admin' WHERE seq = 3",
    "payload": "UPDATE admin_events SET payload = :payload WHERE seq = 3",
    "prev_hash": "UPDATE admin_events SET prev_hash = :fake WHERE seq = 3",
    "hash": "UPDATE admin_events SET hash = :fake WHERE seq = 3",
    "seq": "UPDATE admin_events SET seq = 99 WHERE seq = 3",
}


@pytest.mark.parametrize("column", sorted(COLUMN_CHANGES))
def test_df_audit_log_verify_names_the_seq_of_a_changed_column(logged, column):
    at = datetime(2020, 1, 1)
    if logged.db.dialect.name == "postgresql":
        at = datetime.fromisoformat("2020-01-01T00:00:00+00:00")
    tamper_log(logged, COLUMN_CHANGES[column], at=at, fake="f" * 64,
           payload='{"added": ["admin"], "removed": []}')
    report = logged.adminlog.verify()
    assert not report.ok
    assert report.first_bad_seq == 3, report
    recent = logged.adminlog.verify_recent(window=logged.adminlog.count(logged.people.actor("auditor")) - 2)
    assert not recent.ok and recent.first_bad_seq == 3, recent  # the page's bounded check, 3 in its window


def _head(engine) -> int:
    with engine.db.connect() as connection:
        return int(connection.execute(text("SELECT seq FROM admin_log_head")).scalar_one())


def test_df_audit_log_recent_check_reads_a_window_and_claims_only_that(logged):
    """Issue 21: the page recomputes the newest entries only, says which, and finds a change among them; a
    change before them is not claimed checked — `verify` (the whole log) finds it."""
    head = _head(logged)
    assert logged.adminlog.verify_recent(window=3) == adminlog.AdminLogReport(True, 3, None, "", head - 2)
    assert logged.adminlog.verify_recent(window=head + 5) == adminlog.AdminLogReport(True, head, None, "", 1)
    tamper_log(logged, "UPDATE admin_events SET actor = 'x' WHERE seq = :seq", seq=head - 1)
    recent = logged.adminlog.verify_recent(window=3)
    assert not recent.ok and recent.first_bad_seq == head - 1 and recent.from_seq == head - 2
    assert logged.adminlog.verify_recent(window=1).from_seq == head  # the head alone: still intact
    tamper_log(logged, "UPDATE admin_events SET actor = 'x' WHERE seq = 2")
    assert logged.adminlog.verify().first_bad_seq == 2


def test_df_audit_log_recent_check_finds_the_entry_before_its_window_rehashed(logged):
    """The window's first entry must name the stored hash of the one before it: rewriting that one's hash
    (to hide a change there) breaks the link the window checks."""
    head = _head(logged)
    tamper_log(logged, "UPDATE admin_events SET hash = :fake WHERE seq = :seq", fake="f" * 64, seq=head - 3)
    report = logged.adminlog.verify_recent(window=3)
    assert not report.ok and report.first_bad_seq == head - 2 and "prev_hash" in report.reason


def test_df_checkpoint_recent_admin_log_check_starts_at_the_checkpoint_head(logged, clock):
    """DF-CHECKPOINT: with a checkpoint among the newest entries, the page's check starts at the head it
    lists, and the entry there must still hold the listed hash, even if rewritten consistently after it."""
    head = _head(logged)
    logged.checkpoints.make()
    logged.accounts.record_login("zhou_min", True, CLIENT)
    report = logged.adminlog.verify_recent()
    assert report.ok and (report.from_seq, report.events, report.checkpoint) == (head + 1, 1, 1)
    assert logged.adminlog.verify_recent(window=0).checkpoint is None  # the checkpoint is outside the window
    forged = _rechained_from(logged, head)
    assert forged.adminlog.verify_recent(window=0).ok  # a consistent rewrite passes an unanchored check
    anchored = forged.adminlog.verify_recent()
    assert not anchored.ok and anchored.first_bad_seq == head and "checkpoint 1" in anchored.reason


def _rechained_from(engine, seq: int):
    """The log rewritten from entry `seq` on, each later hash and the head recomputed: what someone with
    write access does so that the chain alone still verifies."""
    with triggers_off(engine, "admin_events"), engine.db.begin() as connection:
        if engine.db.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE admin_log_head DISABLE TRIGGER admin_log_head_forward_only"))
        else:
            connection.execute(text("DROP TRIGGER admin_log_head_forward_only"))
        log = AdminEvent.__table__
        rows = connection.execute(select(log).where(log.c.seq >= seq).order_by(log.c.seq)).all()
        prev = rows[0].prev_hash
        for row in rows:
            actor = "x" if row.seq == seq else row.actor
            digest = admin_event_hash(row.seq, row.at, actor, row.kind, row.subject, row.payload, prev)
            connection.execute(text("UPDATE admin_events SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                               {"a": actor, "p": prev, "h": digest, "s": row.seq})
            prev = digest
        connection.execute(text("UPDATE admin_log_head SET hash = :h"), {"h": prev})
    assert engine.adminlog.verify().ok
    return engine


def test_df_audit_log_deleting_an_entry_is_found(logged):
    tamper_log(logged, "DELETE FROM admin_events WHERE seq = 5")
    report = logged.adminlog.verify()
    assert not report.ok and report.first_bad_seq == 5
    tamper_log(logged, "DELETE FROM admin_events WHERE seq = 2")
    assert logged.adminlog.verify().first_bad_seq == 2


def test_df_audit_log_an_entry_past_the_head_is_found(logged):
    last = logged.adminlog.events(logged.people.actor("auditor"))[-1]
    at = last.at + timedelta(seconds=1)
    seq = last.seq + 1
    forged = admin_event_hash(seq, at, "admin", "login", "user:admin", {}, last.hash)
    with logged.db.begin() as connection:
        connection.execute(text("INSERT INTO admin_events (seq, at, actor, kind, subject, payload, prev_hash, hash) "
                                "VALUES (:seq, :at, 'admin', 'login', 'user:admin', '{}', :prev, :hash)"),
                           {"seq": seq, "at": at if logged.db.dialect.name == "postgresql" else at.replace(tzinfo=None),
                            "prev": last.hash, "hash": forged})
    report = logged.adminlog.verify()
    assert not report.ok and report.first_bad_seq == seq
    recent = logged.adminlog.verify_recent(window=2)  # the page's check reads one row past the head
    assert not recent.ok and recent.first_bad_seq == seq


def test_df_audit_log_an_sm3_entry_rewritten_with_sha256_is_found():
    """The log keeps the algorithm it began with: an entry re-hashed with SHA-256 over an SM3 chain (a
    downgrade to an algorithm a forger can compute elsewhere) is named, even though its own hash is right."""
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    first = SimpleNamespace(seq=1, at=at, actor="setup", kind="role_defined", subject="role:x", payload={},
                            prev_hash=GENESIS_SM3)
    first.hash = admin_event_hash(1, at, "setup", "role_defined", "role:x", {}, GENESIS_SM3)
    body = {"seq": 2, "at": timestamp(at), "actor": "admin", "kind": "login", "subject": "user:admin",
            "payload": {}, "prev_hash": first.hash}
    second = SimpleNamespace(seq=2, at=at, actor="admin", kind="login", subject="user:admin", payload={},
                             prev_hash=first.hash, hash=hashlib.sha256(canonical(body)).hexdigest())
    report = check_chain([first, second], 2, second.hash)
    assert not report.ok and report.first_bad_seq == 2 and "sm3 to sha256" in report.reason
    assert check_chain([first], 1, first.hash).ok


@pytest.mark.parametrize("sql", [
    "UPDATE admin_events SET actor = 'x' WHERE seq = 1",
    "DELETE FROM admin_events WHERE seq = 5",
    "UPDATE admin_log_head SET seq = 3",
    "UPDATE admin_log_head SET seq = seq + 2",
    "DELETE FROM admin_log_head",
])
def test_df_audit_log_the_database_refuses_rewriting_it(logged, sql):
    with pytest.raises(DBAPIError, match=r"append-only|forward"), logged.db.begin() as connection:
        connection.execute(text(sql))
    assert logged.adminlog.verify().ok


def test_verify_admin_command_prints_first_bad_seq_and_exits_1(logged, db_url):
    runner = CliRunner()
    ok = runner.invoke(cli, ["verify", "--admin", "--database", db_url])
    assert ok.exit_code == 0, ok.output
    assert f"{logged.adminlog.count(logged.people.actor('auditor'))} entries; OK" in ok.output
    tamper_log(logged, "UPDATE admin_events SET actor = 'x' WHERE seq = 4")
    broken = runner.invoke(cli, ["verify", "--admin", "--database", db_url])
    assert broken.exit_code == 1
    assert "admin log: BROKEN at seq 4" in broken.output
    everything = runner.invoke(cli, ["verify", "--database", db_url])  # the full verify checks the log too
    assert everything.exit_code == 1 and "admin_events[4]" in everything.output, everything.output


def test_deploy_and_catalogue_commands_are_logged_with_who_ran_them(engine, staff, db_url):
    _admin, auditor = staff
    runner = CliRunner()
    result = runner.invoke(cli, ["catalogue", "load", str(CATALOGUE), "--by", "ops", "--database", db_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["deploy", str(FIXTURES / "review_loop.bpmn"), "--by", "ops", "--database", db_url])
    assert result.exit_code == 0, result.output
    loaded, deployed = entries(engine, auditor)[-2:]
    assert (loaded.kind, loaded.actor, loaded.subject) == ("catalogue_loaded", "ops", "catalogue:2026")
    assert (deployed.kind, deployed.actor, deployed.payload["version"]) == ("definition_deployed", "ops", 1)


# --- concurrency -------------------------------------------------------------------------------------

def test_df_audit_log_concurrent_appends_take_each_seq_once(engine, staff, db_url, clock, tmp_path):
    admin, auditor = staff
    writers, errors = 6, []
    before = engine.adminlog.count(auditor)
    barrier = threading.Barrier(writers)
    engines = [build_engine(Settings(database_url=db_url, key_dir=str(tmp_path / "keys")), clock)
               for _ in range(writers)]

    def write(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            engines[i].tokens.issue(admin, f"token {i}", 30)
            engines[i].accounts.record_login("admin", i % 2 == 0, CLIENT)
        except Exception as error:  # reported below, with the thread's number
            errors.append((i, error))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for built in engines:
        built.dispose()
    assert errors == []
    log = entries(engine, auditor)
    assert [e.seq for e in log] == list(range(1, before + 2 * writers + 1))
    assert engine.adminlog.verify().ok

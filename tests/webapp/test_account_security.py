"""Account security through the pages: password policy, lockout, idle timeout, the admin log page."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests.helpers import tamper, without_setup
from tests.webapp.site import PASSWORD, Browser, login, make_app
from webapp.auth import hash_password

SHANGHAI = ZoneInfo("Asia/Shanghai")

NEW_USER = {"username": "wang_li", "display_name": "王丽", "org": "housing", "roles": ["sponsor"]}


def attempt(app, username: str, password: str, address: str = "10.0.0.7"):  # type: ignore[no-untyped-def]
    browser = Browser(app.test_client())
    browser.get("/login")
    return browser.post("/login", {"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def log_of(site):  # type: ignore[no-untyped-def]
    """The entries administrators and users wrote (the demo's set-up, by `setup`, is left out)."""
    return without_setup(site.adminlog.events(site.people.actor("auditor")))


# --- password policy ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "accepted"), [
    ("Short1!", False),               # under 10 characters
    ("alllowercase", False),           # one class
    ("lowercase123", False),           # two classes
    ("Lowercase123", True),            # three classes
    ("lower-case-12", True),           # lower, other, digit
    ("a long lower-case passphrase", True),  # 16 or more: any characters
    ("Wang_li-2026!", False),          # contains the username
])
def test_df_account_password_policy_is_enforced_when_an_administrator_sets_one(site, app, password, accepted):
    admin = login(app, "admin")
    admin.get("/admin/users")
    response = admin.post("/admin/users", {**NEW_USER, "password": password})
    users = {u.username for u in site.accounts.users_page(site.people.actor("admin"), limit=200)}
    if accepted:
        assert response.status_code == 302
        assert "wang_li" in users
    else:
        assert response.status_code == 422 and "DF-ACCOUNT" in response.get_data(as_text=True)
        assert "wang_li" not in users
        assert "user_created" not in [e.kind for e in log_of(site)]


def test_df_account_password_policy_applies_to_a_reset_too(site, app):
    admin = login(app, "admin")
    admin.get("/admin/users")
    refused = admin.post("/admin/users/sponsor", {"roles": ["sponsor"], "active": "on", "password": "password12"})
    assert refused.status_code == 422
    assert "password_changed" not in [e.kind for e in log_of(site)]
    admin.get("/admin/users")
    assert admin.post("/admin/users/sponsor", {"roles": ["sponsor"], "active": "on",
                                               "password": "Neues-Passwort-1"}).status_code == 302
    assert log_of(site)[-1].kind == "password_changed"
    assert login(app, "sponsor", "Neues-Passwort-1").get("/").status_code == 200


def test_df_account_password_policy_is_configurable(site):
    strict = make_app(site, PASSWORD_MIN_LENGTH=14, PASSWORD_MIN_CLASSES=4, PASSWORD_PASSPHRASE_LENGTH=30)
    admin = login(strict, "admin")
    admin.get("/admin/users")
    assert admin.post("/admin/users", {**NEW_USER, "password": "Lowercase123"}).status_code == 422  # short
    admin.get("/admin/users")
    assert admin.post("/admin/users", {**NEW_USER, "password": "Lowercase12345"}).status_code == 422  # 3 classes
    admin.get("/admin/users")
    assert admin.post("/admin/users", {**NEW_USER, "password": "Lowercase1234!"}).status_code == 302


# --- lockout --------------------------------------------------------------------------------------------

def test_df_audit_log_a_locked_account_is_told_when_to_try_again(site, app, clock):
    answers = [attempt(app, "sponsor", "wrong-password") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 4 + [429]  # the fifth failure locks the name
    locked = attempt(app, "sponsor", PASSWORD)  # the right password, while locked
    assert locked.status_code == 429  # Flask-Limiter rewrites Retry-After in whole seconds of the real clock:
    assert 15 * 60 - 2 <= int(locked.headers["Retry-After"]) <= 15 * 60
    until = (clock.now() + timedelta(minutes=15)).astimezone(SHANGHAI).strftime("%H:%M")
    assert "请于" in locked.get_data(as_text=True) and until in locked.get_data(as_text=True)
    assert attempt(app, "nobody", PASSWORD).status_code == 401

    failed = [e for e in log_of(site) if e.kind in ("login_failed", "lockout")]
    assert [e.payload.get("reason", e.kind) for e in failed][:8] == [
        "wrong_password"] * 5 + ["lockout", "locked", "unknown_user"]
    assert failed[0].payload["client"] == "10.0.0.7"

    clock.advance(minutes=15)
    assert attempt(app, "sponsor", PASSWORD).status_code == 302
    assert log_of(site)[-1].kind == "login"


def test_df_audit_log_a_name_that_is_no_account_locks_the_same_way_and_answers_the_same(site, app):
    """The lockout answer names a time, so it must not tell an account from a name that is none."""
    pages = {}
    for name in ("sponsor", "nobody"):
        for _ in range(5):
            attempt(app, name, "wrong-password", "10.0.0.8")
        response = attempt(app, name, PASSWORD, "10.0.0.9")
        assert response.status_code == 429
        pages[name] = _without_tokens(response.get_data(as_text=True)).replace(f'value="{name}"', "")
    assert pages["sponsor"] == pages["nobody"]
    assert [e.payload for e in log_of(site) if e.kind == "lockout"][-1]["failures"] == 5


def test_df_audit_log_an_office_behind_one_address_is_not_locked_out_by_one_persons_failures(site, app):
    for _ in range(5):
        attempt(app, "sponsor", "wrong-password", "10.0.0.1")
    assert attempt(app, "sponsor", PASSWORD, "10.0.0.1").status_code == 429  # that account, locked
    assert attempt(app, "head", PASSWORD, "10.0.0.1").status_code == 302  # a colleague at the same address


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'value="[^"]{20,}"', "", html)


def test_df_audit_log_every_successful_login_is_recorded_with_its_address(site, app):
    before = len(log_of(site))
    assert attempt(app, "head", PASSWORD, "192.0.2.10").status_code == 302
    entry = log_of(site)[before]
    assert (entry.kind, entry.actor, entry.subject, entry.payload) == (
        "login", "head", "user:head", {"client": "192.0.2.10"})


# --- idle timeout ---------------------------------------------------------------------------------------

def test_session_ends_after_the_idle_timeout_by_the_engine_clock(site, app, clock):
    browser = login(app, "sponsor")
    clock.advance(minutes=29)
    assert browser.get("/procedures/mine").status_code == 200  # activity restarts the count
    clock.advance(minutes=29)
    assert browser.get("/procedures/mine").status_code == 200
    clock.advance(minutes=30, seconds=1)
    response = browser.get("/procedures/mine")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/procedures/mine")
    page = browser.get(response.headers["Location"])
    assert "30" in page.get_data(as_text=True) and 'class="flash info"' in page.get_data(as_text=True)
    assert browser.get("/procedures/mine").status_code == 302  # logged out, not just redirected once


def test_idle_timeout_is_configurable_and_zero_turns_it_off(site, clock):
    short = login(make_app(site, IDLE_TIMEOUT_MINUTES=5), "sponsor")
    clock.advance(minutes=6)
    assert short.get("/").status_code == 302
    never = login(make_app(site, IDLE_TIMEOUT_MINUTES=0), "sponsor")
    clock.advance(hours=7, minutes=59)
    assert never.get("/").status_code == 200


def test_df_hardening_a_session_ends_at_its_absolute_lifetime_however_active(site, clock):
    app = make_app(site, PERMANENT_SESSION_LIFETIME=timedelta(hours=8))
    browser = login(app, "sponsor")
    for _ in range(16):
        clock.advance(minutes=29)
        assert browser.get("/procedures/mine").status_code == 200
    clock.advance(minutes=37)  # 8 h 1 min after the login
    response = browser.get("/procedures/mine")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "会话已结束" in browser.get(response.headers["Location"]).get_data(as_text=True)


# --- sessions that end ----------------------------------------------------------------------------------

def _stolen_copy(app, browser):  # type: ignore[no-untyped-def]
    """Another client holding a copy of `browser`'s session cookie, as an attacker who copied it would."""
    thief = Browser(app.test_client())
    cookie = browser.client.get_cookie("decisionflow_session")
    thief.client.set_cookie("decisionflow_session", cookie.value)
    assert thief.get("/procedures/mine").status_code == 200
    return thief


def test_df_hardening_logout_ends_every_copy_of_the_session(site, app):
    browser = login(app, "sponsor")
    thief = _stolen_copy(app, browser)
    assert browser.post("/logout").status_code == 302
    assert thief.get("/procedures/mine").status_code == 302
    assert login(app, "sponsor").get("/procedures/mine").status_code == 200  # a new login works


@pytest.mark.parametrize("change", ["password", "deactivate", "roles"])
def test_df_hardening_a_new_password_deactivation_or_new_roles_end_the_users_sessions(site, app, change):
    browser = login(app, "housing")
    thief = _stolen_copy(app, browser)
    other = login(app, "sponsor")
    admin = site.people.actor("admin")
    if change == "password":
        site.accounts.update_user(admin, "housing", password_hash=hash_password("A new password 2026"))
    elif change == "deactivate":
        site.accounts.update_user(admin, "housing", active=False)
    else:
        site.accounts.update_user(admin, "housing", grant=["sponsor", "expert"])
    for client in (browser, thief):
        assert client.get("/procedures/mine").status_code == 302
    assert other.get("/procedures/mine").status_code == 200  # another user's session goes on


def test_df_hardening_a_name_change_alone_keeps_the_session(site, app):
    browser = login(app, "housing")
    site.accounts.update_user(site.people.actor("admin"), "housing", display_name="住建局 李明")
    assert browser.get("/procedures/mine").status_code == 200



# --- the admin log page ---------------------------------------------------------------------------------

def test_df_audit_log_page_shows_entries_and_the_verification(site, app):
    admin = login(app, "admin")
    admin.get("/admin/users")
    admin.post("/admin/users", {**NEW_USER, "password": "Lowercase123"})
    auditor = login(app, "auditor")
    page = auditor.get("/audit/admin-log")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<td title="wang_li">用户：王丽（示范县住房和城乡建设局）</td>' in body and 'class="verdict ok"' in body
    assert "user:wang_li" not in body  # the subject by name, the username kept in its title
    only_logins = auditor.get("/audit/admin-log?kind=login").get_data(as_text=True)
    assert 'title="auditor">用户：钱审计' in only_logins and 'title="wang_li"' not in only_logins
    assert login(app, "admin").get("/audit/admin-log").status_code == 403


def test_df_audit_log_page_never_says_intact_for_an_entry_altered_among_those_it_checks(site, app):
    """Issue 21: the page recomputes the newest entries, not the whole log, and says which; an entry altered
    among them turns the verdict broken, naming it."""
    login(app, "admin").get("/admin/users")
    with site.db.connect() as connection:
        head = connection.execute(text("SELECT seq FROM admin_log_head")).scalar_one()
    auditor = login(app, "auditor")
    intact = auditor.get("/audit/admin-log").get_data(as_text=True)
    assert 'class="verdict ok"' in intact and "共找到" not in intact  # no count of the whole log
    tamper(site, "UPDATE admin_events SET actor = 'mallory' WHERE seq = :seq", table="admin_events", seq=head)
    broken = auditor.get("/audit/admin-log").get_data(as_text=True)
    assert 'class="verdict broken"' in broken and 'class="verdict ok"' not in broken
    assert f"{head}" in broken.partition('class="verdict broken"')[2].partition("</p>")[0]


def test_df_audit_log_page_labels_every_kind():
    from engine.services.adminlog import KINDS
    from webapp.pages.audit import ADMIN_KINDS

    assert set(ADMIN_KINDS) == set(KINDS)

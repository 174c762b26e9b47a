"""Account security through the pages: password policy, lockout, idle timeout, the admin log page."""

from __future__ import annotations

import pytest

from tests.webapp.site import PASSWORD, Browser, login, make_app

NEW_USER = {"username": "wang_li", "display_name": "王丽", "org": "housing", "roles": ["sponsor"]}


def attempt(app, username: str, password: str, address: str = "10.0.0.7"):  # type: ignore[no-untyped-def]
    browser = Browser(app.test_client())
    browser.get("/login")
    return browser.post("/login", {"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def log_of(site):  # type: ignore[no-untyped-def]
    return site.adminlog.events(site.people.actor("auditor"))


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
    users = {u.username for u in site.accounts.users(site.people.actor("admin"))}
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

def test_df_audit_log_locked_account_gets_the_same_answer_as_a_wrong_password(site, app, clock):
    answers = {}
    for i in range(5):
        answers[f"wrong {i}"] = attempt(app, "sponsor", "wrong-password").status_code
    answers["locked, right password"] = attempt(app, "sponsor", PASSWORD).status_code
    answers["unknown user"] = attempt(app, "nobody", PASSWORD).status_code
    assert set(answers.values()) == {401}, answers
    locked = attempt(app, "sponsor", PASSWORD, "10.0.0.8").get_data(as_text=True)
    unknown = attempt(app, "nobody", PASSWORD, "10.0.0.8").get_data(as_text=True)
    assert _without_tokens(locked) == _without_tokens(unknown).replace('value="nobody"', 'value="sponsor"')

    failed = [e for e in log_of(site) if e.kind in ("login_failed", "lockout")]
    assert [e.payload.get("reason", e.kind) for e in failed][:8] == [
        "wrong_password"] * 5 + ["lockout", "locked", "unknown_user"]
    assert failed[0].payload["client"] == "10.0.0.7"

    clock.advance(minutes=15)
    assert attempt(app, "sponsor", PASSWORD).status_code == 302
    assert log_of(site)[-1].kind == "login"


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
    clock.advance(days=2)
    assert never.get("/").status_code == 200


# --- the admin log page ---------------------------------------------------------------------------------

def test_df_audit_log_page_shows_entries_and_the_verification(site, app):
    admin = login(app, "admin")
    admin.get("/admin/users")
    admin.post("/admin/users", {**NEW_USER, "password": "Lowercase123"})
    auditor = login(app, "auditor")
    page = auditor.get("/audit/admin-log")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "user:wang_li" in body and 'class="verdict ok"' in body
    only_logins = auditor.get("/audit/admin-log?kind=login").get_data(as_text=True)
    assert "user:auditor" in only_logins and "user:wang_li" not in only_logins
    assert login(app, "admin").get("/audit/admin-log").status_code == 403


def test_df_audit_log_page_labels_every_kind():
    from engine.services.adminlog import KINDS
    from webapp.pages.audit import ADMIN_KINDS

    assert set(ADMIN_KINDS) == set(KINDS)

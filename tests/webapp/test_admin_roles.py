"""The users page keeps administrators administrators (issue 20): admin is held alone (DF-ADMIN-SEPARATION),
and the auditor and review roles are granted by a second administrator (DF-FOUR-EYES)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from engine.demo_procedures import Driver, drive
from tests.webapp.site import login, password_hash


@pytest.fixture
def procedure_id(site, clock) -> int:  # type: ignore[no-untyped-def]
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "comment")
    return view.id


@pytest.fixture
def second_admin(site):  # type: ignore[no-untyped-def]
    site.people.ensure_user("admin2", "gov_office", ["admin"], "第二管理员")
    site.people.set_password_hash("admin2", password_hash())


def grants_section(html: str) -> str:
    found = re.search(r'<section class="card" id="grants">(.*?)</section>', html, re.S)
    assert found, "the users page has no grants section"
    return found.group(1)


def test_df_admin_separation_the_issue_20_finding_is_refused(site, app, procedure_id):
    admin = login(app, "admin")
    admin.get("/admin/users")
    refused = admin.post("/admin/users/admin", {"roles": ["admin", "auditor"], "active": "on"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "DF-ADMIN-SEPARATION" in page and "系统管理员角色（admin）不得与其他角色（auditor）同时持有" in page
    assert site.people.actor("admin").roles == {"admin"}
    assert admin.get(f"/procedures/{procedure_id}").status_code == 403
    assert admin.get(f"/audit/procedures/{procedure_id}").status_code == 403
    admin.get("/admin/users")
    new = admin.post("/admin/users", {"username": "wang_li", "display_name": "王丽", "org": "housing",
                                      "roles": ["admin", "sponsor"], "password": "long-enough-1"})
    assert new.status_code == 422 and "DF-ADMIN-SEPARATION" in new.get_data(as_text=True)
    assert "wang_li" not in {u.username for u in site.accounts.users_page(site.people.actor("admin"), limit=200)}


def test_df_admin_separation_an_old_admin_with_auditor_reads_no_procedure(site, app, procedure_id):
    with site.db.begin() as connection:  # data from before the rule
        connection.execute(text("INSERT INTO user_roles (user_id, role) "
                                "SELECT id, 'auditor' FROM users WHERE username = 'admin'"))
    admin = login(app, "admin")
    for path in (f"/procedures/{procedure_id}", f"/audit/procedures/{procedure_id}", "/audit/", "/audit/admin-log",
                 f"/audit/procedures/{procedure_id}/replay", "/supervision"):
        assert admin.get(path).status_code == 403, path
    token = site.tokens.issue(site.people.actor("admin"), "old").secret
    api = app.test_client()
    for path in (f"/api/v1/procedures/{procedure_id}", "/api/v1/procedures/", "/api/v1/tasks/",
                 f"/api/v1/procedures/{procedure_id}/events"):
        response = api.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403, path
    assert api.get("/api/v1/procedures/", headers={"Authorization": f"Bearer {token}"}).json["rule"] == \
        "DF-ADMIN-SEPARATION"
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "只按系统管理员对待" in page  # the users page says so, next to the account
    assert admin.post("/admin/users/admin", {"roles": ["admin"], "active": "on"}).status_code == 302
    found = site.accounts.users_page(site.people.actor("admin"), "admin")
    assert [u.roles for u in found if u.username == "admin"] == [("admin",)]


def test_df_four_eyes_a_second_administrator_approves_on_the_users_page(site, app, second_admin):
    admin = login(app, "admin")
    admin.get("/admin/users")
    asked = admin.post("/admin/users/housing", {"roles": ["sponsor", "auditor"], "active": "on"}, follow_redirects=True)
    assert asked.status_code == 200
    assert "以下角色待另一名系统管理员批准后生效：审计/监督" in asked.get_data(as_text=True)
    assert site.people.actor("housing").roles == {"sponsor"}
    mine = grants_section(admin.get("/admin/users").get_data(as_text=True))
    [grant] = site.grants.pending(site.people.actor("admin"))
    assert f"/admin/grants/{grant.id}/approve" not in mine and "本人提出的申请须由另一名系统管理员批准" in mine
    self_approved = admin.post(f"/admin/grants/{grant.id}/approve")
    assert self_approved.status_code == 403 and "DF-FOUR-EYES" in self_approved.get_data(as_text=True)
    assert site.people.actor("housing").roles == {"sponsor"}

    other = login(app, "admin2")
    theirs = grants_section(other.get("/admin/users").get_data(as_text=True))
    assert f"/admin/grants/{grant.id}/approve" in theirs and "housing" in theirs and "审计/监督" in theirs
    assert other.client.post(f"/admin/grants/{grant.id}/approve").status_code == 400  # no CSRF token
    assert site.people.actor("housing").roles == {"sponsor"}
    approved = other.post(f"/admin/grants/{grant.id}/approve", follow_redirects=True)
    assert approved.status_code == 200 and "已获授角色“审计/监督”" in approved.get_data(as_text=True)
    assert site.people.actor("housing").roles == {"sponsor", "auditor"}
    assert other.post(f"/admin/grants/{grant.id}/approve").status_code == 409  # decided once

    log = login(app, "auditor").get("/audit/admin-log").get_data(as_text=True)
    assert "申请授予角色" in log and "批准授予角色" in log


def test_df_four_eyes_a_grant_rejected_on_the_page_gives_nothing(site, app, second_admin):
    admin = login(app, "admin")
    admin.get("/admin/users")
    admin.post("/admin/users", {"username": "wang_li", "display_name": "王丽", "org": "justice",
                                "roles": ["legality_reviewer"], "password": "long-enough-1"})
    [grant] = site.grants.pending(site.people.actor("admin"))
    other = login(app, "admin2")
    other.get("/admin/users")
    assert other.post(f"/admin/grants/{grant.id}/reject").status_code == 302
    assert site.people.actor("wang_li").roles == frozenset()
    assert "没有待批准的角色授予" in other.get("/admin/users").get_data(as_text=True)
    assert other.post(f"/admin/grants/{grant.id + 50}/reject").status_code == 404
    assert login(app, "sponsor").post(f"/admin/grants/{grant.id}/reject").status_code == 403

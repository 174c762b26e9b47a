"""The administrator's users page at a province's size (issue 22 item 6, issue 21 item 2): search, keyset
pages and roles grouped by statute.

The page used to list every user with every role's checkbox (29 per user, 4,800 px for the demo). It now
shows one page of users, found by login name, name or organisation and by role, each row with its roles as
words; the editor folds away and groups the checkboxes under the procedure whose steps they take.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.webapp.site import login

NEXT = re.compile(r'<a rel="next" href="([^"]+)">下一页</a>')
ROW = re.compile(r'<tr id="user-([^"]+)">')


def _rows(html: str) -> list[str]:
    return ROW.findall(html)


@pytest.fixture
def clerks(site) -> list[str]:  # type: ignore[no-untyped-def]
    """Seven more users of the housing bureau, so that pages of three take several pages."""
    names = [f"clerk_{n}" for n in range(7)]
    for n, name in enumerate(names):
        site.people.ensure_user(name, "housing", ["sponsor"], f"住建科员{n}")
    return names


def test_df_view_the_users_page_walks_every_user_once_in_username_order(site, app, clerks):
    everyone = sorted(u.username for u in site.accounts.users_page(site.people.actor("admin"), limit=200))
    assert len(everyone) > 9
    admin = login(app, "admin")
    seen, path, pages = [], "/admin/users?per_page=3", 0
    while path:
        html = admin.get(path).get_data(as_text=True)
        rows = _rows(html)
        assert 0 < len(rows) <= 3
        seen += rows
        found = NEXT.search(html)
        path, pages = (unescape(found.group(1)) if found else None), pages + 1
    assert seen == everyone and len(set(seen)) == len(seen)
    assert pages == -(-len(everyone) // 3)
    assert "per_page=3" in path_of_first_page(admin)


def path_of_first_page(admin) -> str:  # type: ignore[no-untyped-def]
    """The second page links back to the first with the same page size (the query is kept, the cursor not)."""
    html = admin.get("/admin/users?per_page=3").get_data(as_text=True)
    second = admin.get(unescape(NEXT.search(html).group(1))).get_data(as_text=True)
    found = re.search(r'<a href="([^"]+)">第一页</a>', second)
    assert found, "the second page has no link to the first"
    assert "after=" not in found.group(1)
    return unescape(found.group(1))


def test_df_view_the_users_page_finds_by_name_organisation_and_role(site, app, clerks):
    admin = login(app, "admin")
    assert _rows(admin.get("/admin/users?q=住建科员3").get_data(as_text=True)) == ["clerk_3"]
    by_org = _rows(admin.get("/admin/users?q=" + site_org_name(site, "housing")).get_data(as_text=True))
    assert set(clerks) <= set(by_org)
    auditors = _rows(admin.get("/admin/users?role=auditor").get_data(as_text=True))
    assert auditors and all("auditor" in u.roles for name in auditors
                            for u in site.accounts.users_page(site.people.actor("admin"), name) if u.username == name)
    both = _rows(admin.get("/admin/users?q=clerk_&role=sponsor&per_page=200").get_data(as_text=True))
    assert both == clerks  # "_" is a character here, not LIKE's wildcard
    nothing = admin.get("/admin/users?q=%25%25").get_data(as_text=True)
    assert _rows(nothing) == [] and "没有符合条件的用户" in nothing


def site_org_name(site, code: str) -> str:  # type: ignore[no-untyped-def]
    return next(o.name for o in site.accounts.organisations() if o.code == code)


def test_df_view_the_users_page_groups_each_role_once_under_its_procedure(site, app):
    html = login(app, "admin").get("/admin/users?q=sponsor").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/admin/users/sponsor".*?</form>', html, re.S)
    assert form, "the sponsor's editor is missing"
    boxes = re.findall(r'name="roles" value="([^"]+)"', form.group(0))
    assert sorted(boxes) == sorted(r.name for r in site.accounts.roles())
    assert len(boxes) == len(set(boxes))  # a role is never offered twice
    legends = re.findall(r"<legend>([^<]+)</legend>", form.group(0))
    assert "程序角色：重大行政决策程序" in legends and legends[-1] == "系统管理"
    assert "<details class=\"user-edit\"" in html  # the checkboxes fold away until asked for


def test_df_view_a_refused_save_shows_its_user_even_beyond_the_first_page(site, app):
    for n in range(60):
        site.people.ensure_user(f"aa_{n:02d}", "housing", ["sponsor"], f"科员{n}")
    admin = login(app, "admin")
    assert "user-sponsor" not in admin.get("/admin/users").get_data(as_text=True)
    refused = admin.post("/admin/users/sponsor", {"roles": ["admin", "sponsor"], "active": "on"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert _rows(html)[-1:] == ["sponsor"] and "DF-ADMIN-SEPARATION" in html


def test_df_view_the_users_page_refuses_a_bad_cursor_naming_the_field(app):
    response = login(app, "admin").get("/admin/users?after=nonsense")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "DF-VIEW" in html and "after" in html

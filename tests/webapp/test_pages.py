"""Every page and every role: the right roles get 200, every other role 403, nobody anonymous.

The matrix is the access rule written down once; a page added without a role check, or a
role check that admits too much, fails here by name.
"""

from __future__ import annotations

import hashlib

import pytest

from engine.demo import USERS
from engine.services.tasks import Upload
from tests.webapp.site import USERNAMES, login, make_app

SPONSORS = {username for username, _, _, roles in USERS if "sponsor" in roles}
INBOX = set(USERNAMES) - {"auditor", "admin", "duban"}
SUPERVISORS = {username for username, _, _, roles in USERS if "supervisor" in roles}
PDF = Upload("研究论证报告.pdf", "application/pdf", b"%PDF-1.4 study report")


def _procedure_at_initiation(site):  # type: ignore[no-untyped-def]
    """A procedure of dev_reform whose proposal is done (with a document): initiation is open."""
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    site.tasks.complete(view.task("proposal"), sponsor, {"proposal_source": "leadership", "summary": "优化线网"},
                        {"study_report": PDF})
    return site.procedures.get(view.id)


def _matrix(view) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    sha = hashlib.sha256(PDF.content).hexdigest()
    return {
        "/": set(USERNAMES),
        "/tasks": INBOX,
        "/reviews": {"reviewer", "adviser"},
        "/procedures/mine": SPONSORS,
        "/procedures/new": SPONSORS,
        f"/procedures/{view.id}": {"sponsor", "head", "auditor"} | SUPERVISORS,
        f"/procedures/{view.id}/documents/{sha}": {"sponsor", "head", "auditor"} | SUPERVISORS,
        f"/tasks/{view.task('initiation')}": {"head"},
        "/audit/": {"auditor"},
        f"/audit/procedures/{view.id}": {"auditor"},
        f"/audit/procedures/{view.id}/archive.zip": {"auditor"},
        f"/audit/procedures/{view.id}/replay": {"auditor"},
        "/audit/admin-log": {"auditor"},
        "/admin/users": {"admin"},
        "/admin/definitions": {"admin"},
        "/account/tokens": set(USERNAMES),
        "/supervision": {"auditor"} | SUPERVISORS,
        "/digest": set(USERNAMES),
    }


@pytest.mark.parametrize("username", USERNAMES)
def test_df_view_each_role_sees_its_pages_and_is_refused_the_rest(site, username):
    view = _procedure_at_initiation(site)
    browser = login(make_app(site), username)
    wrong = {}
    for path, allowed in _matrix(view).items():
        status = browser.get(path).status_code
        expected = 200 if username in allowed else 403
        if status != expected:
            wrong[path] = (status, expected)
    assert wrong == {}, f"{username}: (got, expected) per page"


def test_anonymous_users_are_sent_to_the_login_page(site, app):
    view = _procedure_at_initiation(site)
    client = app.test_client()
    for path in _matrix(view):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    assert client.get("/healthz").status_code == 200


def test_post_endpoints_refuse_other_roles(site, app):
    view = _procedure_at_initiation(site)
    auditor = login(app, "auditor")
    assert auditor.post(f"/tasks/{view.task('initiation')}", {"launched": "true"}).status_code == 403
    assert auditor.post(f"/tasks/{view.task('initiation')}/claim").status_code == 403
    assert auditor.post(f"/procedures/{view.id}/withdraw", {"reason": "x"}).status_code == 403
    assert auditor.post("/admin/users", {"username": "mallory"}).status_code == 403
    assert auditor.post("/admin/users/admin", {"roles": ["auditor"]}).status_code == 403
    assert site.procedures.get(view.id).version == view.version
    assert "mallory" not in {u.username for u in site.accounts.users_page(site.people.actor("admin"), limit=200)}

"""Every list a page or the API shows comes a keyset page at a time (issue 21, Deliver item 2): walking the
下一页 links (pages) or the `Link: rel="next"` header (API) from the first page visits every row exactly once,
in the list's order, and the last page links no further; a cursor the list did not give is refused naming
the field `after`.

Here: a sponsor's own procedures, the legality review office's reviews, definition migrations, definitions,
API tokens and the procedures behind an indicator's figure. Pages of 2 (`per_page=2`) keep the walks short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import DRAFT
from tests.webapp.site import Browser, login

NEXT = re.compile(r'<a rel="next" href="([^"]+)">下一页</a>')
LINK = re.compile(r'<([^>]+)>; rel="next"')


def walk_pages(browser: Browser, path: str, rows: Callable[[str], list[str]]) -> list[list[str]]:
    """The rows of each page from `path` on, following 下一页 until a page has none."""
    pages: list[list[str]] = []
    while path:
        response = browser.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        pages.append(rows(html))
        found = NEXT.search(html)
        path = unescape(found.group(1)) if found else ""
        assert len(pages) < 50, "the links go round in circles"
    return pages


def walk_api(client: FlaskClient, path: str, headers: dict[str, str],
             row: Callable[[dict[str, Any]], object]) -> list[list[object]]:
    """`row` of each item of each page from `path` on, following `Link: rel="next"` until there is none."""
    pages: list[list[object]] = []
    while path:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert isinstance(response.json, list), "the body stays the list it always was"
        pages.append([row(item) for item in response.json])
        found = LINK.search(response.headers.get("Link", ""))
        path = found.group(1) if found else ""
        assert len(pages) < 50, "the links go round in circles"
    return pages


def assert_walked(pages: list[list[object]], expected: list[object]) -> None:
    """Every row once, in order, no page over 2 rows, and more than one page (so the cursor was followed)."""
    seen = [row for page in pages for row in page]
    assert seen == expected
    assert len(pages) > 1 and all(0 < len(page) <= 2 for page in pages)


def bearer(site, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {site.tokens.issue(site.people.actor(username), 'walk').secret}"}


def procedure_ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/procedures/(\d+)"', html)))


# -- a sponsor's own procedures and the legality reviews ------------------------------------------------------

def test_df_view_my_procedures_page_walks_every_procedure_of_the_unit_once_keeping_the_status_filter(site, app):
    sponsor = site.people.actor("sponsor")
    mine = [site.procedures.start("major_decision", f"公交线路调整第{n}号", "dev_reform", sponsor).id
            for n in range(5)]
    site.procedures.start("major_decision", "他单位的程序", "housing", site.people.actor("housing"))
    site.procedures.withdraw(mine[2], site.people.actor("head"), "决策机关决定撤回")

    pages = walk_pages(login(app, "sponsor"), "/procedures/mine?status=running&per_page=2", procedure_ids)

    assert_walked(pages, [str(i) for i in sorted(mine, reverse=True) if i != mine[2]])


def test_df_view_my_procedures_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "sponsor").get("/procedures/mine?after=not-a-cursor")
    assert response.status_code == 422
    assert "after" in response.get_data(as_text=True) and "DF-VIEW" in response.get_data(as_text=True)


def test_df_view_reviews_page_walks_every_open_review_once_soonest_first(site, app, review_loop):
    sponsor = site.people.actor("sponsor")
    reviews = []
    for n in range(5):
        view = site.procedures.start(review_loop, f"待审查决策第{n}号", "dev_reform", sponsor)
        step = site.tasks.complete(view.task("draft"), sponsor, DRAFT)
        reviews.append(step.task("review"))
    expected = [i.task_id for i in site.tasks.inbox(site.people.actor("reviewer"))]
    assert sorted(expected) == sorted(reviews)

    pages = walk_pages(login(app, "reviewer"), "/reviews?per_page=2",
                       lambda html: list(dict.fromkeys(re.findall(r'href="/tasks/([^"/?#]+)"', html))))

    assert_walked(pages, expected)


def test_df_view_reviews_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "reviewer").get("/reviews?after=not-a-cursor")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)


# -- definition migrations --------------------------------------------------------------------------------------

def _proposals(site, tmp_path, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`n` migration proposals of one running procedure to a retitled version, oldest first."""
    from tests.webapp.test_migration_api import _retitled

    procedure = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform",
                                      site.people.actor("sponsor"))
    source = site.definitions.latest("major_decision").version
    target = site.definitions.deploy(*_retitled(tmp_path, procedure.open_items[0].spec, "新标题"), "test").version
    plan = {"key": "major_decision", "source_version": source, "target_version": target,
            "procedures": [procedure.id]}
    reviewer = site.people.actor("reviewer")
    return [site.migration.propose(reviewer, plan, f"新规定施行第{k}次").id for k in range(n)]


def test_df_view_api_migrations_link_the_next_page_until_every_proposal_was_seen_once(site, app, tmp_path):
    made = _proposals(site, tmp_path, 5)

    pages = walk_api(app.test_client(), "/api/v1/migrations/?per_page=2", bearer(site, "head"), lambda p: p["id"])

    assert_walked(pages, sorted(made, reverse=True))


def test_df_view_api_migrations_refuse_a_bad_cursor_naming_the_field(site, app):
    response = app.test_client().get("/api/v1/migrations/?after=not-a-cursor", headers=bearer(site, "reviewer"))
    assert response.status_code == 422
    assert response.json["rule"] == "DF-VIEW" and response.json["field"] == "after"


def test_df_view_migrations_page_walks_every_proposal_once_newest_first(site, app, tmp_path):
    made = _proposals(site, tmp_path, 5)

    pages = walk_pages(login(app, "auditor"), "/migrations/?per_page=2",
                       lambda html: re.findall(r'data-proposal="(\d+)"', html))

    assert_walked(pages, [str(i) for i in sorted(made, reverse=True)])


def test_df_view_migrations_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "reviewer").get("/migrations/?after=not-a-cursor")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)


# -- definitions ------------------------------------------------------------------------------------------------

def test_df_view_api_definitions_link_the_next_page_until_every_version_was_seen_once(site, app, review_loop):
    expected = [(d.key, d.version) for d in site.definitions.list_all()]
    assert len(expected) > 4

    pages = walk_api(app.test_client(), "/api/v1/definitions/?per_page=2", bearer(site, "sponsor"),
                     lambda d: (d["key"], d["version"]))

    assert_walked(pages, expected)
    assert expected == sorted(expected)


def test_df_view_api_definitions_refuse_a_bad_cursor_naming_the_field(site, app):
    response = app.test_client().get("/api/v1/definitions/?after=WyJhIl0", headers=bearer(site, "sponsor"))
    assert response.status_code == 422
    assert response.json["rule"] == "DF-VIEW" and response.json["field"] == "after"


def test_df_view_admin_definitions_page_walks_every_version_once_by_key_and_version(site, app, review_loop):
    expected = [f"{d.key} v{d.version}" for d in site.definitions.list_all()]

    pages = walk_pages(login(app, "admin"), "/admin/definitions?per_page=2",
                       lambda html: [f"{k} v{v}" for k, v in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td>", html)])

    assert_walked(pages, expected)


def test_df_view_admin_definitions_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "admin").get("/admin/definitions?after=not-a-cursor")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)


# -- API tokens -------------------------------------------------------------------------------------------------

def _tokens(site, username: str, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    user = site.people.actor(username)
    return [site.tokens.issue(user, f"集成系统{k}", 30).token.id for k in range(n)]


def test_df_view_api_tokens_link_the_next_page_until_every_token_was_seen_once(site, app):
    made = _tokens(site, "sponsor", 4)
    walker = site.tokens.issue(site.people.actor("sponsor"), "walk", 30)  # a fifth, the one the walk uses
    _tokens(site, "housing", 3)  # another user's, never listed

    pages = walk_api(app.test_client(), "/api/v1/tokens?per_page=2",
                     {"Authorization": f"Bearer {walker.secret}"}, lambda t: t["id"])

    assert_walked(pages, sorted([*made, walker.token.id], reverse=True))


def test_df_view_api_tokens_refuse_a_bad_cursor_naming_the_field(site, app):
    response = app.test_client().get("/api/v1/tokens?after=not-a-cursor", headers=bearer(site, "sponsor"))
    assert response.status_code == 422
    assert response.json["rule"] == "DF-VIEW" and response.json["field"] == "after"


def test_df_view_account_tokens_page_walks_every_token_once_newest_first(site, app):
    made = _tokens(site, "sponsor", 5)
    _tokens(site, "housing", 2)

    pages = walk_pages(login(app, "sponsor"), "/account/tokens?per_page=2",
                       lambda html: re.findall(r'data-token="(\d+)"', html))

    assert_walked(pages, [str(i) for i in sorted(made, reverse=True)])


def test_df_view_account_tokens_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "sponsor").get("/account/tokens?after=not-a-cursor")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)


# -- the procedures behind an indicator's figure ----------------------------------------------------------------

BEHIND = "/indicators/procedures?indicator=rc_received&from=2026-01-01&to=2026-12-31"


def test_df_indicator_procedures_behind_a_figure_walk_every_procedure_once_by_id(site, app):
    office = site.people.actor("fuyi")
    received = [site.procedures.start("reconsideration", f"申请人{n}不服行政处罚申请行政复议", "fuyi_office",
                                      office).id for n in range(5)]
    site.procedures.start("major_decision", "不计入复议收案数的程序", "dev_reform", site.people.actor("sponsor"))

    pages = walk_pages(login(app, "auditor"), f"{BEHIND}&per_page=2",
                       lambda html: re.findall(r'href="/procedures/(\d+)"', html))

    assert_walked(pages, [str(i) for i in sorted(received)])


def test_df_indicator_procedures_behind_a_figure_refuse_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "auditor").get(f"{BEHIND}&after=not-a-cursor")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)

"""Keyset pages over HTTP (issue 21): the API's collections and the pages carry the cursor of the next page.

The API inbox names its next page in a `Link: <…>; rel="next"` header and keeps its body a list; procedure
search returns `next` beside `total`; the auditor's search page links "下一页" with the cursor. Following
the links visits every row once.
"""

from __future__ import annotations

import re
from html import unescape

from tests.webapp.site import login

TITLES = [f"县城公交线路调整方案第{n}号" for n in range(3)]
LINK = re.compile(r'<([^>]+)>; rel="next"')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">下一页</a>')


def walk(client, path: str, headers: dict[str, str], key: str, size: int) -> list[object]:  # type: ignore[no-untyped-def]
    """Every row's `key`, following each answer's `Link: rel="next"` from `path` until an answer has none;
    each page holds at most `size` rows."""
    seen: list[object] = []
    while path:
        response = client.get(path, headers=headers)
        assert response.status_code == 200 and len(response.json) <= size
        seen += [row[key] for row in response.json]
        found = LINK.search(response.headers.get("Link", ""))
        path = found.group(1) if found else None
    return seen


def _start(site) -> list[int]:  # type: ignore[no-untyped-def]
    sponsor = site.people.actor("sponsor")
    return [site.procedures.start("major_decision", title, "dev_reform", sponsor).id for title in TITLES]


def test_df_view_api_inbox_links_the_next_page_until_the_last(site, app):
    _start(site)
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    whole = client.get("/api/v1/tasks/", headers=headers).json
    assert len(whole) == len(TITLES)
    assert walk(client, "/api/v1/tasks/?per_page=2", headers, "task_id", 2) == [i["task_id"] for i in whole]


def test_df_view_api_inbox_refuses_a_bad_cursor_naming_the_field(site, app):
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    response = app.test_client().get("/api/v1/tasks/?after=nonsense", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert response.json["rule"] == "DF-VIEW" and response.json["field"] == "after"


def test_df_view_api_procedure_search_gives_next_until_the_last_page(site, app):
    started = _start(site)
    secret = site.tokens.issue(site.people.actor("auditor"), "test").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    seen, after = [], ""
    while True:
        page = client.get(f"/api/v1/procedures/?per_page=2{after}", headers=headers).json
        assert page["total"] == len(started)
        seen += [p["id"] for p in page["items"]]
        if page["next"] is None:
            break
        after = f"&after={page['next']}"
    assert seen == sorted(started, reverse=True)


def test_df_view_audit_search_page_links_下一页_with_the_cursor(site, app):
    started = _start(site)
    app.config["PAGE_SIZE"] = 2
    auditor = login(app, "auditor")
    first = auditor.get("/audit/").get_data(as_text=True)
    link = NEXT.search(first)
    assert link, "the first page links the next"
    second = auditor.get(unescape(link.group(1))).get_data(as_text=True)
    assert NEXT.search(second) is None and "第一页" in second
    shown = [int(n) for n in re.findall(r"/audit/procedures/(\d+)", first + second)]
    assert sorted(set(shown), reverse=True) == sorted(started, reverse=True)


def test_df_view_search_counts_up_to_its_limit_and_says_when_there_are_more(site, app, monkeypatch):
    """Counting a province's matches would cost more than the page (issue 21): the count stops one past the
    limit, the API says `total_exact: false`, the auditor's page says "超过 … 件"; the pages still reach every row."""
    started = _start(site)
    import engine.services.procedures as procedures
    import webapp.api.procedures as api
    import webapp.pages.audit as audit
    secret = site.tokens.issue(site.people.actor("auditor"), "test").secret
    headers = {"Authorization": f"Bearer {secret}"}
    exact = app.test_client().get("/api/v1/procedures/", headers=headers).json
    assert (exact["total"], exact["total_exact"]) == (len(started), True)
    for module in (procedures, api, audit):
        monkeypatch.setattr(module, "COUNT_LIMIT", 1)
    capped = app.test_client().get("/api/v1/procedures/", headers=headers).json
    assert (capped["total"], capped["total_exact"], len(capped["items"])) == (1, False, len(started))
    assert site.procedures.search()[0] == 2 < len(started)  # counted to the limit and one more, never all
    page = login(app, "auditor").get("/audit/").get_data(as_text=True)
    assert "超过 1 件" in page


def test_df_view_api_events_page_the_chain_in_order_and_link_the_rest(site, app, clock):
    """A procedure's history is a collection too (issue 21): pages of `per_page` events by seq, the rest named
    in a Link header, every event once, and a cursor the API did not make refused naming `after`."""
    from engine.demo_procedures import Driver, drive
    [procedure_id, *_] = _start(site)
    drive(Driver(site, clock, procedure_id), "sponsor", "2026-05", "comment")
    secret = site.tokens.issue(site.people.actor("auditor"), "test").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    whole = [e.seq for e in site.record.events(site.people.actor("auditor"), procedure_id, limit=200)]
    assert len(whole) > 2 and whole == list(range(1, len(whole) + 1))
    assert walk(client, f"/api/v1/procedures/{procedure_id}/events?per_page=2", headers, "seq", 2) == whole
    bad = client.get(f"/api/v1/procedures/{procedure_id}/events?after=nonsense", headers=headers)
    assert bad.status_code == 422 and bad.json["field"] == "after"


def test_md3c_api_catalogue_pages_a_year_by_code_and_the_sponsor_is_offered_only_its_published_items(site, app):
    """The year's catalogue (MD-3c) pages like every API collection (issue 21); the start page offers a unit
    its own published items only, filtered in the query."""
    import json
    from pathlib import Path
    data = json.loads((Path(__file__).parents[2] / "processes" / "catalogue" / "2026.json").read_text("utf-8"))
    site.catalogue.load(data, "test")
    secret = site.tokens.issue(site.people.actor("sponsor"), "test").secret
    client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
    codes = walk(client, "/api/v1/catalogue/2026?per_page=4", headers, "code", 4)
    assert codes == sorted(i["code"] for i in data["items"])
    assert client.get("/api/v1/catalogue/2026?after=nonsense", headers=headers).json["field"] == "after"
    offered = site.catalogue.items(2026, sponsor_org="dev_reform", status="published")
    assert [i.code for i in offered] == [i["code"] for i in data["items"] if i["sponsor_org"] == "dev_reform"]

"""Keyset pages of the registry, the checkpoints, a consultation's opinions and the administration log (issue 21).

Each collection is made longer than one page through the engine's own services, then walked page by page
following the cursor the page gives (the API's `Link: <…>; rel="next"` header, the page's 下一页 link): every
row is seen once and in the collection's order, and the last page names no next. A cursor the list did not
give is refused naming the query argument that carried it (DF-VIEW), as the API inbox refuses it.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from engine.demo_procedures import Driver, drive
from engine.domain.errors import DomainError
from engine.workdays import local_date
from tests.webapp.site import Browser, login
from tests.webapp.stateful_steps import SPECS, STARTERS, valid

LINK = re.compile(r'<([^>]+)>; rel="next"')
NEXT = re.compile(r'<a rel="next" href="([^"]+)">下一页</a>')


def _api(app, site, username: str):  # type: ignore[no-untyped-def]
    """A GET on the API as `username`, by a token of theirs."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {site.tokens.issue(site.people.actor(username), 'test').secret}"}
    return lambda path: client.get(path, headers=headers)


def _walk_api(get, path: str) -> list[Any]:  # type: ignore[no-untyped-def]
    """Every row of an API collection, following its Link headers; the last page has none."""
    rows: list[Any] = []
    while path:
        response = get(path)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert isinstance(response.json, list)  # the body stays a list, as before paging
        rows += response.json
        found = LINK.search(response.headers.get("Link", ""))
        path = found.group(1) if found else None
    return rows


def _walk_pages(get, path: str, pattern: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The `pattern` matches of every page, following the 下一页 links; the last page has none."""
    seen: list[str] = []
    pages = 0
    while path:
        response = get(path)
        assert response.status_code == 200, response.get_data(as_text=True)
        html = response.get_data(as_text=True)
        seen += re.findall(pattern, html)
        found = NEXT.search(html)
        path = unescape(found.group(1)) if found else None
        pages += 1
    assert pages > 1, "the collection took more than one page"
    return seen


def _drive(site, clock, pid: int, definition: str, upto: str) -> None:  # type: ignore[no-untyped-def]
    """Complete the procedure's steps with the stateful walks' valid data, up to and including `upto`; a
    step the law makes wait (a review's minimum time) waits a day at a time."""
    starter, org = STARTERS[definition], site.procedures.get(pid).sponsor_org
    for spec in SPECS[definition][:SPECS[definition].index(upto) + 1]:
        for _ in range(15):
            task = site.procedures.get(pid).task(spec)
            done = valid(definition, spec, local_date(clock.now()), pid, starter, org)
            assert done is not None
            doer = site.people.actor(done.username)
            done = valid(definition, spec, local_date(clock.now()), pid, starter, org,
                         site.tasks.known(task, doer))
            try:
                site.tasks.complete(task, doer, done.data, done.docs)
                break
            except DomainError:  # a minimum time not yet run: a day passes
                clock.advance(days=1)
        clock.advance(hours=20)


def _documents(site, clock, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """`n` normative documents registered (ND-6) and published, and one drafted only (not in the registry)."""
    sponsor = site.people.actor("sponsor")
    made = []
    for i in range(n):
        pid = site.procedures.start("normative_document", f"分页规范性文件{i}", "dev_reform", sponsor).id
        _drive(site, clock, pid, "normative_document", "publication")
        made.append(pid)
    unregistered = site.procedures.start("normative_document", "未登记文件", "dev_reform", sponsor).id
    _drive(site, clock, unregistered, "normative_document", "drafting")
    return made


def test_df_view_registry_api_and_page_walk_every_document_once_newest_first(site, app, clock):
    made = _documents(site, clock, 3)
    api = _walk_api(_api(app, site, "auditor"), "/api/v1/registry?per_page=2")
    assert [e["procedure_id"] for e in api] == sorted(made, reverse=True)
    assert [e["procedure_id"] for e in api] == [e.procedure_id for e in site.registry.entries()]
    page = _walk_pages(Browser(app.test_client()).get, "/public/normative-documents?per_page=2",
                       r"<td>示范府规〔2026〕(\d+)号</td>")
    assert [int(n) for n in page] == sorted(made, reverse=True)


def test_df_view_registry_cleanups_api_walks_every_published_cleanup_once_newest_first(site, app, clock):
    _documents(site, clock, 1)
    organiser = site.people.actor(STARTERS["nd_cleanup"])
    published = []
    for i in range(3):
        pid = site.cleanup.start_special(organiser, f"专项清理{i}").id
        _drive(site, clock, pid, "nd_cleanup", "publication")
        published.append(pid)
    api = _walk_api(_api(app, site, "auditor"), "/api/v1/registry/cleanups?per_page=2")
    assert [c["procedure_id"] for c in api] == published[::-1]
    assert [c["procedure_id"] for c in api] == [c.procedure_id for c in site.registry.cleanups()]
    browser, path, seen = Browser(app.test_client()), "/public/normative-documents?per_page=2", []
    while path:  # the clean-ups' own link, 较早的清理结果, leads on
        html = browser.get(path).get_data(as_text=True)
        seen += [int(n) for n in re.findall(r'<section class="cleanup" id="cleanup-(\d+)">', html)]
        link = re.search(r'<a href="([^"]+)">较早的清理结果</a>', html)
        path = unescape(link.group(1)) if link else None
        assert path is None or ("cleanups_after=" in path and "per_page=2" in path)
    assert seen == published[::-1]


def test_df_view_registry_refuses_a_bad_cursor_naming_the_field(site, app):
    get = _api(app, site, "auditor")
    for path in ("/api/v1/registry?after=nonsense", "/api/v1/registry/cleanups?after=WzFd"):
        response = get(path)
        assert response.status_code == 422, path
        assert (response.json["rule"], response.json["field"]) == ("DF-VIEW", "after")
    client = app.test_client()
    for arg in ("after", "cleanups_after"):
        response = client.get(f"/public/normative-documents?{arg}=nonsense")
        assert response.status_code == 422 and arg in response.get_data(as_text=True)


def test_df_view_checkpoints_api_and_page_walk_every_checkpoint_once_newest_first(site, app, clock):
    made = []
    for _ in range(5):
        made.append(site.checkpoints.make().seq)
        clock.advance(hours=1)
    client = app.test_client()
    api = _walk_api(client.get, "/api/v1/checkpoints?per_page=2")  # no token: checkpoints are public
    assert [c["seq"] for c in api] == made[::-1] == [c.seq for c in site.checkpoints.listing()]
    page = _walk_pages(client.get, "/public/checkpoints?per_page=2", r'href="/api/v1/checkpoints/(\d+)"')
    assert [int(n) for n in page] == made[::-1]


def test_df_view_checkpoints_refuse_a_bad_cursor_naming_the_field(site, app):
    client = app.test_client()
    response = client.get("/api/v1/checkpoints?after=nonsense")
    assert response.status_code == 422
    assert (response.json["rule"], response.json["field"]) == ("DF-VIEW", "after")
    page = client.get("/public/checkpoints?after=WyJ4Il0")  # ["x"]: not a checkpoint's number
    assert page.status_code == 422 and "after" in page.get_data(as_text=True)


def _opinions(site, clock, n: int) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """A major decision's open call (MD-15) and `n` opinions sent to it, by receipt in the order they came."""
    sponsor = site.people.actor("sponsor")
    pid = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor).id
    drive(Driver(site, clock, pid), "sponsor", "2026-05", "comment")
    return pid, [site.consultation.submit(pid, f"第{i}条意见：建议增加夜班线", None, None, None, f"client-{i}")
                 for i in range(n)]


def test_md18_opinion_desk_walks_every_opinion_once_in_order_with_the_whole_calls_counts(site, app, clock):
    pid, receipts = _opinions(site, clock, 5)
    sponsor = login(app, "sponsor")
    sponsor.get(f"/procedures/{pid}/opinions/")
    assert sponsor.post(f"/procedures/{pid}/opinions/{receipts[4]}/mark?per_page=2",
                        {"topic": "线路", "adoption": "adopted"}).status_code == 302
    seen = _walk_pages(sponsor.get, f"/procedures/{pid}/opinions/?per_page=2", r'<tr id="o-([^"]+)">')
    assert seen == receipts
    first = sponsor.get(f"/procedures/{pid}/opinions/?per_page=2").get_data(as_text=True)
    assert "5 条意见" in first and "线路 1" in first  # the counts are the whole call's, not the page's
    assert f"/opinions/{receipts[0]}/mark?per_page=2" in first  # a form keeps its page


def test_md18_opinion_desk_refuses_a_bad_cursor_naming_the_field(site, app, clock):
    pid, _ = _opinions(site, clock, 1)
    response = login(app, "sponsor").get(f"/procedures/{pid}/opinions/?after=nonsense")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)


def test_df_audit_admin_log_page_walks_every_entry_once_newest_first_with_its_kind_filter(site, app):
    auditor_actor = site.people.actor("auditor")
    for i in range(3):  # more of one kind than a page, among the site's other entries
        site.tokens.issue(auditor_actor, f"分页令牌{i}")
    log = site.adminlog.events(auditor_actor)
    auditor = login(app, "auditor")  # logging in adds its entry: the walk starts after it
    everything = [e.seq for e in reversed(site.adminlog.events(auditor_actor))]
    assert len(everything) > len(log) > 3
    seen = _walk_pages(auditor.get, "/audit/admin-log?per_page=3", r'<tr id="entry-(\d+)">')
    assert [int(s) for s in seen] == everything
    tokens = [e.seq for e in reversed(site.adminlog.events(auditor_actor, kind="token_issued"))]
    assert len(tokens) >= 3
    seen = _walk_pages(auditor.get, "/audit/admin-log?kind=token_issued&per_page=2", r'<tr id="entry-(\d+)">')
    assert [int(s) for s in seen] == tokens  # the kind is kept on every 下一页 link


def test_df_audit_admin_log_page_refuses_a_bad_cursor_naming_the_field(site, app):
    response = login(app, "auditor").get("/audit/admin-log?after=nonsense")
    assert response.status_code == 422 and "after" in response.get_data(as_text=True)

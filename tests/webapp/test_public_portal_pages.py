"""The public portal's open calls a keyset page at a time (issue 21 item 2): at 100,000 procedures the portal
listed 16,666 open calls in one response (4.5 s). It now shows 50, soonest to close first, and links 下一页."""

from __future__ import annotations

import re
from html import unescape

from engine.demo_procedures import Driver, drive
from tests.webapp.site import Browser

NEXT = re.compile(r'<a rel="next" href="([^"]+)">下一页</a>')
CALL = re.compile(r'href="/public/consultations/(\d+)"')
TITLES = ("县城公交线网优化调整方案", "城区停车收费标准调整方案", "老旧小区加装电梯补助办法")


def test_md15a_the_portal_walks_every_open_call_once_soonest_to_close_first(site, app, clock):
    sponsor = site.people.actor("sponsor")
    ids = []
    for title in TITLES:
        view = site.procedures.start("major_decision", title, "dev_reform", sponsor)
        drive(Driver(site, clock, view.id), "sponsor", "2026-05", "comment")
        ids.append(view.id)
    whole = [c.procedure_id for c in site.consultation.open_page()]
    assert sorted(whole) == sorted(ids)
    browser, seen, path = Browser(app.test_client()), [], "/public/?per_page=2"
    while path:
        html = browser.get(path).get_data(as_text=True)
        listed = list(dict.fromkeys(int(n) for n in CALL.findall(html.split("<h2>", 2)[1])))
        assert 0 < len(listed) <= 2
        seen += listed
        found = NEXT.search(html)
        path = unescape(found.group(1)) if found else None
    assert seen == whole


def test_df_view_the_portal_refuses_a_cursor_it_did_not_make(app):
    response = Browser(app.test_client()).get("/public/?after=bm90LWEtY3Vyc29y")
    assert response.status_code == 422
    assert "DF-VIEW" in response.get_data(as_text=True)

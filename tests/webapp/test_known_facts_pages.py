"""The step page shows the rows the engine knows filled in (issue 19 item 2): the hearing record opens with
every participant the notice published, in its delivery and signature lists (MD-16d, MD-17)."""

from __future__ import annotations

import re

from tests.processes.md_scenario import MajorDecision
from tests.processes.test_major_decision_steps import LISTED, hearing_path, notice
from tests.webapp.site import login, make_app, password_hash


def test_md16d_md17_the_hearing_record_page_lists_the_published_participants(engine, clock):
    md = MajorDecision.start(engine, clock)
    hearing_path(md)
    notice(md)
    md.clock.advance(days=20)
    engine.people.set_password_hash(md.people.sponsor.username, password_hash())
    page = login(make_app(engine), md.people.sponsor.username).get(f"/tasks/{md.task('hearing_record')}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for field_name in ("deliveries", "signatures"):
        filled = re.findall(rf'name="{field_name}\.(\d+)\.participant"[^>]*value="([^"]*)"', html)
        assert [name for _, name in filled if name] == list(LISTED), field_name

"""The replay page (MD-33a): auditors step through a procedure's history, one event at a time."""

from __future__ import annotations

import re

from engine.demo_procedures import Driver, drive
from tests.webapp.site import login


def _archived(site, clock) -> int:  # type: ignore[no-untyped-def]
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    drive(Driver(site, clock, view.id), "sponsor", "2026-05", "archived")
    return view.id


def _state(page: str, data_id: str) -> list[str]:
    """The class tokens of a diagram element's group."""
    found = re.search(rf'<g class="([^"]*)" data-id="{data_id}"', page)
    assert found, f"no diagram element {data_id}"
    return found.group(1).split()


def _section(page: str, section_id: str) -> str:
    return page.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0]


def test_md33a_auditor_replays_the_state_right_after_a_middle_event(site, app, clock):
    procedure_id = _archived(site, clock)
    events = site.history.events(procedure_id)
    fired = next(e for e in events if e.kind == "timer_fired")  # the comment period ran out
    names = site.record.procedure(site.people.actor("auditor"), procedure_id).names

    page = login(app, "auditor").get(f"/audit/procedures/{procedure_id}/replay?seq={fired.seq}").get_data(as_text=True)
    assert fired.hash in _section(page, "event")
    assert names["summarise_opinions"] in _section(page, "open-steps")
    assert names["comment_window"] not in _section(page, "periods")  # it has just run out
    done = _section(page, "steps")
    assert names["open_comment"] in done and names["legality_review"] not in done and names["archiving"] not in done
    assert "current" in _state(page, "summarise_opinions")
    assert "done" in _state(page, "comment_window") and "done" in _state(page, "open_comment")
    assert "pending" in _state(page, "legality_review")
    assert re.search(rf'<input type="range" id="seq" name="seq" min="1" max="{len(events)}" value="{fired.seq}"', page)
    for seq in (1, fired.seq - 1, fired.seq + 1, len(events)):
        assert f"/audit/procedures/{procedure_id}/replay?seq={seq}" in page

    before = login(app, "auditor").get(f"/audit/procedures/{procedure_id}/replay?seq={fired.seq - 1}")
    text = before.get_data(as_text=True)
    assert names["comment_window"] in _section(text, "periods") and "current" in _state(text, "comment_window")


def test_md33a_replay_defaults_to_the_last_event_and_first_has_no_previous(site, app, clock):
    procedure_id = _archived(site, clock)
    events = site.history.events(procedure_id)
    auditor = login(app, "auditor")
    page = auditor.get(f"/audit/procedures/{procedure_id}/replay").get_data(as_text=True)
    assert events[-1].hash in page and f'value="{len(events)}"' in page
    assert "done" in _state(page, "archiving") and "data-task=" not in _section(page, "open-steps")
    first = auditor.get(f"/audit/procedures/{procedure_id}/replay?seq=1").get_data(as_text=True)
    nav = first.split('class="pager replay-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'replay?seq=1"' not in nav and 'replay?seq=2"' in nav  # no link to itself or before it
    assert "current" in _state(first, "proposal") and "pending" in _state(first, "initiation")
    record = auditor.get(f"/audit/procedures/{procedure_id}").get_data(as_text=True)
    assert f"/audit/procedures/{procedure_id}/replay\"" in record  # the record page links here


def test_md33a_replay_outside_the_history_is_not_found_and_a_bad_seq_is_a_bad_request(site, app):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    auditor = login(app, "auditor")
    for seq, status in (("0", 404), ("2", 404), ("-1", 404), ("abc", 400), ("", 400), ("1.5", 400), ("1", 200)):
        assert auditor.get(f"/audit/procedures/{view.id}/replay?seq={seq}").status_code == status, seq
    assert auditor.get("/audit/procedures/99999/replay").status_code == 404


def test_df_view_replay_is_for_auditors_only(site, app, clock):
    sponsor = site.people.actor("sponsor")
    view = site.procedures.start("major_decision", "县城公交线网优化调整方案", "dev_reform", sponsor)
    path = f"/audit/procedures/{view.id}/replay?seq=1"
    for username in ("sponsor", "head", "reviewer", "admin"):
        assert login(app, username).get(path).status_code == 403, username
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert login(app, "auditor").get(path).status_code == 200

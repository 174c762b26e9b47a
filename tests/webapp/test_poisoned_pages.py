"""A poisoned row never takes a page down for everyone: one step with a due date edited in the database
to one no step could have (outside the working-day calendar) is logged, counted and shown without its
deadline or left off the board, and every other step is listed as before.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import text

from engine.clock import CST
from engine.demo_procedures import Driver, drive, pdf
from tests.webapp.site import login

METRIC = 'decisionflow_poisoned_rows_total{kind="work_item"}'


def _poisoned_count(app) -> float:  # type: ignore[no-untyped-def]
    scrape = app.test_client().get("/metrics").get_data(as_text=True)
    [line] = [line for line in scrape.splitlines() if line.startswith(METRIC)]
    return float(line.split()[-1])


def test_one_work_item_with_a_garbled_due_date_leaves_the_inbox_board_and_record_pages_working(site, app, clock,
                                                                                              caplog):
    ids = []
    for title in ("县城公交线网优化调整方案", "城区生活垃圾分类管理实施办法"):
        view = site.procedures.start("major_decision", title, "dev_reform", site.people.actor("sponsor"))
        driver = Driver(site, clock, view.id)
        drive(driver, "sponsor", "2026-05", "review")
        driver.do("legal_opinion", "adviser", {"adviser_name": "陈静", "adviser_role": "legal_adviser", "signed": True,
                                               "summary": "未发现违法问题"}, {"opinion": pdf("法律意见书")})
        ids.append(view.id)
    poisoned, good = (site.procedures.get(i).task("legality_review") for i in ids)
    with site.db.begin() as connection:
        assert connection.execute(text("UPDATE work_items SET due_at = :at WHERE task_id = :t"),
                                  {"at": datetime(1800, 1, 1, tzinfo=CST), "t": poisoned}).rowcount == 1
    clock.set(datetime(2027, 2, 1, 10, tzinfo=CST))  # the good step's review is overdue
    reviewer, duban, sponsor = (login(app, name) for name in ("reviewer", "duban", "sponsor"))
    before = _poisoned_count(app)
    caplog.clear()  # logging in showed the reviewer's home page, which logged the row once already

    with caplog.at_level(logging.ERROR, logger="engine"):
        inbox = reviewer.get("/reviews")
        board = duban.get("/supervision")
        record = sponsor.get(f"/procedures/{ids[0]}")
        listed = sponsor.get("/procedures/mine")
    assert (inbox.status_code, board.status_code, record.status_code) == (200, 200, 200)
    assert listed.status_code == 200 and all(f"/procedures/{i}" in listed.get_data(as_text=True) for i in ids)
    assert poisoned in inbox.get_data(as_text=True) and good in inbox.get_data(as_text=True)
    assert good in board.get_data(as_text=True) and poisoned not in board.get_data(as_text=True)
    assert "超期" in board.get_data(as_text=True)  # the good step's deadline is still shown
    logged = [r.getMessage() for r in caplog.records if poisoned in r.getMessage()]
    assert len(logged) >= 3 and all(f"procedure {ids[0]}" in line for line in logged)  # each page logged it
    assert _poisoned_count(app) == before + len(logged)  # one count per line

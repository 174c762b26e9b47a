"""The procedure page's sentences about time agree with the public page (issue 22 item 8)."""

from __future__ import annotations

from datetime import date, datetime

from engine.clock import CST
from engine.deadlines import last_day
from engine.services.views import ProcedureView, TimerView
from webapp.progress_text import blockers


def test_md_15b_the_internal_page_names_the_same_last_day_as_the_public_page(app):
    """A comment period typed to end on 2027-01-04 closes at 2027-01-05 00:00 (Asia/Shanghai): both pages
    say it runs until 2027-01-04, with the same number of days left."""
    closes = datetime(2027, 1, 5, 0, 0, tzinfo=CST)
    view = ProcedureView(1, "t", "dev_reform", "running", 3, "major_decision", 1, "sponsor",
                         datetime(2026, 12, 1, tzinfo=CST), None, timers=(TimerView("comment", "征求意见期", closes),))
    today = date(2026, 12, 5)
    with app.test_request_context():  # the default language, Chinese
        (line,) = blockers(view, today)
    public_days_left = (last_day(closes) - today).days  # webapp/pages/public.py's count
    assert "2027-01-04" in line and f"还剩 {public_days_left} 天" in line
    assert public_days_left == 30

"""Working days and periods, with the examples of regulation.md §8."""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar
import pytest

from engine.clock import CST
from engine.workdays import add_days, add_working_days, day, local_date, working_days_between


def test_md26b_review_period_crosses_mid_autumn_and_national_day():
    # complete materials Wednesday 2026-09-23: 09-25 Mid-Autumn, 10-01..10-07 National Day,
    # Saturday 10-10 an adjusted working day → the 7th working day is 2026-10-10
    deadline = add_working_days(date(2026, 9, 23), 7)
    assert deadline.last_day == date(2026, 10, 10)
    assert not deadline.provisional
    assert deadline.ends_at == datetime(2026, 10, 11, 0, 0, tzinfo=CST)


def test_md15b_thirty_day_call_published_2026_03_02():
    deadline = add_days(date(2026, 3, 2), 30)
    assert deadline.last_day == date(2026, 4, 1)
    assert deadline.ends_at == datetime(2026, 4, 2, 0, 0, tzinfo=CST)


def test_minimum_window_ending_on_a_rest_day_moves_to_the_next_working_day():
    # 30 days after 2026-09-01 is 2026-10-01, National Day → next working day 2026-10-08
    assert add_days(date(2026, 9, 1), 30).last_day == date(2026, 10, 1)
    assert add_days(date(2026, 9, 1), 30, to_next_workday=True).last_day == date(2026, 10, 8)


def test_adjusted_working_saturday_counts_and_holiday_weekday_does_not():
    assert day(date(2026, 10, 10)).workday  # Saturday, adjusted
    assert not day(date(2026, 10, 5)).workday  # Monday, National Day
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 10-08, 10-09, 10-10


def test_unknown_year_fails_closed_and_is_marked_provisional():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 2, 8))
    # Spring Festival 2027: 初一 is 2027-02-06; the week around it is treated as rest days
    for rest in (date(2027, 2, 3), date(2027, 2, 8), date(2027, 2, 12)):
        assert not day(rest).workday and day(rest).provisional
    deadline = add_working_days(date(2027, 2, 1), 7)
    assert deadline.provisional
    assert deadline.last_day >= date(2027, 2, 18)  # never earlier than any real schedule could give


def test_provisional_count_is_never_earlier_than_the_real_one_for_known_years():
    """Check the conservative rule against every published year: it must never shorten a period."""
    from engine import workdays

    one_off = {date(2015, 9, 3), date(2015, 9, 4)}  # the 70th anniversary of victory: no rule foresees it
    for year in range(2008, 2027):
        rest = workdays._possible_rest_days(year)
        for d in chinese_calendar.get_holidays(date(year, 1, 1), date(year, 12, 31), include_weekends=False):
            if d.year == year and d.weekday() < 5 and d not in one_off:
                assert d in rest, f"{d} is a holiday the provisional rule would count as a working day"


def test_local_date_is_asia_shanghai():
    assert local_date(datetime(2026, 3, 1, 17, 0, tzinfo=CST).astimezone()) == date(2026, 3, 1)
    assert local_date(datetime.fromisoformat("2026-03-01T16:30:00+00:00")) == date(2026, 3, 2)


def _walk_working_days_between(after: date, until: date) -> int:
    """The definition, day by day, straight from chinesecalendar: what the ordinal table must equal."""
    return sum(chinese_calendar.is_workday(date.fromordinal(k)) for k in range(after.toordinal() + 1,
                                                                               until.toordinal() + 1))


@pytest.mark.parametrize("after, until", [
    (date(2025, 12, 20), date(2026, 1, 10)),   # across New Year
    (date(2024, 2, 1), date(2026, 11, 30)),    # across three years and every festival
    (date(2026, 9, 23), date(2026, 10, 10)),   # MD-26b's example
    (date(2020, 1, 1), date(2020, 12, 31)),    # a leap year whole
])
def test_df_workdays_ordinal_table_counts_as_the_day_by_day_definition(after, until):
    assert working_days_between(after, until) == _walk_working_days_between(after, until)
    n = working_days_between(after, until)
    if n:
        last = add_working_days(after, n).last_day
        assert last <= until and _walk_working_days_between(after, last) == n
        assert chinese_calendar.is_workday(last)


def test_df_workdays_a_period_is_a_lookup_not_a_walk(monkeypatch):
    """Issue 21: after a year's table is built, counting reads no calendar day again (the board's cost)."""
    add_working_days(date(2026, 3, 1), 30)
    working_days_between(date(2025, 1, 1), date(2026, 12, 1))
    calls = []
    real = chinese_calendar.is_workday
    monkeypatch.setattr(chinese_calendar, "is_workday", lambda d: calls.append(d) or real(d))
    for _ in range(100):
        add_working_days(date(2026, 3, 1), 30)
        working_days_between(date(2025, 1, 1), date(2026, 12, 1))
        day(date(2026, 10, 10))
    assert calls == []

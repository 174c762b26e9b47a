"""Working days and statutory periods, counted as regulation.md §8 says.

One module, on chinesecalendar: Monday–Friday minus statutory holidays, plus the
weekend days the State Council's yearly notice makes working days (调休).

**Start.** The trigger day does not count; the period starts the next day.
**N calendar days** end on trigger + N. **N working days** end on the N-th working day
after the trigger. Dates are Asia/Shanghai local dates; a day ends at 24:00.

**Failing closed.** chinesecalendar knows only published years. For a later year this
module still answers, but conservatively and marked `provisional`: every weekend is
a rest day (no adjusted working days are assumed) and so is every day that could be
a holiday or a bridge day under 《全国年节及纪念日放假办法》 — 29 December to 3 January,
Spring Festival from three days before 初一 to 初八, Qingming ±2 days, 29 April to
5 May, Dragon Boat and Mid-Autumn ±2 days, 29 September to 8 October (lunar dates
from `lunardate`). Checked against every published year since 2008; the only
weekday holidays outside it were one-off decisions (3–4 September 2015). A provisional
working-day count is therefore never earlier than the true one, so a minimum period
(a review's 7 working days) is never shortened; update chinesecalendar when the yearly
notice appears (usually November–December) and the dates become exact.

**Constant time.** Each calendar year is read from chinesecalendar once and kept as an ordinal
table (`_Year`): for every day, how many working days (and provisional days) the year holds up
to it. "n working days after" and "working days between" are then two lookups and a bisection,
not a walk over the calendar day by day, so a board of a million items costs no more per item
than one of ten (issue 21).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar
from lunardate import LunarDate

from engine.clock import CST
from engine.domain import inputs
from engine.domain.errors import BeyondCalendar

MAX_PERIOD_DAYS = 3660


@dataclass(frozen=True)
class Day:
    workday: bool
    provisional: bool


@dataclass(frozen=True)
class Deadline:
    """The last day of a period and whether an unpublished year made it provisional."""

    last_day: date
    provisional: bool

    @property
    def ends_at(self) -> datetime:
        """The instant the period is over: 00:00 Asia/Shanghai of the day after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=CST)


def local_date(moment: datetime) -> date:
    """The Asia/Shanghai date of an instant: the law counts local dates."""
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(CST).date()


def day(d: date) -> Day:
    """Whether `d` is a working day; outside the calendar's years (engine.domain.inputs) a refusal."""
    _in_calendar(d)
    year = _year(d.year)
    ordinal = d.timetuple().tm_yday
    return Day(year.working[ordinal] > year.working[ordinal - 1], year.provisional)


def add_working_days(trigger: date, n: int) -> Deadline:
    """The n-th working day after the trigger day (MD-26b: 7 working days of review)."""
    if not 1 <= n <= MAX_PERIOD_DAYS:
        raise ValueError(f"working days must be between 1 and {MAX_PERIOD_DAYS}")
    _in_calendar(trigger + timedelta(days=1))
    wanted = _year(trigger.year).working[trigger.timetuple().tm_yday] + n  # counted from the trigger's 1 January
    year_number, provisional = trigger.year, False
    while True:
        year = _year(year_number)
        provisional |= year.provisional
        if wanted <= year.working[-1]:
            last = date(year_number, 1, 1) + timedelta(days=bisect_left(year.working, wanted) - 1)
            return Deadline(last, provisional)
        wanted -= year.working[-1]
        year_number += 1
        _in_calendar(date(year_number, 1, 1))


def add_days(trigger: date, n: int, *, to_next_workday: bool = False) -> Deadline:
    """The last day of n calendar days after the trigger (MD-15b: 30 days of comment).

    `to_next_workday`: a last day on a rest day moves to the next working day — for
    periods within which someone must act, and for minimum windows, which the engine
    never shortens (regulation.md §8).
    """
    if not 0 <= n <= MAX_PERIOD_DAYS:
        raise ValueError(f"days must be between 0 and {MAX_PERIOD_DAYS}")
    last, provisional = trigger + timedelta(days=n), False
    if to_next_workday:
        while not (today := day(last)).workday:
            provisional |= today.provisional
            last += timedelta(days=1)
        provisional |= today.provisional
    return Deadline(last, provisional)


def working_days_between(after: date, until: date) -> int:
    """Working days in (after, until]: how far a period has run."""
    if until <= after:
        return 0
    _in_calendar(after + timedelta(days=1))
    _in_calendar(min(until, inputs.LAST_DAY + timedelta(days=1)))  # name the first day beyond, as a walk would
    between_years = sum(_year(y).working[-1] for y in range(after.year, until.year))
    return between_years + _ordinal_count(until) - _ordinal_count(after)


@dataclass(frozen=True)
class _Year:
    """One calendar year as an ordinal table: `working[k]` = working days on days 1..k of the year.

    `working[0]` is 0, so `working[k] - working[k - 1]` says whether day k works. A year
    chinesecalendar does not know is `provisional` as a whole (its rest days are the conservative ones).
    """

    working: tuple[int, ...]
    provisional: bool


@cache
def _year(number: int) -> _Year:
    first = date(number, 1, 1)
    days = [first + timedelta(days=k) for k in range((date(number + 1, 1, 1) - first).days)]
    try:
        flags = [chinese_calendar.is_workday(d) for d in days]
        provisional = False
    except NotImplementedError:  # an unpublished year: fail closed (module docstring)
        rest = _possible_rest_days(number)
        flags = [d.weekday() < 5 and d not in rest for d in days]
        provisional = True
    running, total = [0], 0
    for works in flags:
        total += works
        running.append(total)
    return _Year(tuple(running), provisional)


def _ordinal_count(d: date) -> int:
    """Working days on 1 January … `d` of `d`'s year."""
    return _year(d.year).working[d.timetuple().tm_yday]


def _in_calendar(d: date) -> None:
    if not inputs.FIRST_DAY <= d <= inputs.LAST_DAY:
        raise BeyondCalendar(day=d.isoformat(), first=inputs.FIRST_DAY.isoformat(), last=inputs.LAST_DAY.isoformat())


@cache
def _possible_rest_days(year: int) -> frozenset[date]:
    days: set[date] = set()

    def span(center: date, before: int, after: int) -> None:
        days.update(center + timedelta(days=k) for k in range(-before, after + 1))

    span(date(year, 1, 1), 0, 2)
    span(date(year, 12, 31), 2, 0)
    span(LunarDate(year, 1, 1).to_solar_date(), 3, 7)
    qingming = [d for d, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
                if name == "清明"]
    span(qingming[0] if qingming else date(year, 4, 5), 2, 2)
    span(date(year, 5, 1), 2, 4)
    span(LunarDate(year, 5, 5).to_solar_date(), 2, 2)
    span(LunarDate(year, 8, 15).to_solar_date(), 2, 2)
    span(date(year, 10, 1), 2, 7)
    return frozenset(d for d in days if d.year == year)

"""Working-day arithmetic: the engine's ordinal tables against a day-by-day walk, in one run (issue 21 item 3).

Run `python benchmarks/workdays.py [--pairs N]`. The baseline walks the calendar one day at a time
asking chinesecalendar, as `engine/workdays.py` did before; the engine looks the answer up in a year's
ordinal table. Both answer the same questions (checked here before timing): "the 30th working day after"
and "working days between two dates 23 months apart", the supervision board's two questions per item.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)  # benchmarks/engine.py would shadow the `engine` package

import argparse  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import chinese_calendar  # noqa: E402

from engine import workdays  # noqa: E402

TRIGGER, FROM, UNTIL, N = date(2026, 3, 1), date(2025, 1, 1), date(2026, 12, 1), 30


def walk_add(trigger: date, n: int) -> date:
    current, counted = trigger, 0
    while counted < n:
        current += timedelta(days=1)
        counted += chinese_calendar.is_workday(current)
    return current


def walk_between(after: date, until: date) -> int:
    return sum(chinese_calendar.is_workday(after + timedelta(days=k)) for k in range(1, (until - after).days + 1))


def timed(pairs: int, add, between) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for _ in range(pairs):
        add(TRIGGER, N)
        between(FROM, UNTIL)
    return (time.perf_counter() - started) / pairs * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=200, help="pairs of calls timed for each (default 200)")
    pairs = parser.parse_args().pairs
    assert workdays.add_working_days(TRIGGER, N).last_day == walk_add(TRIGGER, N)
    assert workdays.working_days_between(FROM, UNTIL) == walk_between(FROM, UNTIL)
    baseline = timed(pairs, walk_add, walk_between)
    engine = timed(pairs * 50, lambda t, n: workdays.add_working_days(t, n).last_day, workdays.working_days_between)
    print(f"day-by-day walk (chinesecalendar): {baseline:10.1f} µs per pair")
    print(f"engine ordinal tables:             {engine:10.1f} µs per pair")
    print(f"walk / engine = {baseline / engine:,.0f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())

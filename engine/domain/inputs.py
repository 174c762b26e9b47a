"""What the engine accepts as text and as a calendar date, whatever the door (API, page, CLI, file).

Every layer that takes input checks it against these rules, so a value one door accepts no
other door refuses, and the OpenAPI document states the same patterns the server applies:

- **Text** holds no control characters but tab, line feed and carriage return, and no lone
  surrogate. PostgreSQL cannot store NUL, a lone surrogate has no UTF-8 encoding, and the
  other control characters have no place in a record officials read, print and archive.
- **Dates** lie from 1900-01-01 to 2099-12-31: the years the working-day calendar can count
  (chinesecalendar for the published years, engine/workdays.py's conservative estimate from
  lunardate for the others). A date outside them cannot start or end a statutory period.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
"""The control characters text may not hold, as a regex class body (JSON Schema and Python alike)."""
TEXT_PATTERN = rf"^[^{CONTROL}]*$"
FILLED_PATTERN = rf"^[^\S{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$"
"""Text with at least one character that is not white space: what `strip()` leaves non-empty."""
_UNFIT = re.compile(rf"[{CONTROL}\ud800-\udfff]")

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2099, 12, 31)
DATE_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
"""YYYY-MM-DD within FIRST_DAY … LAST_DAY, for schemas (the day of the month is still checked by parsing)."""
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text_problem(value: str) -> tuple[str, str] | None:
    """Why `value` is not acceptable text, in English and Chinese, or None."""
    found = _UNFIT.search(value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if "\ud800" <= found.group() <= "\udfff":
        return (f"contains an unpaired surrogate ({code}) at character {found.start() + 1}",
                f"第 {found.start() + 1} 个字符为不成对的代理码位（{code}）")
    return (f"contains the control character {code} at character {found.start() + 1}",
            f"第 {found.start() + 1} 个字符为控制字符（{code}）")


def unfit_text(value: object, path: str) -> Iterator[tuple[str, str, str]]:
    """(field path, problem, problem in Chinese) for each unfit string in a JSON-like value, keys included."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield (path, *problem)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (problem := text_problem(key)):
                yield (path or "(name)", f"field name {problem[0]}", f"字段名{problem[1]}")
            yield from unfit_text(item, inner)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unfit_text(item, f"{path}.{index}" if path else str(index))


def date_problem(value: object) -> tuple[str, str] | None:
    """Why `value` (a date or a YYYY-MM-DD string) is not an acceptable date, or None."""
    day = value
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value) if _ISO_DAY.fullmatch(value) else None
        except ValueError:
            day = None
    if not isinstance(day, date):
        return "not a date (YYYY-MM-DD)", "日期格式不正确（应为 YYYY-MM-DD）"
    if not FIRST_DAY <= day <= LAST_DAY:
        return (f"a date from {FIRST_DAY} to {LAST_DAY} is required",
                f"日期须在 {FIRST_DAY} 至 {LAST_DAY} 之间")
    return None

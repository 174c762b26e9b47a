"""Label sizes: how wide and tall a name is when wrapped, counting CJK characters as double width."""

from __future__ import annotations

import unicodedata

from engine.bpmn.layout.model import LABEL_LINE_HEIGHT, LABEL_MAX_WIDTH, LABEL_SLACK


def _char_width(char: str) -> int:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 12
    return 7 if char.isupper() else 6


def label_size(text: str, max_width: int = LABEL_MAX_WIDTH) -> tuple[int, int]:
    """Rough size of a label in bpmn.io's 11 px font, wrapped at ``max_width`` (no font metrics here).

    bpmn-js wraps a label's text to the width of its bounds, so the estimate carries some slack:
    a bound that is a few pixels too narrow would break "End" into "En" / "d".
    """
    usable = max_width - LABEL_SLACK
    lines, width, widest = 1, 0, 0
    for char in text:
        step = _char_width(char)
        if width + step > usable:
            lines += 1
            widest = max(widest, width)
            width = 0
        width += step
    widest = max(widest, width)
    return min(max_width, widest + LABEL_SLACK), lines * LABEL_LINE_HEIGHT

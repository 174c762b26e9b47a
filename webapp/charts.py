"""Server-rendered SVG bar charts for the indicator pages: no script, no new dependency.

Labels are escaped and set in a Chinese-capable font stack (WenQuanYi Zen Hei is installed on the
servers), so the chart reads the same in the browser, in the PDF annex (weasyprint) and on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT = "'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
_ROW, _LABEL, _BAR, _PAD = 26, 260, 300, 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    """None draws no bar and prints a dash: nothing was measured."""
    target: float | None = None


def bars(title: str, rows: Sequence[Bar], maximum: float | None = None, unit: str = "") -> Markup:
    """A horizontal bar chart; a target draws a vertical mark on its row (e.g. 100 % for legality review)."""
    top = max([maximum or 0.0, *[r.value or 0.0 for r in rows], *[r.target or 0.0 for r in rows]]) or 1.0
    height = _PAD * 2 + 22 + _ROW * len(rows)
    width = _LABEL + _BAR + 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13">',
             f"<title>{escape(title)}</title>",
             f'<text x="{_PAD}" y="{_PAD + 14}" font-weight="bold">{escape(title)}</text>']
    for n, row in enumerate(rows):
        y = _PAD + 22 + n * _ROW
        parts.append(f'<text x="{_LABEL - 6}" y="{y + 17}" text-anchor="end">{escape(row.label)}</text>')
        if row.value is not None:
            length = round(_BAR * row.value / top, 1)
            parts.append(f'<rect x="{_LABEL}" y="{y + 4}" width="{length}" height="{_ROW - 8}" fill="#2f6fad"/>')
        text = "—" if row.value is None else f"{row.value:g}{unit}"
        parts.append(f'<text x="{_LABEL + _BAR + 6}" y="{y + 17}">{escape(text)}</text>')
        if row.target is not None:
            x = _LABEL + round(_BAR * row.target / top, 1)
            parts.append(f'<line x1="{x}" x2="{x}" y1="{y + 1}" y2="{y + _ROW - 1}" stroke="#b22222" '
                         'stroke-width="2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every label and number above went through escape())

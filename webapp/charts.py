"""Server-rendered SVG bar charts for the indicator pages, drawn by pygal (a well-kept charting library).

The pages run under a strict Content-Security-Policy and carry no script: pygal is told to link no
JavaScript (`js=[]`) and the small config <script> it still writes into <defs> is removed before the SVG is
embedded inline. Labels and the title are escaped by pygal (lxml builds the tree) and set in a
Chinese-capable font stack (WenQuanYi Zen Hei is installed on the servers), so the chart reads the same in
the browser and on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

from engine.bpmn import reader

FONT = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif'
SVG = "{http://www.w3.org/2000/svg}"
_STYLE = Style(font_family=FONT, background="white", plot_background="white", colors=("#2f6fad", "#b22222"),
               title_font_size=15, label_font_size=12, major_label_font_size=12, value_font_size=12)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    """None draws no bar: nothing was measured."""
    target: float | None = None


def _without_script(svg: str) -> str:
    """The SVG with every <script> element taken out, so the page stays free of script under the CSP."""
    root = reader.parse(svg, keep_comments=False)  # the one hardened XML parser (no entities, DTD or network)
    for script in root.iter(f"{SVG}script", "script"):
        script.getparent().remove(script)
    return etree.tostring(root, encoding="unicode")


def bars(title: str, rows: Sequence[Bar], maximum: float | None = None, unit: str = "",
         legend: tuple[str, str] = ("实际", "目标")) -> Markup:
    """A horizontal bar chart, value printed on each bar; a row's target (e.g. 100 % for legality review) is
    drawn as a second bar of its own colour, named in the legend."""
    targets = any(row.target is not None for row in rows)
    chart = pygal.HorizontalBar(
        js=[], style=_STYLE, title=title, print_values=True, show_legend=targets, legend_at_bottom=True,
        disable_xml_declaration=True, width=720, height=max(160, 70 + 34 * len(rows) * (2 if targets else 1)),
        value_formatter=lambda value: f"{value:g}{unit}", show_y_guides=False, truncate_label=-1,
        range=(0, maximum) if maximum else None, explicit_size=True)
    chart.x_labels = [row.label for row in rows]
    chart.add(legend[0] if targets else title, [row.value for row in rows])
    if targets:
        chart.add(legend[1], [row.target for row in rows])
    return Markup(_without_script(chart.render()))  # noqa: S704 (pygal escaped every label through lxml)

"""The indicator charts are pygal SVG embedded inline: the report's figures, Chinese labels, no script."""

from __future__ import annotations

import re

from lxml import etree

from tests.webapp.site import login
from tests.webapp.test_indicators_web import decided  # noqa: F401 (the scripted decision)
from webapp.charts import Bar, bars

SVG = "{http://www.w3.org/2000/svg}"


def svgs(html: str) -> list[etree._Element]:
    return [etree.fromstring(found) for found in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def texts(svg: etree._Element) -> list[str]:
    return ["".join(node.itertext()).strip() for node in svg.iter(f"{SVG}text")]


def values(svg: etree._Element) -> list[str]:
    """The figures printed on the bars (pygal's text overlay)."""
    return [node.text for node in svg.iter(f"{SVG}text") if "value" in (node.get("class") or "").split()]


def test_df_indicator_chart_shows_the_figures_of_the_scripted_report_with_chinese_labels(decided, app):  # noqa: F811
    # one decision of dev_reform (国家发展和改革局), legality-reviewed and published: both shares are 1/1 = 100 %;
    # it had neither expert argumentation nor a risk assessment: 0/1 = 0 %
    page = login(app, "head").get("/indicators?from=2026-01-01&to=2026-12-31").get_data(as_text=True)
    shares, ranking = svgs(page)
    labels = texts(shares)
    assert "重大行政决策" in labels  # the title
    assert {"经合法性审查的重大行政决策占比", "已公布的重大行政决策占比", "经专家论证的重大行政决策占比"} <= set(labels)
    assert {"实际", "目标"} <= set(labels)  # the legend, in Chinese
    printed = values(shares)
    assert printed.count("100%") >= 3  # legality and published shares, and the 100 % target of legality review
    assert "0%" in printed  # expert argumentation (and risk assessment)
    assert "目标考核：达标项数" in texts(ranking)
    assert any("发展" in label for label in texts(ranking))  # the unit's Chinese name
    assert "<script" not in page.split("<main", 1)[-1]
    assert "WenQuanYi Zen Hei" in etree.tostring(shares, encoding="unicode")


def test_df_indicator_chart_escapes_a_title_and_label_holding_script():
    chart = str(bars("<script>alert(1)</script>法治", [Bar("<img src=x onerror=alert(2)>", 50.0, 100.0)], 100, "%"))
    assert "<script" not in chart and "<img" not in chart
    svg = etree.fromstring(chart)
    assert "<script>alert(1)</script>法治" in texts(svg)  # shown as text, not markup
    assert "<img src=x onerror=alert(2)>" in texts(svg)
    assert sorted(values(svg)) == ["100%", "50%"]
    assert all(font in chart for font in ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei"))

"""The monthly 法治政府建设工作通报 of the justice bureau, from one month's 法治指数 report: DOCX and PDF.

A layout of its own, after GB/T 9704 (A4, margins 37/35/28/26 mm, 版头 in red over a red rule, title 2号,
body 3号 仿宋): 版头 (the issuing bureau) and 法治政府建设工作通报, 期号 (第N期) and 发文日期 above the rule,
then 一、基本情况 (the month's figures), 二、各单位情况 (a ranking table by unit: decisions taken and
published, steps completed after their due day, reminders on overdue steps), 三、存在问题 (worked out from
the same figures: every unit with an overdue step or an unpublished decision), 四、下一步要求 (fixed text)
and 落款. Pure: only the report's figures are used, so a month always renders to the same 通报.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.domain.errors import IndicatorQueryInvalid
from engine.official import CSS_FONTS, RED, TITLE_FONT, WordPage, written_on
from engine.services.indicators import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
TITLE = "法治政府建设工作通报"
HEADERS = ("排名", "单位", "作出重大行政决策（件）", "已公布（件）", "超期办结步骤（个）", "超期督办（次）")
REQUIREMENTS = (
    "（一）严格落实重大行政决策程序。各单位要对照《重大行政决策程序暂行条例》，把公众参与、专家论证、风险评估、"
    "合法性审查和集体讨论决定作为必经程序，决策作出后依法及时公布。",
    "（二）压实办理时限责任。对超期办结的步骤逐项说明原因、落实整改，对收到督办通知的事项限期办结，"
    "整改情况于下月5日前报送本局。",
    "（三）加强统计数据核查。各单位要及时在系统中完整记录办理过程，确保法治政府建设统计数据真实、准确、可追溯。",
)


@dataclass(frozen=True)
class UnitRow:
    """One unit's figures for the month, as the 各单位情况 table prints them."""

    rank: int
    unit: str
    name: str
    taken: int
    published: int
    overdue: int
    reminders: int

    @property
    def unpublished(self) -> int:
        return self.taken - self.published

    def cells(self) -> tuple[str, ...]:
        return tuple(str(v) for v in (self.rank, self.name, self.taken, self.published, self.overdue,
                                       self.reminders))


@dataclass(frozen=True)
class Bulletin:
    report: Report
    issuer: str
    """The issuing bureau, as the 版头 and the 落款 print it (e.g. 示范县司法局)."""
    issue: int
    """The 期号: 第N期."""
    day: date
    """发文日期."""

    @property
    def month(self) -> str:
        return f"{self.report.start.year}年{self.report.start.month}月"


def month_period(month: str) -> tuple[str, str]:
    """The first and last day of a month given as YYYY-MM; refused naming the field `month` otherwise."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        raise IndicatorQueryInvalid(field="month", problem=f"{month!r} is not a month YYYY-MM",
                                    problem_zh=f"{month} 不是 YYYY-MM 格式的月份") from None
    following = date(year + number // 12, number % 12 + 1, 1)
    return first.isoformat(), date.fromordinal(following.toordinal() - 1).isoformat()


def default_issuer(report: Report) -> str:
    """The bureau that issues the 通报: the organisation named …司法局 in the record, else 司法局."""
    return next((name for name in sorted(report.unit_names.values()) if name.endswith("司法局")), "司法局")


def _count(report: Report, unit: str | None, indicator: str) -> int:
    try:
        line = report.line(indicator, unit)
    except KeyError:
        return 0
    return int(line.figure.value or 0)


def _published(report: Report, unit: str | None) -> int:
    """Decisions taken in the month that were published (the numerator of md_published_share)."""
    try:
        return int(report.line("md_published_share", unit).figure.numerator or 0)
    except KeyError:
        return 0


def units(report: Report) -> list[UnitRow]:
    """每个单位 ranked: fewest overdue steps, then fewest unpublished decisions, then most decisions taken."""
    found = []
    for unit in report.by_unit:
        taken, published = _count(report, unit, "md_taken"), _published(report, unit)
        found.append((unit, report.unit_names.get(unit, unit), taken, published,
                      _count(report, unit, "steps_overdue"), _count(report, unit, "reminders_overdue")))
    found.sort(key=lambda r: (r[4], r[2] - r[3], -r[2], r[0]))
    return [UnitRow(n, *row) for n, row in enumerate(found, 1)]


def situation(report: Report) -> str:
    """一、基本情况: the month's figures over all units."""
    taken, published = _count(report, None, "md_taken"), _published(report, None)
    share = f"，公布率{published * 100 / taken:.1f}%" if taken else ""
    overdue, reminders = _count(report, None, "steps_overdue"), _count(report, None, "reminders_sent")
    return (f"{report.start.year}年{report.start.month}月（{report.start} 至 {report.end}），"
            f"全县各单位共作出重大行政决策{taken}件，已公布{published}件{share}；超期办结的步骤{overdue}个，"
            f"发出催办通知{reminders}次，其中超期督办"
            f"{_count(report, None, 'reminders_overdue')}次。系统中共有程序{report.procedures}件。")


def problems(report: Report) -> list[str]:
    """三、存在问题: each unit with a step completed late or a decision of the month not yet published."""
    found = []
    for row in units(report):
        parts = []
        if row.overdue:
            parts.append(f"超期办结步骤{row.overdue}个")
        if row.unpublished:
            parts.append(f"作出的重大行政决策中有{row.unpublished}件尚未公布")
        if parts:
            found.append(f"{row.name}：{'，'.join(parts)}。")
    return found or ["本月未发现超期办结的步骤和未公布的重大行政决策。"]


def html(bulletin: Bulletin) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("indicator_bulletin.html").render(
        b=bulletin, title=TITLE, situation=situation(bulletin.report), headers=HEADERS,
        units=units(bulletin.report), problems=problems(bulletin.report), requirements=REQUIREMENTS,
        written_on=written_on(bulletin.day), fonts=CSS_FONTS, red=RED)


def pdf(bulletin: Bulletin) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html(bulletin)).write_pdf()


def docx(bulletin: Bulletin) -> bytes:
    """The same 通报 as a Word document, for the bureau to edit before it is sealed and sent."""
    page = WordPage()
    page.line(bulletin.issuer, 30, "center", TITLE_FONT, red=True)
    page.line(TITLE, 26, "center", TITLE_FONT, red=True)
    page.line(f"第{bulletin.issue}期", 16, "center")
    page.red_rule(page.line(f"{bulletin.issuer}　　　　　　　　{written_on(bulletin.day)}", 16, "center"))
    page.line(f"{bulletin.month}法治政府建设工作情况", 22, "center", TITLE_FONT)
    page.line("一、基本情况", bold=True)
    page.line(situation(bulletin.report), indent=True)
    page.line("二、各单位情况", bold=True)
    table = page.out.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in units(bulletin.report):
        for cell, text in zip(table.add_row().cells, row.cells(), strict=True):
            cell.text = text
    page.line("三、存在问题", bold=True)
    for text in problems(bulletin.report):
        page.line(text, indent=True)
    page.line("四、下一步要求", bold=True)
    for text in REQUIREMENTS:
        page.line(text, indent=True)
    page.line("")
    page.line(bulletin.issuer, align="right")
    page.line(written_on(bulletin.day), align="right")
    return page.bytes()

"""The statistical annex (统计附表) of the 法治政府建设 report and the monthly 通报: PDF and DOCX.

One table in the layout of official documents (GB/T 9704: A4, title in 2号 bold, body 小4, page numbers
centred at the foot): 序号, 指标, 数值 (with numerator and denominator for shares), 目标, 依据, grouped as
the indicators are. Only the report's figures are used, so a report always renders to the same table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.services.indicators import Line, Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
FONT = "'FangSong', 'STFangsong', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif"
DOCX_FONT = "仿宋_GB2312"


@dataclass(frozen=True)
class Row:
    n: int
    group: str | None
    """The group's heading, on the first row of each group only."""
    name: str
    value: str
    target: str
    rules: str


def title(report: Report) -> str:
    return "法治政府建设情况统计附表"


def value(line: Line) -> str:
    figure = line.figure
    if figure.value is None:
        return "—"
    text = f"{figure.value:g}{'' if line.indicator.unit in ('%',) else ' '}{line.indicator.unit}"
    if figure.numerator is not None:
        text += f"（{figure.numerator}/{figure.denominator}）"
    for key, sub in figure.breakdown.items():
        text += f"；{key} {sub.value}"
    return text


def rows(report: Report) -> list[Row]:
    found, previous = [], None
    for n, line in enumerate(report.totals, 1):
        group = line.indicator.group if line.indicator.group != previous else None
        previous = line.indicator.group
        target = "" if line.indicator.target_min is None else f"≥{line.indicator.target_min:g}%"
        found.append(Row(n, group, line.indicator.name_zh, value(line), target, "、".join(line.indicator.rules)))
    return found


def note(report: Report) -> str:
    checkpoint = report.checkpoint
    anchor = (f"第 {checkpoint.seq} 号检查点（{checkpoint.at}）" if checkpoint.seq else "尚无检查点")
    return (f"说明：本表由 DecisionFlow 依据链式历史记录计算，共计入程序 {report.procedures} 件；所依据的检查点为"
            f"{anchor}，其后有新记录的程序 {len(checkpoint.moved_after)} 件。“—”表示统计期间内无可计量的数据。")


def html(report: Report) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("indicator_annex.html").render(report=report, rows=rows(report), title=title(report),
                                                          note=note(report), font=FONT)


def pdf(report: Report) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html(report)).write_pdf()


def docx(report: Report) -> bytes:
    """The same table as a Word document, for offices that edit the annex before sealing it."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style: Any = document.styles["Normal"]
    style.font.name, style.font.size = DOCX_FONT, Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title(report))
    run.bold, run.font.size = True, Pt(22)
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit = f"　填报单位：{report.unit_names.get(report.unit, report.unit)}" if report.unit else ""
    sub.add_run(f"统计期间：{report.start} 至 {report.end}{unit}").font.size = Pt(14)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "指标", "数值", "目标", "依据"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in rows(report):
        if row.group:
            merged = table.add_row().cells
            merged[0].merge(merged[4]).text = row.group
            merged[0].paragraphs[0].runs[0].bold = True
        cells = table.add_row().cells
        for cell, text in zip(cells, (str(row.n), row.name, row.value, row.target, row.rules), strict=True):
            cell.text = text
    document.add_paragraph(note(report)).runs[0].font.size = Pt(10.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""Official documents in the layout of GB/T 9704-2012 (党政机关公文格式), as DOCX and PDF.

A step that produces a legal document — a legality review opinion, meeting minutes, a reconsideration
decision — offers it pre-filled from the record, for the person to check, sign, seal and upload as the
step's document. Each statute's home declares its documents (`<statute>/documents.py`: `DOCUMENTS`, a
`Kind` per step kind) as a function from the record's facts to an `OfficialDocument`; this module lays
one out: 版头 (the issuing organ, in red), 发文字号, the red separator line, 标题, 主送机关, 正文, 落款 and
成文日期 (in Arabic numerals, as GB/T 9704-2012 7.3.5.1 has it). A number the office has not yet given
is left as a blank for it to fill (〔2026〕  号). Pure: the service supplies the facts.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from engine.statutes import modules

TEMPLATES = Path(__file__).resolve().parent / "templates"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
CSS_FONTS = "'FangSong', 'STFangsong', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', serif"
RED = "C00000"
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}


@dataclass(frozen=True)
class Facts:
    """What a document is filled from: the procedure, the step's values (recorded, or the user's draft)
    and what earlier steps recorded, with organisations and people by name."""

    procedure_id: int
    title: str
    sponsor: str
    issuer: str
    """The organisation of the person who does the step: the one that issues the document."""
    values: Mapping[str, Any]
    before: Mapping[str, Any]
    today: date
    labels: Callable[[str, str], str] = field(default=lambda name, value: value)
    """(field, value) → the form's label of a choice (审查结论 `lawful` → 合法)."""

    def value(self, name: str, blank: str = "＿＿＿＿") -> str:
        """A value as the document prints it; a blank to fill where the step has none yet."""
        found = self.values.get(name, self.before.get(name))
        if found in (None, "", []):
            return blank
        return self.labels(name, str(found)) if isinstance(found, str) else str(found)


@dataclass(frozen=True)
class OfficialDocument:
    issuer: str
    number_prefix: str
    """The organ's 发文字号 prefix (代字), e.g. 示范司审; the year is the document's, the number left blank."""
    title: str
    addressee: str
    paragraphs: tuple[str, ...]
    day: date
    red_header: bool = True


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    """What the step page offers: 合法性审查意见书."""
    build: Callable[[Facts], OfficialDocument]


@cache
def _declared() -> dict[tuple[str, str], tuple[Kind, ...]]:
    found: dict[tuple[str, str], tuple[Kind, ...]] = {}
    for module in modules("documents"):
        statute = module.__name__.split(".")[2]
        for step_kind, kinds in module.DOCUMENTS.items():
            found[(statute, str(step_kind))] = tuple(kinds)
    return found


def kinds(statute: str | None, step_kind: str) -> tuple[Kind, ...]:
    """The official documents a step of this kind produces (none for most steps)."""
    return _declared().get((statute or "", step_kind), ())


def number(document: OfficialDocument) -> str:
    return f"{document.number_prefix}〔{document.day.year}〕　　号"


def written_on(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class WordPage:
    """A Word document on the GB/T 9704 page (A4, margins 37/35/28/26 mm, body 3号 仿宋 16 pt), written a line
    at a time: what every official document and the indicator 通报 share (python-docx, imported on use)."""

    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Mm, Pt

        self.out = Document()
        section = self.out.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal: Any = self.out.styles["Normal"]
        normal.font.name, normal.font.size = BODY_FONT, Pt(16)
        self._east_asian(normal.element.rPr, BODY_FONT)

    @staticmethod
    def _east_asian(properties: Any, font: str) -> None:
        from docx.oxml.ns import qn

        properties.rFonts.set(qn("w:eastAsia"), font)

    def line(self, text: str, size: float = 16, align: str | None = None, font: str = BODY_FONT,
             red: bool = False, indent: bool = False, bold: bool = False) -> Any:
        """One paragraph; `align` is "center" or "right" (left when None)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt, RGBColor

        paragraph = self.out.add_paragraph()
        if align is not None:
            paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        run = paragraph.add_run(text)
        run.font.size, run.font.name, run.bold = Pt(size), font, bold
        self._east_asian(run.element.rPr, font)
        if red:
            run.font.color.rgb = RGBColor.from_string(RED)
        return paragraph

    def red_rule(self, paragraph: Any) -> None:
        """The red line under the 版头 (版头中的分隔线), drawn as the paragraph's bottom border."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        border, bottom = OxmlElement("w:pBdr"), OxmlElement("w:bottom")
        for key, val in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", RED)):
            bottom.set(qn(key), val)
        border.append(bottom)
        paragraph._p.get_or_add_pPr().append(border)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.out.save(buffer)
        return buffer.getvalue()


def docx(document: OfficialDocument) -> bytes:
    """A Word document in the GB/T 9704 layout: title 2号 (22 pt), body 3号 (16 pt)."""
    page = WordPage()
    if document.red_header:
        page.line(document.issuer, 30, "center", TITLE_FONT, red=True)
    page.red_rule(page.line(number(document), 16, "center"))
    page.line("")
    page.line(document.title, 22, "center", TITLE_FONT)
    page.line("")
    page.line(f"{document.addressee}：")
    for text in document.paragraphs:
        page.line(text, indent=True)
    page.line("")
    page.line(document.issuer, align="right")
    page.line(written_on(document.day), align="right")
    return page.bytes()


def html(document: OfficialDocument) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("official_document.html").render(
        d=document, number=number(document), written_on=written_on(document.day), fonts=CSS_FONTS, red=RED)


def pdf(document: OfficialDocument) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html(document)).write_pdf()


RENDER: dict[str, Callable[[OfficialDocument], bytes]] = {"docx": docx, "pdf": pdf}

"""The readable record as OFD (GB/T 33190-2016), the national fixed-layout format (issue 23 item 5).

No maintained Python library writes OFD (the ones on PyPI read it, or convert through PDF renderers), so
the package is written here with lxml and zipfile, with the parts GB/T 33190 requires of a text document:
`OFD.xml` (the entry, with DocInfo: title, author, dates), `Doc_0/Document.xml` (the page area, the page
list and the public resources), `Doc_0/PublicRes.xml` (the fonts, referenced by name: 宋体, which every
OFD reader maps to a system font, so nothing is embedded), and one `Doc_0/Pages/Page_N/Content.xml` per
A4 page with a text object per line. The text is the same record as record.html, laid out line by line.
Only values from the history are used, and the ZIP has fixed times, so the same record gives the same bytes.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from engine.clock import CST

NS = "http://www.ofdspec.org/2016"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 210.0, 297.0, 20.0
STYLES = {"title": 6.0, "heading": 4.6, "text": 3.5, "small": 2.6}
"""Font size (mm) of each kind of line; a line takes 1.6 times its size."""
FONT_ID = 1


@dataclass(frozen=True)
class Line:
    text: str
    style: str = "text"


def write(lines: list[Line], title: str, author: str, moment: datetime, doc_id: str) -> tuple[bytes, int]:
    """The OFD package of these lines and its number of pages."""
    pages = _paginate([wrapped for line in lines for wrapped in _wrap(line)])
    ids = iter(range(FONT_ID + 1, 10**9))
    contents, page_ids = [], []
    for page in pages:
        page_ids.append(next(ids))
        contents.append(_page(page, ids))
    max_id = next(ids) - 1
    day = moment.astimezone(CST).date().isoformat()
    entries = {"OFD.xml": _ofd(title, author, day, doc_id),
               "Doc_0/Document.xml": _document(page_ids, max_id),
               "Doc_0/PublicRes.xml": _public_res(),
               **{f"Doc_0/Pages/Page_{n}/Content.xml": content for n, content in enumerate(contents)}}
    return _zip(entries, moment), len(pages)


def record_lines(context: dict[str, Any], kinds: dict[str, str], statuses: dict[str, str]) -> list[Line]:
    """The record in reading order, section by section as record.html has it."""
    procedure, local = context["procedure"], _local
    lines = [Line("重大行政决策档案", "title"), Line(procedure.title, "heading"), Line("一、程序概况", "heading"),
             Line(f"程序编号：{procedure.id}"), Line(f"决策事项：{procedure.title}"),
             Line(f"决策承办单位：{context.get('responsible', procedure.sponsor_org)}"),
             Line(f"状态：{statuses.get(procedure.status, procedure.status)}"),
             Line(f"启动：{local(procedure.started_at)}（{procedure.started_by}）"),
             Line(f"结束：{local(procedure.ended_at)}"),
             Line(f"流程定义：{context['definition'].get('key')} 第 {context['definition'].get('version')} 版"),
             Line(f"流程定义 SHA-256：{context['definition'].get('sha256')}", "small"),
             Line(f"历史记录链：{context['head_seq']} 条事件，链头 {context['head_hash']}", "small"),
             Line("二、各环节办理情况", "heading")]
    for number, step in enumerate(context["steps"], start=1):
        lines.append(Line(f"{number}. {step['title']}", "heading"))
        lines.append(Line(f"办理人：{step['by']}（{step['org']}）　办理时间：{local(step['at'])}"
                          f"　事件序号：{step['seq']}"))
        lines += [Line(f"{label}：{value}") for label, value in step["rows"]]
    if not context["steps"]:
        lines.append(Line("尚无办结的环节。"))
    lines.append(Line("三、历史记录", "heading"))
    for event in context["events"]:
        lines.append(Line(f"{event.seq}　{local(event.at)}　{kinds.get(event.kind, event.kind)}　{event.actor}"))
        lines.append(Line(f"哈希值 {event.hash}", "small"))
    lines.append(Line("四、文件清单", "heading"))
    for document in context["documents"]:
        lines.append(Line(f"{document.filename}（{document.step}，{document.size} 字节）"))
        lines.append(Line(f"SHA-256 {document.sha256}", "small"))
    if not context["documents"]:
        lines.append(Line("无"))
    lines.append(Line("本档案由 DecisionFlow 导出并签章；可用档案内的 verify.py 离线校验。", "small"))
    return lines


def _local(moment: datetime | None) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else ""


def _advance(char: str, size: float) -> float:
    """A character's width: full for CJK and other wide characters, about half for the rest."""
    return size if unicodedata.east_asian_width(char) in ("W", "F") else size * 0.55


def _wrap(line: Line) -> list[Line]:
    size, room = STYLES[line.style], PAGE_WIDTH - 2 * MARGIN
    out, current, width = [], "", 0.0
    for char in line.text.replace("\n", " "):
        step = _advance(char, size)
        if width + step > room and current:
            out.append(Line(current, line.style))
            current, width = "", 0.0
        current, width = current + char, width + step
    out.append(Line(current, line.style))
    return out


def _paginate(lines: list[Line]) -> list[list[tuple[Line, float]]]:
    """Lines with their baselines (mm from the top), page by page."""
    pages: list[list[tuple[Line, float]]] = [[]]
    y = MARGIN
    for line in lines:
        height = STYLES[line.style] * 1.6
        if y + height > PAGE_HEIGHT - MARGIN and pages[-1]:
            pages.append([])
            y = MARGIN
        y += height
        pages[-1].append((line, y))
    return pages


def _el(tag: str, parent: etree._Element | None = None, text: str | None = None, **attrs: str) -> etree._Element:
    name = f"{{{NS}}}{tag}"
    element = etree.Element(name, nsmap={"ofd": NS}, attrib=attrs) if parent is None else \
        etree.SubElement(parent, name, attrib=attrs)
    if text is not None:
        element.text = text
    return element


def _bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _ofd(title: str, author: str, day: str, doc_id: str) -> bytes:
    root = _el("OFD", Version="1.0", DocType="OFD")
    body = _el("DocBody", root)
    info = _el("DocInfo", body)
    for tag, value in (("DocID", doc_id), ("Title", title), ("Author", author), ("CreationDate", day),
                       ("Creator", "DecisionFlow")):
        _el(tag, info, value)
    _el("DocRoot", body, "Doc_0/Document.xml")
    return _bytes(root)


def _document(page_ids: list[int], max_id: int) -> bytes:
    root = _el("Document")
    common = _el("CommonData", root)
    _el("MaxUnitID", common, str(max_id))
    area = _el("PageArea", common)
    _el("PhysicalBox", area, f"0 0 {PAGE_WIDTH:g} {PAGE_HEIGHT:g}")
    _el("PublicRes", common, "PublicRes.xml")
    pages = _el("Pages", root)
    for n, page_id in enumerate(page_ids):
        _el("Page", pages, ID=str(page_id), BaseLoc=f"Pages/Page_{n}/Content.xml")
    return _bytes(root)


def _public_res() -> bytes:
    root = _el("Res", BaseLoc="Res")
    fonts = _el("Fonts", root)
    _el("Font", fonts, ID=str(FONT_ID), FontName="宋体", FamilyName="宋体")
    return _bytes(root)


def _page(lines: list[tuple[Line, float]], ids: Any) -> bytes:
    root = _el("Page")
    layer = _el("Layer", _el("Content", root), ID=str(next(ids)))
    for line, baseline in lines:
        size = STYLES[line.style]
        width = sum(_advance(c, size) for c in line.text)
        top = baseline - size
        text = _el("TextObject", layer, ID=str(next(ids)), Boundary=f"{MARGIN:g} {top:.2f} {max(width, 1):.2f} "
                   f"{size * 1.2:.2f}", Font=str(FONT_ID), Size=f"{size:g}")
        _el("TextCode", text, line.text, X="0", Y=f"{size:g}")
    return _bytes(root)


def _zip(entries: dict[str, bytes], moment: datetime) -> bytes:
    local = moment.astimezone(CST)
    when = (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in ["OFD.xml", *sorted(n for n in entries if n != "OFD.xml")]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            package.writestr(info, entries[name])
    return buffer.getvalue()

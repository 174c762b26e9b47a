"""The electronic-record metadata of a decision archive, as an archives bureau takes it in (issue 23 item 4).

DA/T 46-2009 names the metadata of a 文书类 electronic record (题名, 责任者, 日期, 文号, 保管期限, 密级,
件号, 页数, 载体, 归档日期, 全宗号 …) and DA/T 97-2023 asks that a record handed over carries them; one
package per decision (一事一档, SC-4). This module writes them as `metadata.xml`, validated against the
schema `schemas/archive_metadata.xsd` (shipped in every package as `metadata.xsd`) before it is sealed.

Every value comes from the record (the history and its steps) or from the deployment's settings
(全宗号), never from "now", so the same procedure gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from lxml import etree

from engine.bpmn import reader
from engine.clock import CST

NAMESPACE = "urn:decisionflow:archive-metadata:1"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "archive_metadata.xsd"
NUMBER_FIELDS = ("decision_number", "document_number", "registration_number")
"""Step fields that hold the decision's 文号, latest first wins."""
RETENTION = "永久"
"""Records of major administrative decisions are kept permanently (MD-33a: accountability for life)."""


@dataclass(frozen=True)
class Metadata:
    fonds: str
    archive_number: str
    procedure_id: int
    title: str
    responsible: str
    decided_on: datetime
    document_number: str | None
    classification: str
    pages: int
    archived_on: str
    kind: str
    status: str
    head_seq: int
    head_hash: str


def to_xml(meta: Metadata, files: dict[str, tuple[str, bytes]]) -> bytes:
    """metadata.xml: the record's metadata and every file of the package (name → (format, bytes))."""
    root = etree.Element(f"{{{NAMESPACE}}}决策档案", nsmap={None: NAMESPACE}, attrib={"版本": "1"})
    decided = meta.decided_on.astimezone(CST).date()
    values = [("聚合层次", "件"), ("全宗号", meta.fonds), ("档号", meta.archive_number), ("年度", str(decided.year)),
              ("保管期限", RETENTION), ("件号", str(meta.procedure_id)), ("题名", meta.title),
              ("责任者", meta.responsible), ("日期", decided.isoformat()), ("文号", meta.document_number),
              ("密级", meta.classification), ("页数", str(meta.pages)), ("载体", "电子"),
              ("归档日期", meta.archived_on), ("文种", meta.kind), ("程序状态", meta.status)]
    for name, value in values:
        if value is not None:
            _add(root, name, value)
    chain = _add(root, "历史链")
    _add(chain, "事件数", str(meta.head_seq))
    _add(chain, "链头哈希", meta.head_hash)
    components = _add(root, "组件")
    for name, (media_type, data) in sorted(files.items()):
        entry = _add(components, "文件")
        _add(entry, "名称", name)
        _add(entry, "格式", media_type)
        _add(entry, "字节数", str(len(data)))
        _add(entry, "哈希值", hashlib.sha256(data).hexdigest()).set("算法", "SHA-256")
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    schema().assertValid(reader.parse(xml))
    return bytes(xml)


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(reader.parse(SCHEMA.read_bytes()))  # the project's one hardened XML parser


def document_number(steps_data: list[dict[str, object]]) -> str | None:
    """The decision's 文号, from the last step that recorded one."""
    for data in reversed(steps_data):
        for field in NUMBER_FIELDS:
            if isinstance(data.get(field), str) and str(data[field]).strip():
                return str(data[field]).strip()
    return None


def classification(steps_data: list[dict[str, object]]) -> str:
    """密级: 内部 when a step decided not to disclose the decision (a `disclosed` of false), else 公开."""
    return "内部" if any(data.get("disclosed") is False for data in steps_data) else "公开"


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if text is not None:
        element.text = text
    return element

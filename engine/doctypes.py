"""Documents are what they claim to be: the type of every upload is read from its content (invariant 9).

A study report (研究论证报告) or a citizen's attachment is evidence; an `.exe` renamed
`研究论证报告.pdf` and sent as `application/pdf` must not become one. So the file name and
the client's Content-Type are never believed: the bytes are. Each document slot accepts
the default list below, or fewer where its form narrows it with `"x-accept": ["pdf", "ofd"]`
(checked when the definition is checked, `forms.schema_problem`). A refusal names the slot,
the types it accepts and what the file was found to be; the media type stored is the one
found here, never the one the client sent.

How the content is read, and why:
- Signatures (PDF, PNG, JPEG, and the names of what is refused: `application/x-msdownload`
  for a Windows program, ELF, archives, media…) come from `filetype`: pure Python, no
  dependencies, a table of ~80 signatures read from the first 8 KiB. python-magic would need
  the system's libmagic; puremagic 2 needs Python 3.12 and puremagic 1.x ranks a Windows
  program as an "Audition graphic filter" and every ZIP as a Word file.
- ZIP containers (DOCX, XLSX, OFD) cannot be told apart by a signature: every one starts
  with `PK\\x03\\x04`, and filetype's DOCX test only peeks at the first entries' names. So a
  ZIP is opened with `zipfile` and its central directory read (nothing is decompressed but
  `[Content_Types].xml`, within a size cap): DOCX is an OOXML package with
  `word/document.xml`, XLSX one with `xl/workbook.xml`, OFD (GB/T 33190) has `OFD.xml` at
  its root. A package that declares macros (DOCM, XLSM) is not a DOCX or XLSX.
- Legacy OLE2 files (.doc, .xls, .wps) are not on the list: the container holds anything,
  macros included, and cannot be named from its signature; such a file is converted to
  PDF, OFD or DOCX before it is filed.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype

from engine.domain.errors import DocumentTypeRefused
from engine.services.views import Upload

__all__ = ["DEFAULT", "TYPES", "Found", "accept_attribute", "accept_problem", "admit", "detect", "extension",
           "labels"]


@dataclass(frozen=True)
class DocType:
    """A type a slot may accept: `name` is what forms write in `x-accept`."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    label: str


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES: dict[str, DocType] = {t.name: t for t in (
    DocType("pdf", "application/pdf", (".pdf",), "PDF"),
    DocType("ofd", "application/ofd", (".ofd",), "OFD"),
    DocType("docx", DOCX, (".docx",), "DOCX"),
    DocType("xlsx", XLSX, (".xlsx",), "XLSX"),  # lists kept as tables: a clean-up's catalogue, a filing list
    DocType("png", "image/png", (".png",), "PNG"),
    DocType("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG"),  # scans and photographs of signed papers
)}
DEFAULT: tuple[str, ...] = tuple(TYPES)
"""What every document slot accepts unless its form narrows it."""

_BY_MEDIA = {t.media_type: t for t in TYPES.values()}
_CONTENT_TYPES_CAP = 1024 * 1024  # [Content_Types].xml is a few KiB; larger is not an OOXML package we read


@dataclass(frozen=True)
class Found:
    """What a file's content is: a media type ("" when nothing is recognised) and how to name it to a person."""

    media_type: str
    description: str
    description_zh: str

    @property
    def type(self) -> DocType | None:
        return _BY_MEDIA.get(self.media_type)


def detect(content: bytes) -> Found:
    """The type of `content`, read from the bytes alone."""
    if content[:4] == b"PK\x03\x04":
        return _zip_kind(content)
    kind = filetype.guess(content) if content else None
    if kind is None:
        return Found("", "an unknown type", "未知类型")
    known = _BY_MEDIA.get(kind.mime)
    if known is not None:
        return Found(known.media_type, known.label, known.label)
    return _named(kind.mime, f".{kind.extension}")


def admit(field: str, upload: Upload, allowed: Iterable[str] = DEFAULT) -> Upload:
    """The upload with the media type its content shows, or a refusal naming the field (DF-DOCUMENT)."""
    names = tuple(allowed)
    found = detect(upload.content)
    if found.type is None or found.type.name not in names:
        labels = [TYPES[n].label for n in names]
        raise DocumentTypeRefused(field=field, filename=upload.filename, detected=found.description,
                                  detected_zh=found.description_zh, allowed=", ".join(labels),
                                  allowed_zh="、".join(labels))
    return dataclasses.replace(upload, media_type=found.media_type)


def extension(media_type: str) -> str:
    """The file ending of a known media type (".pdf"), or "" for a type no slot accepts."""
    known = _BY_MEDIA.get(media_type)
    return known.extensions[0] if known else ""


def labels(allowed: Iterable[str] | None = None) -> tuple[str, ...]:
    """The allowed types as people name them (PDF, OFD, …), for forms and the API description."""
    return tuple(TYPES[n].label for n in (DEFAULT if allowed is None else allowed) if n in TYPES)


def accept_attribute(allowed: Iterable[str] | None = None) -> str:
    """An HTML file input's `accept`: the endings and media types of the allowed types (a hint to the
    browser's picker; the engine checks the content)."""
    kinds = [TYPES[n] for n in (DEFAULT if allowed is None else allowed) if n in TYPES]
    return ",".join([*(e for t in kinds for e in t.extensions), *(t.media_type for t in kinds)])


def accept_problem(value: object) -> str | None:
    """Why an `x-accept` value cannot narrow a slot, or None: a non-empty list of known type names."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return f"x-accept must be a non-empty list of type names ({', '.join(DEFAULT)})"
    unknown = [v for v in value if v not in TYPES]
    if unknown:
        return f"x-accept names unknown type {unknown[0]!r}; known: {', '.join(DEFAULT)}"
    if len(set(value)) != len(value):
        return "x-accept names a type twice"
    return None


def _zip_kind(content: bytes) -> Found:
    """A ZIP container named by its entries: OFD, DOCX, XLSX, their macro-enabled kin, or a plain ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "OFD.xml" in names:
                return Found(TYPES["ofd"].media_type, "OFD", "OFD")
            declared = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            types = (archive.read(declared).lower() if declared is not None
                     and declared.file_size <= _CONTENT_TYPES_CAP else b"")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return _named("application/zip", "damaged ZIP", "已损坏的 ZIP")
    macros = b"macroenabled" in types or b"vbaproject" in types
    if types and "word/document.xml" in names:
        return (_named("application/vnd.ms-word.document.macroEnabled.12", ".docm") if macros
                else Found(DOCX, "DOCX", "DOCX"))
    if types and "xl/workbook.xml" in names:
        return (_named("application/vnd.ms-excel.sheet.macroEnabled.12", ".xlsm") if macros
                else Found(XLSX, "XLSX", "XLSX"))
    if types and "ppt/presentation.xml" in names:
        return _named("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx")
    return _named("application/zip", ".zip")


def _named(media_type: str, ending: str, ending_zh: str | None = None) -> Found:
    return Found(media_type, f"{media_type} ({ending})", f"{media_type}（{ending_zh or ending}）")

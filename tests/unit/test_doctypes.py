"""Document types are read from the content (engine/doctypes.py): signatures for PDF and images, the ZIP's
own directory for DOCX, XLSX and OFD. The name and the client's claim are never believed."""

from __future__ import annotations

import pytest

from engine import doctypes
from engine.domain.errors import DocumentTypeRefused
from engine.services.views import Upload
from tests import documents

XLSX_PARTS = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}


@pytest.mark.parametrize(("content", "name"), [
    (documents.PDF, "pdf"), (documents.docx(), "docx"), (documents.ofd(), "ofd"), (documents.png(), "png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32, "jpeg"), (documents.zip_of(XLSX_PARTS), "xlsx"),
], ids=["pdf", "docx", "ofd", "png", "jpeg", "xlsx"])
def test_df_hardening_each_allowed_type_is_recognised_by_its_content(content, name):
    found = doctypes.detect(content)
    assert found.type is doctypes.TYPES[name] and found.media_type == doctypes.TYPES[name].media_type


@pytest.mark.parametrize(("content", "detected"), [
    (documents.EXE, "application/x-msdownload (.exe)"),
    (documents.zip_of({"word/document.xml": "<w:document/>"}), "application/zip (.zip)"),  # no OOXML package
    (documents.zip_of({"[Content_Types].xml": '<Default ContentType="application/vnd.ms-office.vbaProject"/>',
                       "word/document.xml": "<w:document/>", "word/vbaProject.bin": "macro"}),
     "application/vnd.ms-word.document.macroEnabled.12 (.docm)"),
    (b"PK\x03\x04" + b"\x00" * 40, "application/zip (damaged ZIP)"),
    (b"<!doctype html><script>alert(1)</script>", "an unknown type"),
    (b"", "an unknown type"),
], ids=["exe", "zip-with-a-word-name", "docm", "damaged-zip", "html", "empty"])
def test_df_hardening_what_is_not_an_allowed_type_is_refused_and_named(content, detected):
    with pytest.raises(DocumentTypeRefused) as refused:
        doctypes.admit("study_report", Upload("研究论证报告.docx", doctypes.DOCX, content))
    assert refused.value.field == "study_report" and refused.value.context["detected"] == detected


def test_df_hardening_the_admitted_upload_carries_the_detected_media_type_not_the_claimed_one():
    admitted = doctypes.admit("draft", Upload("草案.pdf", "application/pdf", documents.docx()))
    assert admitted.media_type == doctypes.DOCX and admitted.filename == "草案.pdf"


def test_df_hardening_the_accept_attribute_lists_endings_and_media_types_of_the_allowed_types():
    assert doctypes.accept_attribute(["pdf", "jpeg"]) == ".pdf,.jpg,.jpeg,application/pdf,image/jpeg"
    assert doctypes.accept_attribute().split(",")[:6] == [".pdf", ".ofd", ".docx", ".xlsx", ".png", ".jpg"]

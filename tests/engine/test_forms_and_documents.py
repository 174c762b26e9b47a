"""Form data is validated against the step's JSON Schema; documents are size-limited and
stored once by content hash. Every refusal names the field and changes nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from sqlalchemy import text

from engine.domain.errors import (
    DefinitionInvalid,
    DocumentNotUploaded,
    DocumentTooLarge,
    DocumentTypeRefused,
    FormInvalid,
)
from engine.services.tasks import Upload
from tests import documents
from tests.conftest import DRAFT, bundle
from tests.helpers import fingerprint


@pytest.fixture
def draft_step(engine, people, review_loop):
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    return procedure.task("draft")


@pytest.mark.parametrize(("data", "field", "zh"), [
    ({"basis_count": 3}, "summary", "必填项缺失"),
    ({**DRAFT, "approved_by_head": True}, "approved_by_head", "表单中没有该字段"),
    ({**DRAFT, "basis_count": "three"}, "basis_count", "类型不正确"),
    ({**DRAFT, "basis_count": 0}, "basis_count", "不得小于 1"),
    ({**DRAFT, "summary": ""}, "summary", "内容过短"),
    ({**DRAFT, "summary": datetime(2026, 1, 1)}, "summary", "无法表示为 JSON"),
    ({**DRAFT, "basis_count": 2**60}, "basis_count", "无法表示为 JSON"),
    ({**DRAFT, "basis_count": float("nan")}, "basis_count", "无法表示为 JSON"),
])
def test_form_data_is_validated_and_the_field_named(engine, people, draft_step, data, field, zh):
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.tasks.complete(draft_step, people.sponsor, data)
    assert refused.value.rule == "DF-FORM"
    assert refused.value.field == field
    assert zh in refused.value.message("zh_CN")
    assert field in refused.value.message("en")
    assert fingerprint(engine) == before


def test_document_is_stored_once_by_its_hash(engine, people, review_loop, draft_step):
    content = b"%PDF-1.7 decision draft"
    engine.tasks.complete(draft_step, people.sponsor, DRAFT, {"draft": Upload("草案.pdf", "application/pdf", content)})
    other = engine.procedures.start(review_loop, "另一项", "dev_reform", people.sponsor)
    engine.tasks.complete(other.task("draft"), people.sponsor, DRAFT,
                          {"draft": Upload("copy.pdf", "application/pdf", content)})
    with engine.db.connect() as connection:
        rows = connection.execute(text("SELECT sha256, size, content FROM documents")).all()
    assert [(r[0], r[1], bytes(r[2])) for r in rows] == [(hashlib.sha256(content).hexdigest(), len(content), content)]


def test_oversize_document_is_refused_and_nothing_written(engine, people, draft_step):
    limit = engine.settings.max_document_bytes
    before = fingerprint(engine)
    with pytest.raises(DocumentTooLarge) as refused:
        engine.tasks.complete(draft_step, people.sponsor, DRAFT,
                              {"draft": Upload("big.pdf", "application/pdf", b"x" * (limit + 1))})
    assert refused.value.rule == "DF-DOCUMENT" and refused.value.field == "draft"
    assert fingerprint(engine) == before
    engine.tasks.complete(draft_step, people.sponsor, DRAFT,
                          {"draft": Upload("ok.pdf", "application/pdf", b"%PDF-1.7\n".ljust(limit, b"x"))})


def test_document_limit_defaults_to_50_mb():
    from engine.config import Settings

    assert Settings().max_document_bytes == 50 * 1024 * 1024
    assert Settings.from_env({"DECISIONFLOW_MAX_DOCUMENT_BYTES": "1000"}).max_document_bytes == 1000


def test_document_reference_forged_in_data_is_refused(engine, people, draft_step):
    forged = {"sha256": "a" * 64, "filename": "x.pdf", "size": 1, "media_type": "application/pdf"}
    before = fingerprint(engine)
    with pytest.raises(DocumentNotUploaded) as refused:
        engine.tasks.complete(draft_step, people.sponsor, {**DRAFT, "draft": forged})
    assert refused.value.field == "draft"
    with pytest.raises(FormInvalid) as refused:  # an upload for a field the form does not have
        engine.tasks.complete(draft_step, people.sponsor, DRAFT, {"minutes": Upload("m.pdf", "application/pdf", b"1")})
    assert refused.value.field == "minutes"
    assert fingerprint(engine) == before


@pytest.mark.parametrize("data", [[1, 2], "summary", None])
def test_step_data_that_is_not_an_object_is_refused_clearly(engine, people, draft_step, data):
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.tasks.complete(draft_step, people.sponsor, data)
    assert refused.value.rule == "DF-FORM" and refused.value.field == "(form)"
    assert fingerprint(engine) == before


def test_start_facts_that_json_cannot_hold_are_refused_by_field(engine, people, review_loop):
    before = fingerprint(engine)
    with pytest.raises(FormInvalid) as refused:
        engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor,
                                {"estimated_cost": float("nan")})
    assert refused.value.field == "estimated_cost"
    assert fingerprint(engine) == before


def test_df_hardening_an_exe_named_as_the_study_report_pdf_is_refused_by_its_content(engine, people, draft_step):
    before = fingerprint(engine)
    with pytest.raises(DocumentTypeRefused) as refused:
        engine.tasks.complete(draft_step, people.sponsor, DRAFT, {"draft": documents.disguised_exe()})
    assert refused.value.rule == "DF-DOCUMENT" and refused.value.field == "draft"
    zh, en = refused.value.message("zh_CN"), refused.value.message("en")
    assert "application/x-msdownload" in zh and "PDF、OFD、DOCX、XLSX、PNG、JPEG" in zh and "draft" in zh
    assert "application/x-msdownload" in en and "PDF, OFD, DOCX, XLSX, PNG, JPEG" in en and "draft" in en
    assert fingerprint(engine) == before


@pytest.mark.parametrize(("content", "media_type"), [
    (documents.PDF, "application/pdf"),
    (documents.docx(), documents.DOCX_TYPE),
    (documents.png(), "image/png"),
    (documents.ofd(), "application/ofd"),
], ids=["pdf", "docx", "png", "ofd"])
def test_df_hardening_documents_are_stored_with_the_media_type_their_content_shows(
        engine, people, draft_step, content, media_type):
    claimed = Upload("研究论证报告.bin", "application/octet-stream", content)  # neither name nor claim tells
    result = engine.tasks.complete(draft_step, people.sponsor, DRAFT, {"draft": claimed})
    with engine.db.connect() as connection:
        stored = connection.execute(text("SELECT media_type, content FROM documents")).one()
    assert (stored[0], bytes(stored[1])) == (media_type, content)
    [completed] = [e for e in engine.history.events(result.procedure_id) if e.kind == "task_completed"]
    assert completed.payload["data"]["draft"]["media_type"] == media_type


def _narrowed_loop(engine, accept: object) -> str:  # type: ignore[no-untyped-def]
    bpmn, forms = bundle("review_loop.bpmn")
    draft = forms["test_draft"]
    draft["properties"]["draft"]["x-accept"] = accept  # type: ignore[index]
    return engine.definitions.deploy(bpmn, forms, "test").key


def test_df_hardening_a_slot_narrowed_by_x_accept_refuses_a_png_and_takes_a_pdf(engine, people):
    key = _narrowed_loop(engine, ["pdf", "ofd"])
    step = engine.procedures.start(key, "县城公交线网优化调整", "dev_reform", people.sponsor).task("draft")
    before = fingerprint(engine)
    with pytest.raises(DocumentTypeRefused) as refused:
        engine.tasks.complete(step, people.sponsor, DRAFT, {"draft": Upload("扫描件.pdf", "application/pdf",
                                                                                 documents.png())})
    assert refused.value.field == "draft"
    assert "PNG" in refused.value.message("en") and "accepts only PDF, OFD." in refused.value.message("en")
    assert "只接受 PDF、OFD 格式" in refused.value.message("zh_CN")
    assert fingerprint(engine) == before
    engine.tasks.complete(step, people.sponsor, DRAFT, {"draft": Upload("草案.pdf", "application/pdf", documents.PDF)})


@pytest.mark.parametrize(("accept", "problem"), [
    (["pdf", "exe"], "unknown type 'exe'"),
    ([], "non-empty list"),
    ("pdf", "non-empty list"),
    (["pdf", "pdf"], "twice"),
])
def test_df_hardening_x_accept_is_checked_when_the_definition_is_deployed(engine, accept, problem):
    with pytest.raises(DefinitionInvalid) as refused:
        _narrowed_loop(engine, accept)
    assert problem in refused.value.context["first"] and "draft" in refused.value.context["first"]


def test_df_hardening_x_accept_belongs_to_document_fields_only(engine):
    bpmn, forms = bundle("review_loop.bpmn")
    forms["test_draft"]["properties"]["summary"]["x-accept"] = ["pdf"]  # type: ignore[index]
    with pytest.raises(DefinitionInvalid) as refused:
        engine.definitions.deploy(bpmn, forms, "test")
    assert "summary: x-accept is for document fields" in refused.value.context["first"]

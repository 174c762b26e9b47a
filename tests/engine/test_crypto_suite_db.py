"""Both crypto suites in one database (issue 23): a database made with `intl` keeps verifying after the
deployment switches to `sm`; each chain keeps the algorithm it began with; checkpoints sign both."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from engine.cli import cli
from engine.config import Settings
from engine.core import build_engine
from engine.persistence import schema
from engine.services.tasks import Upload
from tests.conftest import DRAFT
from tests.helpers import tamper


def test_df_integrity_the_crypto_suite_columns_are_made_by_migration_0014c(engine):
    with engine.db.connect() as connection:
        assert schema.differences(connection) == []


def test_df_integrity_an_intl_database_keeps_verifying_after_the_switch_to_sm(db_url, clock, tmp_path, monkeypatch):
    settings = {"database_url": db_url, "key_dir": str(tmp_path / "keys"),
                "checkpoint_dir": str(tmp_path / "checkpoints")}
    intl = build_engine(Settings(crypto_suite="intl", **settings), clock)
    try:
        from tests.conftest import bundle
        bpmn, forms = bundle("review_loop.bpmn")
        key = intl.definitions.deploy(bpmn, forms, "test").key
        p = intl.people
        p.ensure_organisation("dev_reform", "县发展和改革局")
        p.ensure_organisation("justice", "县司法局", "review_office")
        sponsor = p.ensure_user("zhang_wei", "dev_reform", ["sponsor"], "张伟")
        reviewer = p.ensure_user("liu_yang", "justice", ["legality_reviewer"], "刘洋")
        auditor = p.ensure_user("qian_audit", "justice", ["auditor"], "钱审计")
        old = intl.procedures.start(key, "旧程序", "dev_reform", sponsor)
        intl.checkpoints.make()
    finally:
        intl.dispose()
    sm = build_engine(Settings(crypto_suite="sm", **settings), clock)
    try:
        step = sm.tasks.complete(old.task("draft"), sponsor, DRAFT,
                                 {"draft": Upload("草案.pdf", "application/pdf", b"%PDF-1.7 sm draft")})
        new = sm.procedures.start(key, "新程序", "dev_reform", sponsor)
        sm.tasks.complete(new.task("draft"), sponsor, DRAFT)
        old_events, new_events = sm.history.events(old.id), sm.history.events(new.id)
        assert all(len(e.hash) == 64 for e in old_events), "the intl chain keeps SHA-256 after the switch"
        assert all(e.hash.startswith("sm3:") for e in new_events)
        assert "sm3" in old_events[-1].payload["data"]["draft"], "a document stored under sm is named by SM3 too"
        assert sm.history.verify(old.id).ok and sm.history.verify(new.id).ok
        sm.people.ensure_organisation("new_unit", "新设单位")  # an administration-log entry made under sm
        log = sm.adminlog.events(auditor)
        assert log[-1].subject == "organisation:new_unit" and all(len(e.hash) == 64 for e in log), \
            "the administration log begun under intl keeps SHA-256 after the switch"
        assert sm.adminlog.verify().ok
        made = sm.checkpoints.make()
        assert made.seq == 2 and sm.checkpoints.check() == []
        monkeypatch.setenv("DECISIONFLOW_KEY_DIR", settings["key_dir"])
        monkeypatch.setenv("DECISIONFLOW_CHECKPOINT_DIR", settings["checkpoint_dir"])
        verified = CliRunner().invoke(cli, ["verify", "--full", "--database", db_url])
        assert verified.exit_code == 0, verified.output
        shown = CliRunner().invoke(cli, ["key", "show"])
        assert "Ed25519" in shown.output and "SM2-SM3" in shown.output, shown.output
        assert step is not None and reviewer is not None
    finally:
        sm.dispose()


@pytest.mark.parametrize("crypto_suite", ["sm"])
def test_df_integrity_an_sm3_event_rewritten_with_sha256_is_found(engine, people, review_loop, crypto_suite):
    """Downgrade in the database: one event's hash replaced by the SHA-256 of its body and the head moved
    along — verify names the seq, because the chain's genesis says SM3."""
    import hashlib

    from engine.chain import canonical, timestamp

    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    last = engine.history.events(procedure.id)[-1]
    assert last.hash.startswith("sm3:")
    body = {"procedure": last.procedure_id, "seq": last.seq, "at": timestamp(last.at), "actor": last.actor,
            "kind": last.kind, "task": last.task_id, "payload": last.payload, "prev_hash": last.prev_hash}
    downgraded = hashlib.sha256(canonical(body)).hexdigest()
    tamper(engine, "UPDATE events SET hash = :h WHERE procedure_id = :p AND seq = :s",
           h=downgraded, p=procedure.id, s=last.seq)
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE procedures SET head_hash = :h WHERE id = :p"),
                           {"h": downgraded, "p": procedure.id})
    report = engine.history.verify(procedure.id)
    assert not report.ok and report.first_bad_seq == last.seq


@pytest.mark.parametrize("crypto_suite", ["sm"])
def test_df_integrity_a_document_whose_sm3_no_longer_matches_is_not_sent(engine, people, review_loop, crypto_suite):
    """Under sm a document is re-hashed with SM3 as well as SHA-256 before it leaves (engine/content.py)."""
    import hashlib

    from engine.domain.errors import DocumentAltered

    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT,
                          {"draft": Upload("草案.pdf", "application/pdf", b"%PDF-1.7 sm draft")})
    sha = hashlib.sha256(b"%PDF-1.7 sm draft").hexdigest()
    assert engine.record.document(people.sponsor, procedure.id, sha).content == b"%PDF-1.7 sm draft"
    with engine.db.begin() as connection:
        connection.execute(text("UPDATE documents SET sm3 = :h WHERE sha256 = :s"), {"h": "sm3:" + "0" * 64, "s": sha})
    with pytest.raises(DocumentAltered):
        engine.record.document(people.sponsor, procedure.id, sha)

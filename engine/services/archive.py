"""The decision archive (决策档案): one ZIP with the whole record, sealed, verifiable offline.

Contents: `manifest.json` (the procedure, its definition version, every history event
with its chain, every document with its SHA-256, the SHA-256 of each file), `seal.json`
(an Ed25519 signature over the manifest's exact bytes, with the public key), the BPMN it
ran on, the documents, a readable record in Chinese (HTML and PDF) and `verify.py`, the
offline verifier. Everything comes from one snapshot of the history, entries are sorted
and carry the head event's time, so the same procedure exports to the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import archive_metadata, archive_ofd, archive_record, archive_verify, doctypes, timestamping
from engine.chain import timestamp
from engine.clock import CST
from engine.content import unaltered_bytes
from engine.crypto_suite import SIGNATURES, SM2_USER_ID, alg_of, digest, genesis, hash_alg
from engine.domain.actors import Actor
from engine.domain.errors import DocumentNotFound
from engine.persistence.tables import Document, Organisation
from engine.persistence.uow import UnitOfWork
from engine.services import record
from engine.signing import KeyRing

__all__ = ["export"]

log = logging.getLogger(__name__)

VERIFIER = Path(archive_verify.__file__).read_bytes()
MEDIA_TYPES = {"definition.bpmn": "application/xml", "record.html": "text/html", "record.pdf": "application/pdf",
               "record.ofd": "application/ofd", "verify.py": "text/x-python", "metadata.xsd": "application/xml"}
CHAIN_ALGORITHMS = {"sha256": "SHA-256 over RFC 8785 canonical JSON",
                    "sm3": "SM3 over RFC 8785 canonical JSON, written sm3:HEX"}


def export(uow: UnitOfWork, actor: Actor, procedure_id: int) -> bytes:
    """The archive of a procedure, to someone who may see its record (DF-VIEW)."""
    rec = record.procedure(uow, actor, procedure_id)
    contents = _documents(uow, procedure_id, {d.sha256 for d in rec.documents})
    events = [{"procedure_id": e.procedure_id, "seq": e.seq, "at": timestamp(e.at), "actor": e.actor,
               "kind": e.kind, "task_id": e.task_id, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash}
              for e in rec.events]
    suite = uow.settings.crypto_suite
    alg = hash_alg(suite)
    chain_alg = alg_of(rec.events[0].prev_hash) if rec.events else alg  # the chain keeps the one it began with
    head_seq, head_hash = (rec.events[-1].seq, rec.events[-1].hash) if rec.events else (0, genesis(chain_alg))
    started = rec.events[0].payload.get("definition", {}) if rec.events else {}
    view = rec.procedure
    responsible = _organisation_name(uow, view.sponsor_org)
    context = {"procedure": view, "definition": started, "head_seq": head_seq, "head_hash": head_hash,
               "events": rec.events, "documents": rec.documents, "responsible": responsible,
               "steps": [{**vars(s), "rows": archive_record.rows(rec.forms.get(s.form or "", {}), s.data)}
                         for s in rec.steps]}
    html = archive_record.render_html(context).encode("utf-8")
    moment = rec.events[-1].at if rec.events else view.started_at
    ofd, pages = archive_ofd.write(archive_ofd.record_lines(context, archive_record.KINDS_ZH, archive_record.STATUS_ZH),
                                   view.title, responsible, moment, f"decisionflow-{view.id}-{head_hash[:16]}")
    files = {"definition.bpmn": rec.bpmn.encode("utf-8"), "record.html": html,
             "record.pdf": archive_record.render_pdf(html.decode("utf-8")), "record.ofd": ofd,
             "verify.py": VERIFIER, "metadata.xsd": archive_metadata.SCHEMA.read_bytes()}
    files["metadata.xml"] = archive_metadata.to_xml(
        _metadata(uow, rec, responsible, pages, moment, head_seq, head_hash),
        {**{name: (MEDIA_TYPES[name], data) for name, data in files.items()},
         **{document_path(sha, media): (media, content) for sha, (media, content) in contents.items()}})
    manifest = {
        "format": archive_verify.FORMAT,
        "procedure": {"id": view.id, "title": view.title, "sponsor_org": view.sponsor_org, "status": view.status,
                      "started_by": view.started_by, "started_at": timestamp(view.started_at),
                      "ended_at": timestamp(view.ended_at) if view.ended_at else None},
        "definition": {"key": view.definition_key, "version": view.definition_version,
                       "sha256": started.get("sha256"), "file": "definition.bpmn"},
        "suite": suite,
        "chain": {"algorithm": CHAIN_ALGORITHMS[chain_alg], "genesis": genesis(chain_alg),
                  "head_seq": head_seq, "head_hash": head_hash},
        "events": events,
        "documents": [{"sha256": sha, "size": len(content), "media_type": media, "path": document_path(sha, media),
                       "names": sorted({d.filename for d in rec.documents if d.sha256 == sha}),
                       **({"sm3": digest(content, "sm3")} if alg == "sm3" else {})}
                      for sha, (media, content) in sorted(contents.items())],
        "files": {name: digest(data, alg) for name, data in sorted(files.items())},
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
    seal = _seal(uow, suite, manifest_bytes, head_seq, head_hash)
    entries = {"manifest.json": manifest_bytes, "seal.json": seal, **files,
               **{document_path(sha, media): content for sha, (media, content) in contents.items()}}
    return _zip(entries, moment)


def document_path(sha: str, media_type: str) -> str:
    """A document's place in the package: its hash (what the manifest and the history name) and the ending of
    its type, so that an archivist's viewer opens it (issue 22: files with bare hash names would not open)."""
    return f"documents/{sha}{doctypes.extension(media_type)}"


def _organisation_name(uow: UnitOfWork, code: str) -> str:
    with uow.read():
        return uow.session.scalar(select(Organisation.name).where(Organisation.code == code)) or code


def _metadata(uow: UnitOfWork, rec: record.ProcedureRecord, responsible: str, pages: int, moment: datetime,
              head_seq: int, head_hash: str) -> archive_metadata.Metadata:
    """DA/T 46 metadata from the record: 档号 and 归档日期 from the archiving step when it was done."""
    view, data = rec.procedure, [s.data for s in rec.steps]
    archiving = next((s.data for s in reversed(rec.steps) if "archive_number" in s.data), {})
    decided = view.ended_at or moment
    fonds = uow.settings.fonds
    number = str(archiving.get("archive_number") or
                 f"{fonds}-JC-{decided.astimezone(CST).year}-{archive_metadata.RETENTION}-{view.id:04d}")
    archived_on = str(archiving.get("archived_on") or moment.astimezone(CST).date().isoformat())
    return archive_metadata.Metadata(
        fonds=fonds, archive_number=number, procedure_id=view.id, title=view.title, responsible=responsible,
        decided_on=decided, document_number=archive_metadata.document_number(data),
        classification=archive_metadata.classification(data), pages=pages, archived_on=archived_on,
        kind=f"{view.definition_key} 第 {view.definition_version} 版", status=archive_record.STATUS_ZH.get(
            view.status, view.status), head_seq=head_seq, head_hash=head_hash)


def _documents(uow: UnitOfWork, procedure_id: int, shas: set[str]) -> dict[str, tuple[str, bytes]]:
    """The documents to seal, each re-hashed first: an altered or missing one refuses the whole archive
    (DF-INTEGRITY), so no archive is sealed that the history's own hashes would contradict."""
    with uow.read():
        rows = uow.session.scalars(select(Document).where(Document.sha256.in_(sorted(shas)))) if shas else []
        contents = {row.sha256: (row.media_type, unaltered_bytes(uow, row, procedure_id)) for row in rows}
    missing = sorted(shas - contents.keys())
    if missing:
        raise DocumentNotFound(sha256=missing[0])
    return contents


def _seal(uow: UnitOfWork, suite: str, manifest_bytes: bytes, head_seq: int, head_hash: str) -> bytes:
    """Sign the manifest's bytes (which name the suite) with the suite's current key: Ed25519, deterministic,
    or SM2 with the standard user id, randomised, so an `sm` archive's seal differs at each export."""
    key, private = KeyRing(uow.settings.key_dir).current(uow.clock.now(), suite)
    manifest_digest = ({"manifest_sm3": digest(manifest_bytes, "sm3")} if suite == "sm"
                       else {"manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest()})
    seal: dict[str, Any] = {"algorithm": SIGNATURES[suite], "key_id": key.key_id, "public_key": key.public_key,
                            "signed_file": "manifest.json", **manifest_digest,
                            "head_seq": head_seq, "head_hash": head_hash,
                            "signature": private.sign(manifest_bytes).hex()}
    if suite == "sm":
        seal["user_id"] = SM2_USER_ID.decode("ascii")
    if uow.settings.tsa_url:
        stamp = timestamping.stamp(uow.settings.tsa_url, bytes.fromhex(seal["signature"]), uow.settings.tsa_timeout,
                                   uow.settings.tsa_ca_file)
        if stamp.error:
            log.warning("the archive seal has no RFC 3161 timestamp: %s", stamp.error)
        seal["timestamp"] = stamp.record()
    return (json.dumps(seal, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _zip(entries: dict[str, bytes], moment: datetime) -> bytes:
    """A ZIP whose bytes depend only on its entries: sorted names, one fixed time, fixed modes."""
    local = moment.astimezone(CST)
    when = (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()

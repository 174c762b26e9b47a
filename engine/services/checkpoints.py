"""Checkpoints: the door to the signed anchors of every chain head, kept outside the database (DF-CHECKPOINT).

`make` reads every procedure's head and the administration log's head, signs a checkpoint
(engine/checkpoint.py) that chains to the last one, and writes it to the checkpoint directory
(DECISIONFLOW_CHECKPOINT_DIR) as `NNNNNNNN.json`: temporary file, fsync, then a hard link to the
final name, which fails if the name exists, so a checkpoint is never overwritten, not even by two
writers racing. The directory, not the database, is the record: its numbers and links come from
the files, so someone who rewrites the database cannot rewrite them.

`check` is what `decisionflow verify` adds: every file's signature (against the key ring), Merkle
root and link to its predecessor, and for each head it lists that the database still has an event
of that procedure with that seq and that hash (the administration log likewise). A chain
recomputed end to end inside the database keeps its own head consistent, but no longer holds the
hash a checkpoint signed: that is a finding, naming the procedure, the seq and the checkpoint.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import checkpoint, timestamping
from engine.chain import GENESIS, timestamp
from engine.domain.errors import CheckpointExists, CheckpointNotFound
from engine.persistence.tables import AdminEvent, AdminLogHead, Event, Procedure
from engine.persistence.uow import UnitOfWork
from engine.services import paging
from engine.signing import KeyRing, PublicKey

__all__ = ["check", "document", "keys", "last_seqs", "listing", "listing_page", "make"]

RULE = "DF-CHECKPOINT"
_FILE = re.compile(rf"\d{{{checkpoint.FILE_DIGITS}}}\.json")
_BATCH = 5000
_ADMIN_HEAD = re.compile(r'\A\{\s*"checkpoint":\s*\{\s*"admin_log":\s*')
_HEAD_BYTES = 1024


@dataclass(frozen=True)
class CheckpointView:
    seq: int
    at: str
    root: str
    key_id: str
    size: int
    """Leaves: procedures and the administration log."""
    prev_hash: str
    timestamped_at: str | None = None
    """The TSA's time on the RFC 3161 token, when the checkpoint carries one."""
    timestamp_error: str | None = None
    """Why a configured TSA gave no token: the checkpoint was written without one, and says so."""


@dataclass(frozen=True)
class Finding:
    """A difference between the checkpoints and the database, or within the checkpoints; `procedure_id` None
    with `admin_log` False is about the checkpoint file itself."""

    checkpoint_seq: int
    procedure_id: int | None
    seq: int | None
    en: str
    zh: str
    admin_log: bool = False
    rule: str = RULE

    def message(self, lang: str = "zh_CN") -> str:
        return self.en if lang.startswith("en") else self.zh


def make(uow: UnitOfWork) -> CheckpointView:
    """Sign the current heads as the next checkpoint and write its file once (DF-CHECKPOINT)."""
    folder = Path(uow.settings.checkpoint_dir)
    last = _last(folder)
    seq = 1 if last is None else int(last["seq"]) + 1
    prev_hash = GENESIS if last is None else checkpoint.body_hash(last)
    with uow.read():
        procedures = [checkpoint.Head(pid, s, h) for pid, s, h in uow.session.execute(
            select(Procedure.id, Procedure.head_seq, Procedure.head_hash).order_by(Procedure.id))]
        log_seq, log_hash = uow.session.execute(select(AdminLogHead.seq, AdminLogHead.hash)
                                                .where(AdminLogHead.id == 1)).one()
    suite = uow.settings.crypto_suite
    key, private = KeyRing(uow.settings.key_dir).current(uow.clock.now(), suite)
    content = checkpoint.body(seq, timestamp(uow.clock.now()), prev_hash, procedures,
                              checkpoint.Head(None, log_seq, log_hash), key.key_id, suite)
    data = checkpoint.sign(content, private, key.public_key)
    stamp = None
    if uow.settings.tsa_url:
        stamp = timestamping.stamp(uow.settings.tsa_url, checkpoint.signature_bytes(json.loads(data)),
                                   uow.settings.tsa_timeout, uow.settings.tsa_ca_file)
        data = checkpoint.with_timestamp(data, stamp.record())
    _write_once(folder, checkpoint.file_name(seq), data)
    view = _view(content)
    if stamp is None:
        return view
    return replace(view, timestamped_at=stamp.gen_time, timestamp_error=stamp.error)


def listing(uow: UnitOfWork, limit: int | None = None) -> list[CheckpointView]:
    """The checkpoints written, newest first, for the public page and API. An unreadable file is left out
    here (the page stays up for the others); `check` reports it."""
    views = []
    for path in sorted(_files(Path(uow.settings.checkpoint_dir)), reverse=True)[:limit]:
        try:
            views.append(_view(_read(path)["checkpoint"]))
        except (ValueError, KeyError, TypeError):
            continue
    return views


def listing_page(uow: UnitOfWork, after: str | None = None, limit: int | None = None) -> paging.Page[CheckpointView]:
    """One page of checkpoints, newest first, after the cursor `after` (the last file's number): the public
    page and API (issue 21). The key is the file's number, unique and in its zero-padded name, so the
    directory's names are the index (one name an hour) and only the page's files are read; an unreadable
    file is left out of its page as in `listing`, and the cursor still moves past it."""
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    before = int(str(key[0])) if key is not None else None
    folder, views = Path(uow.settings.checkpoint_dir), []
    seqs = sorted((int(p.name.split(".")[0]) for p in _files(folder)), reverse=True)
    chosen = [seq for seq in seqs if before is None or seq < before][:n + 1]
    for seq in chosen[:n]:
        try:
            views.append(_view(_read(folder / checkpoint.file_name(seq))["checkpoint"]))
        except (ValueError, KeyError, TypeError):
            continue
    return paging.Page(tuple(views), paging.encode(chosen[n - 1]) if len(chosen) > n else None)


def document(uow: UnitOfWork, seq: int) -> bytes:
    """One checkpoint's file, byte for byte as signed and written, for anyone to keep a copy."""
    path = Path(uow.settings.checkpoint_dir) / checkpoint.file_name(seq)
    if seq < 1 or not path.is_file():
        raise CheckpointNotFound(seq=seq)
    return path.read_bytes()


def keys(uow: UnitOfWork) -> list[PublicKey]:
    """The public keys checkpoints are signed with, current and retired, to publish beside them."""
    return KeyRing(uow.settings.key_dir).listed()


def last_seqs(uow: UnitOfWork) -> dict[int, int]:
    """The last checkpoint's procedure id → head seq: what `verify` may take as checked up to there."""
    last = _last(Path(uow.settings.checkpoint_dir))
    return {} if last is None else {int(pid): int(seq) for pid, seq, _ in last["procedures"]}


def admin_log_head(uow: UnitOfWork) -> tuple[int, int, str] | None:
    """(checkpoint number, seq, hash): the administration log's head as the latest checkpoint lists it, for
    the log's page (engine/services/adminlog.py `verify_recent`), or None if there is none or it cannot be
    read. Read from the file's first bytes, not the whole file (which lists every procedure): the file is
    written with sorted keys, so `checkpoint` and within it `admin_log` come first. The signature is not
    checked here; `check` does that."""
    files = _files(Path(uow.settings.checkpoint_dir))
    if not files:
        return None
    with files[-1].open("rb") as handle:
        start = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    found = _ADMIN_HEAD.match(start)
    try:
        head, _end = json.JSONDecoder().raw_decode(start, found.end()) if found else (None, 0)
        return (int(files[-1].stem), int(head["seq"]), str(head["hash"])) if isinstance(head, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


def check(uow: UnitOfWork) -> list[Finding]:
    """Every checkpoint file against its signature and predecessor, and every head it lists against the
    database; changes nothing. A head equal to one an earlier checkpoint listed is looked up once."""
    trusted = {k.key_id: k.public_key for k in KeyRing(uow.settings.key_dir).listed()}
    findings: list[Finding] = []
    previous: dict[str, Any] | None = None
    checked: dict[int | None, tuple[int, str]] = {}
    with uow.read():
        for path in _files(Path(uow.settings.checkpoint_dir)):
            number = int(path.stem)
            try:
                signed = _read(path)
            except ValueError as error:
                findings.append(Finding(number, None, None, f"checkpoint {number}: unreadable ({error})",
                                        f"第 {number} 号检查点：无法读取（{error}）"))
                previous = None
                continue
            for en, zh in checkpoint.problems(signed, trusted, previous, uow.settings.tsa_ca_file):
                findings.append(Finding(number, None, None, f"checkpoint {number} ({path.name}): {en}",
                                        f"第 {number} 号检查点（{path.name}）：{zh}"))
            previous = signed.get("checkpoint")
            if isinstance(previous, dict) and previous.get("seq") != number:
                findings.append(Finding(number, None, None, f"{path.name} holds checkpoint {previous.get('seq')}",
                                        f"文件 {path.name} 中是第 {previous.get('seq')} 号检查点"))
            fresh = [h for h in _heads(previous) if checked.get(h.procedure_id) != (h.seq, h.hash)]
            findings += _against_database(uow, number, fresh)
            checked.update({h.procedure_id: (h.seq, h.hash) for h in fresh})
    return findings


def _against_database(uow: UnitOfWork, number: int, heads: list[checkpoint.Head]) -> list[Finding]:
    """Each head must be an event the database still has, with the same hash. Heads are looked up by seq, a
    few thousand procedure ids at a time: chains are short, so there are few distinct seqs and few queries."""
    found: list[Finding] = []
    by_seq: dict[int, list[checkpoint.Head]] = defaultdict(list)
    for head in heads:
        if head.procedure_id is not None and head.seq > 0:
            by_seq[head.seq].append(head)
    for seq, listed in sorted(by_seq.items()):
        for start in range(0, len(listed), _BATCH):
            batch = listed[start:start + _BATCH]
            stored = {pid: digest for pid, digest in uow.session.execute(select(Event.procedure_id, Event.hash).where(
                Event.seq == seq, Event.procedure_id.in_([h.procedure_id for h in batch])))}
            found += [_differs(number, h, stored.get(h.procedure_id)) for h in batch
                      if stored.get(h.procedure_id) != h.hash]
    for head in heads:
        if head.procedure_id is None and head.seq > 0:
            digest = uow.session.scalar(select(AdminEvent.hash).where(AdminEvent.seq == head.seq))
            if digest != head.hash:
                found.append(_differs(number, head, digest))
    return sorted(found, key=lambda f: (f.admin_log, f.procedure_id or 0))


def _differs(number: int, head: checkpoint.Head, digest: str | None) -> Finding:
    what_en = "the administration log" if head.procedure_id is None else f"procedure {head.procedure_id}"
    what_zh = "系统管理日志" if head.procedure_id is None else f"程序 {head.procedure_id}"
    if digest is None:
        en, zh = "has no event with that seq", "没有该序号的事件"
    else:
        en, zh = f"holds hash {digest[:16]}… there", f"该处哈希为 {digest[:16]}…"
    return Finding(number, head.procedure_id, head.seq,
                   f"{what_en}, seq {head.seq}: checkpoint {number} signed hash {head.hash[:16]}…, "
                   f"but the database {en}: the chain was rewritten after the checkpoint",
                   f"{what_zh} 第 {head.seq} 号事件：第 {number} 号检查点签署的哈希为 {head.hash[:16]}…，"
                   f"而数据库中{zh}：检查点之后历史链被改写",
                   admin_log=head.procedure_id is None)


def _heads(content: dict[str, Any] | None) -> list[checkpoint.Head]:
    try:
        return checkpoint.heads(content) if content else []
    except (KeyError, TypeError, ValueError):
        return []  # already reported as unreadable


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if _FILE.fullmatch(p.name)) if folder.is_dir() else []


def _read(path: Path) -> dict[str, Any]:
    value = json.loads(path.read_bytes())
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _last(folder: Path) -> dict[str, Any] | None:
    files = _files(folder)
    return None if not files else dict(_read(files[-1])["checkpoint"])


def _view(content: dict[str, Any]) -> CheckpointView:
    return CheckpointView(int(content["seq"]), content["at"], content["tree"]["root"], content["key_id"],
                          int(content["tree"]["size"]), content["prev_hash"])


def _write_once(folder: Path, name: str, data: bytes) -> None:
    """Temporary file, fsync, hard link to `name` (refused if it exists), fsync of the directory."""
    folder.mkdir(parents=True, exist_ok=True)
    final, temporary = folder / name, folder / f".{name}.{os.getpid()}.tmp"
    if final.exists():
        raise CheckpointExists(seq=int(name.split(".")[0]), path=str(final))
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, final)
        except FileExistsError:
            raise CheckpointExists(seq=int(name.split(".")[0]), path=str(final)) from None
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(folder)


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

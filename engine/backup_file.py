"""The backup file: a gzip'd tar with a manifest, sealed so that any changed byte is refused.

    manifest.json       format, time, database kind, Alembic revision, rows per table,
                        SHA-256 and size of every other member
    database.sqlite3    or database.pgdump: the database, documents included
    keys/…              the archive-sealing key directory: keys.json and the private keys
    checkpoints/…       the signed checkpoints (DECISIONFLOW_CHECKPOINT_DIR), NNNNNNNN.json

gzip's own CRC misses some changes (its header's time, bits the inflater ignores), so the gzip
header carries a comment with the SHA-256 of everything after the header, and the header its own
CRC (FHCRC). `gzip -t` and `tar xzf` read the file as usual; `read` checks the seal, then every
member against the manifest, before anything is restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import struct
import tarfile
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from engine import __version__

FORMAT = "decisionflow-backup/1"
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
KEYS = "keys/"
KEY_FILE = re.compile(r"keys/[A-Za-z0-9_-][A-Za-z0-9._-]*")
CHECKPOINTS = "checkpoints/"
CHECKPOINT_FILE = re.compile(r"checkpoints/\d{8}\.json")
CHUNK = 1024 * 1024
GZIP_HEAD = bytes([0x1F, 0x8B, 8, 0x02 | 0x10, 0, 0, 0, 0, 2, 255])
"""gzip magic, deflate, flags FHCRC and FCOMMENT, no mtime (the manifest has the time), best compression, OS unknown."""
SEAL = b"decisionflow-backup sha256="
UNSEALED = b"0" * 64


class BackupError(Exception):
    """A backup could not be made, or a restore was refused; the message says why and what to do."""


@dataclass(frozen=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    database: str
    alembic_revision: str | None
    counts: dict[str, int]
    members: dict[str, Member]
    created_at: str
    decisionflow: str = __version__
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            values: dict[str, Any] = json.loads(raw)
            if values.get("format") != FORMAT:
                raise BackupError(f"not a DecisionFlow backup of format {FORMAT} (format {values.get('format')!r})")
            values["members"] = {name: Member(**m) for name, m in values["members"].items()}
            return cls(**values)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BackupError(f"the manifest is unreadable: {error}") from error


def read(source: Path, into: Path) -> Manifest:
    """Unpack `source` into `into` and check every member against the manifest; refuse any difference."""
    _check_seal(source)
    found: dict[str, Member] = {}
    try:
        with tarfile.open(source, "r:gz") as tar:
            for info in tar:
                found[info.name] = _unpack(tar, info, into, found)
            while tar.fileobj.read(CHUNK):  # type: ignore[union-attr]  # to the end: gzip checks its CRC there
                pass
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{source} is corrupted or truncated (refused): {error}") from error
    if MANIFEST not in found:
        raise BackupError(f"{source} has no {MANIFEST} (refused)")
    del found[MANIFEST]
    manifest = Manifest.from_json((into / MANIFEST).read_bytes())
    if set(found) != set(manifest.members):
        raise BackupError(f"{source} does not hold what its manifest lists (refused): "
                          f"missing {sorted(set(manifest.members) - set(found))}, "
                          f"unlisted {sorted(set(found) - set(manifest.members))}")
    altered = sorted(name for name, member in manifest.members.items() if found[name] != member)
    if altered:
        raise BackupError(f"{source}: SHA-256 of {', '.join(altered)} does not match the manifest (refused)")
    return manifest


def member(path: Path) -> Member:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return Member(digest.hexdigest(), path.stat().st_size)


def write(out: Path, manifest: Manifest, files: dict[str, Path]) -> None:
    """Write beside `out` and rename: a backup that failed halfway never looks like one."""
    partial = out.with_name(f"{out.name}.partial")
    descriptor = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w+b") as raw:
            raw.write(_gzip_header(UNSEALED))  # the seal goes in once the content is known
            deflating = _Deflating(raw)
            with tarfile.open(fileobj=deflating, mode="w|") as tar:  # type: ignore[call-overload]
                raw_manifest = manifest.to_json()
                tar.addfile(_info(MANIFEST, len(raw_manifest)), io.BytesIO(raw_manifest))
                for name, path in files.items():
                    with path.open("rb") as handle:
                        tar.addfile(_info(name, path.stat().st_size), handle)
            deflating.finish()
            seal = _digest(raw, len(_gzip_header(UNSEALED))).encode()
            raw.seek(0)
            raw.write(_gzip_header(seal))
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


def _gzip_header(seal: bytes) -> bytes:
    """gzip's header (RFC 1952) with a comment holding the SHA-256 of all that follows, and its own CRC."""
    head = GZIP_HEAD + SEAL + seal + b"\0"
    return head + struct.pack("<H", zlib.crc32(head) & 0xFFFF)


def _check_seal(source: Path) -> None:
    """Every byte counts: the header by its CRC, the rest by the SHA-256 in the header's comment."""
    size = len(_gzip_header(UNSEALED))
    with source.open("rb") as handle:
        header = handle.read(size)
        seal = header[len(GZIP_HEAD) + len(SEAL):-3]
        if len(header) < size or header != _gzip_header(seal) or not re.fullmatch(rb"[0-9a-f]{64}", seal):
            raise BackupError(f"{source} is not a DecisionFlow backup, or its header is damaged (refused)")
        if _digest(handle, size).encode() != seal:
            raise BackupError(f"{source} is corrupted: its content does not match the SHA-256 sealed in its "
                              "header (refused)")


def _digest(handle: BinaryIO, start: int) -> str:
    handle.seek(start)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


class _Deflating:
    """A write-only stream that deflates into `raw` and ends it with gzip's trailer (CRC-32, size)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.crc, self.size = raw, 0, 0
        self.compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)

    def write(self, data: bytes) -> int:
        self.crc, self.size = zlib.crc32(data, self.crc), self.size + len(data)
        self.raw.write(self.compressor.compress(data))
        return len(data)

    def finish(self) -> None:
        self.raw.write(self.compressor.flush() + struct.pack("<II", self.crc, self.size & 0xFFFFFFFF))


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def _unpack(tar: tarfile.TarFile, info: tarfile.TarInfo, into: Path, found: dict[str, Member]) -> Member:
    """Copy one member out by its checked name (never tar's own extract), hashing it on the way."""
    allowed = (info.name == MANIFEST or info.name in DUMPS.values() or KEY_FILE.fullmatch(info.name)
               or CHECKPOINT_FILE.fullmatch(info.name))
    if not info.isfile() or not allowed or info.name in found:
        raise BackupError(f"unexpected member {info.name!r} in the backup (refused)")
    source = tar.extractfile(info)
    assert source is not None  # a regular file always has content
    target = into / info.name
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source, target.open("wb") as handle:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    return Member(digest.hexdigest(), size)

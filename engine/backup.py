"""Backup and restore: the database, documents included, the archive-sealing keys and the checkpoints, in one file.

`create` snapshots the database (SQLite: the online backup API, consistent while the app runs;
PostgreSQL: `pg_dump --format=custom` on a snapshot exported from the transaction that counts the
rows, so the counts and the dump see the same data; documents are rows, so they are in it) and the
key directory (DECISIONFLOW_KEY_DIR) and the signed checkpoints (DECISIONFLOW_CHECKPOINT_DIR) into a
sealed file with a manifest (engine.backup_file).

`restore` checks the whole file against its seal and manifest before it touches anything: a
corrupted, truncated or altered backup is refused. It replaces a database that holds data only when
forced. Keys are merged: a key already in the key directory stays, a missing one is added, none is
deleted. Checkpoints likewise: a missing one is written back, one present with other bytes is refused
(a checkpoint is written once: the directory or the backup was altered). Afterwards the rows per table
must match the manifest; `decisionflow verify` then recomputes every history chain and checks it against
the checkpoints.

Retention: the product never deletes history or documents (there is no purge); a backup is a copy,
and restoring one is the only way a database's contents are replaced, by an operator.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import make_url

from engine import __version__
from engine.backup_file import (
    CHECKPOINT_FILE,
    CHECKPOINTS,
    DUMPS,
    KEY_FILE,
    KEYS,
    BackupError,
    Manifest,
    member,
    read,
    write,
)
from engine.chain import timestamp
from engine.config import Settings
from engine.persistence import schema
from engine.persistence.database import connect

__all__ = ["BackupError", "Manifest", "Restored", "create", "read", "restore"]

BOOKKEEPING = frozenset({"alembic_version"})
"""Tables whose rows do not make a database "hold data": a freshly migrated one is empty."""


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    keys_added: list[str] = field(default_factory=list)
    checkpoints_added: list[str] = field(default_factory=list)
    left_as_they_were: list[str] = field(default_factory=list)
    """Tables of the target that the backup does not have (made by a later migration)."""
    migrations_pending: bool = False


def create(settings: Settings, out: Path, now: datetime) -> Manifest:
    """Write a backup of `settings`' database and key directory to `out` (mode 0600: it holds private keys)."""
    kind = _kind(settings.database_url)
    with tempfile.TemporaryDirectory(prefix="decisionflow-backup-") as work:
        dump = Path(work) / DUMPS[kind]
        if kind == "sqlite":
            counts, revision = _snapshot_sqlite(settings.database_url, dump)
        else:
            counts, revision = _dump_postgres(settings.database_url, dump)
        files = {DUMPS[kind]: dump, **{f"{KEYS}{p.name}": p for p in _key_files(Path(settings.key_dir))},
                 **{f"{CHECKPOINTS}{p.name}": p for p in _checkpoint_files(Path(settings.checkpoint_dir))}}
        manifest = Manifest(kind, revision, counts, {name: member(path) for name, path in files.items()},
                            timestamp(now))
        write(out, manifest, files)
    return manifest


def restore(settings: Settings, source: Path, now: datetime, force: bool = False) -> Restored:
    """Check `source` whole, then replace the database with it and merge its keys into the key directory.

    Refused, with nothing changed: a backup that does not match its manifest, one of another
    database kind or of a migration this code does not know, a target that holds data (unless
    `force`), a key that differs from the key directory's key of the same id.
    """
    kind = _kind(settings.database_url)
    with tempfile.TemporaryDirectory(prefix="decisionflow-restore-") as work:
        manifest = read(source, Path(work))
        script = _require_restorable(manifest, kind, settings.database_url)
        held = {name: n for name, n in _target_counts(settings.database_url).items() if name not in BOOKKEEPING}
        if any(held.values()) and not force:
            rows = ", ".join(f"{name} {n}" for name, n in sorted(held.items()) if n)
            raise BackupError(f"the target database holds data ({rows}): restore replaces it only with --force "
                              "(back it up first)")
        keys = _plan_keys(Path(work), Path(settings.key_dir))
        checkpoints = _plan_checkpoints(Path(work), Path(settings.checkpoint_dir))
        if kind == "sqlite":
            _restore_sqlite(Path(work) / DUMPS[kind], settings.database_url)
        else:
            _restore_postgres(Path(work) / DUMPS[kind], settings.database_url)
        added = _merge_keys(Path(work), Path(settings.key_dir), keys, now)
        written = _write_checkpoints(Path(settings.checkpoint_dir), checkpoints)
    counts, revision = _describe(settings.database_url)
    differing = {name: (n, counts.get(name)) for name, n in manifest.counts.items() if counts.get(name) != n}
    if differing:
        raise BackupError(f"restored, but the rows differ from the backup's (table: backup, now): {differing}")
    return Restored(manifest, added, written, sorted(set(counts) - set(manifest.counts)),
                    revision not in script.get_heads())


# --- the database ---------------------------------------------------------------------------------------------


def _kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in DUMPS:
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {backend}")
    return backend


def _sqlite_path(url: str) -> Path:
    name = make_url(url).database
    if not name or name == ":memory:":
        raise BackupError(f"{url} is not a database file")
    return Path(name)


def _snapshot_sqlite(url: str, dump: Path) -> tuple[dict[str, int], str | None]:
    """The online backup API: a consistent copy while others write, counted, then made one file (no WAL)."""
    path = _sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    with closing(sqlite3.connect(path, timeout=30)) as source, closing(sqlite3.connect(dump)) as target:
        source.backup(target)
    described = _describe(f"sqlite:///{dump}")
    with closing(sqlite3.connect(dump)) as copy:
        copy.execute("PRAGMA journal_mode=DELETE")
    return described


def _restore_sqlite(dump: Path, url: str) -> None:
    path = _sqlite_path(url)
    if not path.exists() and Path(f"{path}-wal").exists():
        raise BackupError(f"{path}-wal is left from a deleted database: move it away before restoring")
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(dump)) as source, closing(sqlite3.connect(path, timeout=30)) as target:
        source.backup(target)


def _dump_postgres(url: str, dump: Path) -> tuple[dict[str, int], str | None]:
    """pg_dump on a snapshot exported from the transaction that counts the rows: both see the same data."""
    conninfo, env = _libpq(url)
    db = connect(url)
    try:
        with db.connect().execution_options(isolation_level="REPEATABLE READ") as connection, connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, revision = _counts(connection), _revision(connection)
            _run([_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}",
                  f"--dbname={conninfo}"], env)
    finally:
        db.dispose()
    return counts, revision


def _restore_postgres(dump: Path, url: str) -> None:
    conninfo, env = _libpq(url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
          f"--dbname={conninfo}", str(dump)], env)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, which goes in PGPASSWORD (never on a command line)."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client of the server's version "
                          "(Debian: postgresql-client-15)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()}")


def _describe(url: str) -> tuple[dict[str, int], str | None]:
    db = connect(url)
    try:
        with db.connect() as connection:
            return _counts(connection), _revision(connection)
    finally:
        db.dispose()


def _target_counts(url: str) -> dict[str, int]:
    if make_url(url).get_backend_name() == "sqlite" and not _sqlite_path(url).exists():
        return {}
    try:
        return _describe(url)[0]
    except Exception as error:  # an unreachable or missing database: say which, and how to make one
        first = (str(error).strip().splitlines() or [""])[0]
        raise BackupError(f"cannot read the target database ({error.__class__.__name__}: {first}); "
                          "create it first (PostgreSQL: createdb)") from error


def _counts(connection: Connection) -> dict[str, int]:
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in sorted(inspect(connection).get_table_names())}


def _revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def _require_restorable(manifest: Manifest, kind: str, url: str) -> ScriptDirectory:
    if manifest.database != kind:
        raise BackupError(f"a {manifest.database} backup cannot be restored into {kind}")
    script = ScriptDirectory.from_config(schema.alembic_config(url))
    for revision in (manifest.alembic_revision or "").split(","):
        try:
            if revision:
                script.get_revision(revision)
        except CommandError as error:
            raise BackupError(f"the backup is at migration {revision}, unknown to this DecisionFlow "
                              f"({__version__}): restore it with the version that made it "
                              f"({manifest.decisionflow})") from error
    return script


# --- keys -----------------------------------------------------------------------------------------------------


def _key_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and KEY_FILE.fullmatch(f"{KEYS}{p.name}")
                  and not p.name.endswith(".tmp"))


def _plan_keys(work: Path, key_dir: Path) -> list[Path]:
    """The backup's private keys the key directory lacks; refuse one that differs from the same id's."""
    missing = []
    for key in sorted((work / KEYS).glob("*.pem")):
        present = key_dir / key.name
        if not present.exists():
            missing.append(key)
        elif present.read_bytes() != key.read_bytes():
            raise BackupError(f"{present} differs from the backup's key of the same id: "
                              "the key directory or the backup is not what it should be")
    return missing


def _merge_keys(work: Path, key_dir: Path, missing: list[Path], now: datetime) -> list[str]:
    """Add the missing keys (Ed25519 and SM2 alike); list every key of either listing. Keys the directory already
    had stay current, each suite on its own."""
    key_dir.mkdir(parents=True, exist_ok=True)
    for key in missing:
        descriptor = os.open(key_dir / key.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key.read_bytes())
    backed_up = _listing(work / KEYS / "keys.json")
    present = _listing(key_dir / "keys.json")
    known = {k["key_id"] for k in present}
    added = [k for k in backed_up if k["key_id"] not in known]
    if added:
        # where the directory has its own current key of a suite, the backup's keys of that suite join as retired
        live = {k.get("algorithm", "Ed25519") for k in present if not k.get("retired_at")}
        added = [{**k, "retired_at": k.get("retired_at") or timestamp(now)} if k.get("algorithm", "Ed25519") in live
                 else k for k in added]
        listing = key_dir / "keys.json"
        temporary = listing.with_suffix(".tmp")
        temporary.write_text(json.dumps({"keys": present + added}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        temporary.replace(listing)
    return [k["key_id"] for k in added]


def _listing(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["keys"]) if path.is_file() else []




# --- checkpoints ----------------------------------------------------------------------------------------------


def _checkpoint_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and CHECKPOINT_FILE.fullmatch(f"{CHECKPOINTS}{p.name}"))


def _plan_checkpoints(work: Path, directory: Path) -> list[Path]:
    """The backup's checkpoints the directory lacks; refuse one whose bytes differ from the directory's."""
    missing = []
    for saved in sorted((work / CHECKPOINTS).glob("*.json")):
        present = directory / saved.name
        if not present.exists():
            missing.append(saved)
        elif present.read_bytes() != saved.read_bytes():
            raise BackupError(f"{present} differs from the backup's checkpoint of the same number: a checkpoint is "
                              "written once, so the checkpoint directory or the backup is not what it should be")
    return missing


def _write_checkpoints(directory: Path, missing: list[Path]) -> list[str]:
    if missing:
        directory.mkdir(parents=True, exist_ok=True)
    for saved in missing:
        descriptor = os.open(directory / saved.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(saved.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())
    return [saved.name for saved in missing]

"""Backup → wipe → restore, on SQLite and PostgreSQL: every chain verifies, every row and key is back.

The database is filled through the engine's doors (procedures with history and documents), backed
up with `decisionflow backup`, wiped (the SQLite file deleted; the PostgreSQL database dropped and
made anew, empty), restored with `decisionflow restore`, and `decisionflow verify` passes. A backup
with one byte changed is refused, and so is a restore over data without --force; neither changes anything.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import make_url

from engine import backup, backup_file
from engine.cli import cli
from engine.clock import FixedClock
from engine.config import Settings
from engine.core import Engine, build_engine
from engine.demo_procedures import Driver, drive
from engine.persistence.tables import Document
from engine.signing import KeyRing
from tests.webapp.site import prepare

SAMPLES = (("县城公交线网优化调整方案", "sponsor", "dev_reform", "2026-05", "archived"),
           ("县城老旧小区改造三年行动计划", "housing", "housing", "2026-02", "review"))


@pytest.fixture
def filled(db_kind: str, engine: Engine, clock: FixedClock) -> Engine:
    if db_kind == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("PostgreSQL backup test skipped: pg_dump/pg_restore are not installed "
                    "(Debian: postgresql-client-15)")
    prepare(engine)
    for title, user, org, item, stage in SAMPLES:
        view = engine.procedures.start("major_decision", title, org, engine.people.actor(user))
        drive(Driver(engine, clock, view.id), user, item, stage)
    ring = KeyRing(engine.settings.key_dir)
    ring.current(clock.now())
    ring.rotate(clock.advance(days=1))  # one retired key, one current: both must come back
    return engine


def _run(db_url: str, key_dir: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--database", db_url], env={"DECISIONFLOW_KEY_DIR": key_dir})
    return result.exit_code, result.output


def _state(db_url: str) -> dict[str, object]:
    """Rows per table, every document's content hash, every chain's verification."""
    db = build_engine(Settings(database_url=db_url))
    try:
        with db.db.connect() as connection:
            names = sorted(inspect(connection).get_table_names())
            counts = {n: connection.execute(select(func.count()).select_from(table(n))).scalar_one() for n in names}
        if not names:
            return {"counts": {}}
        with db.read_sessions() as session:
            documents = {d.sha256: hashlib.sha256(d.content).hexdigest() for d in session.scalars(select(Document))}
        chains = {r.procedure_id: (r.ok, r.events) for r in db.history.verify_all()}
    finally:
        db.dispose()
    return {"counts": counts, "documents": documents, "chains": chains}


def _wipe(db_kind: str, db_url: str, request: pytest.FixtureRequest) -> None:
    """The disaster: the SQLite file is gone; the PostgreSQL database is dropped and made anew, empty."""
    if db_kind == "sqlite":
        request.getfixturevalue("sqlite_factory").drop(db_url)
        assert not Path(make_url(db_url).database or "").exists()
        return
    factory = request.getfixturevalue("postgres_factory")
    factory.drop(db_url)
    with psycopg.connect(factory.url_of(factory.base.database or "postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{make_url(db_url).database}"')  # type: ignore[arg-type]


def _keys(key_dir: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(key_dir).iterdir())}


def test_backup_wipe_restore_round_trip_every_chain_verifies(db_kind, db_url, filled, tmp_path, request):
    key_dir = filled.settings.key_dir
    before, keys = _state(db_url), _keys(key_dir)
    assert before["counts"]["procedures"] == 2 and before["counts"]["documents"] >= 10
    assert all(ok for ok, _ in before["chains"].values())
    out = tmp_path / "decisionflow.tar.gz"

    code, output = _run(db_url, key_dir, "backup", str(out))
    assert code == 0, output
    assert out.stat().st_mode & 0o077 == 0  # it holds the private sealing keys
    filled.dispose()
    _wipe(db_kind, db_url, request)
    shutil.rmtree(key_dir)

    code, output = _run(db_url, key_dir, "restore", str(out))
    assert code == 0, output
    assert "rows match the manifest" in output
    code, output = _run(db_url, key_dir, "verify")
    assert code == 0, output
    assert "verified 2 procedure(s)" in output and "0 broken" in output
    assert _state(db_url) == before
    assert _keys(key_dir) == keys


def test_restore_refuses_a_backup_with_one_byte_changed(db_kind, db_url, filled, tmp_path, request):
    key_dir = filled.settings.key_dir
    out = tmp_path / "decisionflow.tar.gz"
    assert _run(db_url, key_dir, "backup", str(out))[0] == 0
    filled.dispose()
    _wipe(db_kind, db_url, request)
    empty = _state(db_url)
    good = out.read_bytes()

    # gzip's header time and seal, compressed data, gzip's own CRC-32 and length
    for position in (5, 40, len(good) // 7, len(good) // 2, len(good) - 8, len(good) - 1):
        bad = bytearray(good)
        bad[position] ^= 0x01
        tampered = tmp_path / f"tampered-{position}.tar.gz"
        tampered.write_bytes(bytes(bad))
        code, output = _run(db_url, str(tmp_path / "keys-after"), "restore", str(tampered))
        assert code == 1 and "restore refused" in output, (position, output)
    assert _state(db_url) == empty  # nothing restored
    assert not (tmp_path / "keys-after").exists()  # no key written


def test_restore_refuses_a_member_that_does_not_match_the_manifest(db_kind, db_url, filled, tmp_path):
    out = tmp_path / "decisionflow.tar.gz"
    manifest = backup.create(filled.settings, out, filled.clock.now())
    unpacked = tmp_path / "unpacked"
    backup.read(out, unpacked)
    key = next(name for name in manifest.members if name.endswith(".pem"))
    (unpacked / key).write_bytes((unpacked / key).read_bytes().replace(b"PRIVATE", b"PRIVATF"))
    forged = tmp_path / "forged.tar.gz"  # sealed anew, the manifest left as it was
    backup_file.write(forged, manifest, {name: unpacked / name for name in manifest.members})

    with pytest.raises(backup.BackupError, match=f"SHA-256 of {key} does not match the manifest"):
        backup.read(forged, tmp_path / "again")
    code, output = _run(db_url, str(tmp_path / "keys-after"), "restore", str(forged), "--force")
    assert code == 1 and "restore refused" in output
    assert not (tmp_path / "keys-after").exists()


def test_restore_over_data_needs_force(db_kind, db_url, filled, tmp_path):
    key_dir = filled.settings.key_dir
    out = tmp_path / "decisionflow.tar.gz"
    assert _run(db_url, key_dir, "backup", str(out))[0] == 0
    view = filled.procedures.start("major_decision", "会后新启动的程序", "dev_reform", filled.people.actor("sponsor"))
    filled.dispose()
    before = _state(db_url)

    code, output = _run(db_url, key_dir, "restore", str(out))
    assert code == 1 and "holds data" in output and "--force" in output
    assert _state(db_url) == before

    code, output = _run(db_url, key_dir, "restore", str(out), "--force")
    assert code == 0, output
    after = _state(db_url)
    assert view.id not in after["chains"] and len(after["chains"]) == 2  # the database is the backup's again
    assert _run(db_url, key_dir, "verify")[0] == 0


def test_backup_manifest_names_the_migration_and_every_member(db_kind, db_url, filled, tmp_path):
    out = tmp_path / "decisionflow.tar.gz"
    manifest = backup.create(filled.settings, out, filled.clock.now())
    with tarfile.open(out, "r:gz") as tar:
        names = tar.getnames()
        listed = json.loads(tar.extractfile(backup_file.MANIFEST).read())  # type: ignore[union-attr]
    assert names[0] == backup_file.MANIFEST
    assert set(names[1:]) == set(manifest.members) == set(listed["members"])
    assert backup_file.DUMPS[db_kind] in names and "keys/keys.json" in names
    assert listed["alembic_revision"] and listed["database"] == db_kind
    assert listed["counts"]["procedures"] == 2

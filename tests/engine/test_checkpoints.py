"""Signed checkpoints outside the database (DF-CHECKPOINT): a chain recomputed inside the database is found."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from engine import backup, checkpoint
from engine.chain import GENESIS, canonical, event_hash, timestamp
from engine.cli import cli
from engine.config import Settings
from engine.core import build_engine
from engine.domain.errors import CheckpointExists
from engine.services import checkpoints as checkpoint_service
from engine.signing import KeyRing
from engine.worker import write_due_checkpoint
from tests.conftest import DRAFT
from tests.helpers import triggers_off

# The Certificate Transparency test vectors (RFC 6962): leaf inputs and the root of the first n.
CT_LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]


@pytest.fixture
def finished(engine, people, review_loop):
    """A procedure with six events: start, draft, review returned, supplement, review, deliberation."""
    procedure = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    step = engine.tasks.complete(procedure.task("draft"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "returned"})
    step = engine.tasks.complete(step.task("supplement"), people.sponsor, DRAFT)
    step = engine.tasks.complete(step.task("review"), people.reviewer, {"outcome": "lawful"})
    engine.tasks.complete(step.task("deliberation"), people.secretary, {"decision": "adopt"})
    return procedure.id


def _file(engine, seq: int) -> Path:
    return Path(engine.settings.checkpoint_dir) / checkpoint.file_name(seq)


def _verify(engine) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["verify", "--database", engine.settings.database_url],
                                env={"DECISIONFLOW_KEY_DIR": engine.settings.key_dir,
                                     "DECISIONFLOW_CHECKPOINT_DIR": engine.settings.checkpoint_dir})
    return result.exit_code, result.output


def test_df_integrity_checkpoint_merkle_root_matches_the_rfc6962_known_answers():
    assert checkpoint.merkle_root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    for size, root in enumerate(CT_ROOTS, start=1):
        assert checkpoint.merkle_root(CT_LEAVES[:size]).hex() == root, size


@pytest.mark.parametrize("crypto_suite", ["sm", "intl"])
def test_df_integrity_checkpoint_is_written_signed_and_chained(engine, finished, clock, crypto_suite):
    first = engine.checkpoints.make()
    clock.advance(hours=1)
    second = engine.checkpoints.make()

    assert (first.seq, second.seq) == (1, 2) and first.prev_hash == GENESIS
    one, two = (json.loads(_file(engine, n).read_bytes()) for n in (1, 2))
    assert two["checkpoint"]["prev_hash"] == checkpoint.body_hash(one["checkpoint"])
    assert two["checkpoint"]["at"] == timestamp(clock.now())
    [head] = engine.history.events(finished)[-1:]
    assert two["checkpoint"]["procedures"] == [[finished, 6, head.hash]]
    assert two["checkpoint"]["tree"]["root"] == checkpoint.merkle_root(
        [checkpoint.Head(finished, 6, head.hash).leaf(),
         checkpoint.Head(None, two["checkpoint"]["admin_log"]["seq"], two["checkpoint"]["admin_log"]["hash"]).leaf()],
        {"sm": "sm3", "intl": "sha256"}[crypto_suite]).hex()
    assert two["signature"]["algorithm"] == {"sm": "SM2-SM3", "intl": "Ed25519"}[crypto_suite]
    [key] = KeyRing(engine.settings.key_dir).listed()
    assert two["signature"]["key_id"] == key.key_id == second.key_id
    assert checkpoint.problems(two, {key.key_id: key.public_key}, one["checkpoint"]) == []
    assert engine.checkpoints.check() == []
    assert engine.checkpoints.last_seqs() == {finished: 6}
    assert [c.seq for c in engine.checkpoints.listing()] == [2, 1]
    assert engine.checkpoints.document(2) == _file(engine, 2).read_bytes()


def test_df_integrity_checkpoint_file_is_never_overwritten(engine, finished):
    engine.checkpoints.make()
    written = _file(engine, 1).read_bytes()
    with pytest.raises(CheckpointExists) as refused:
        checkpoint_service._write_once(_file(engine, 1).parent, checkpoint.file_name(1), b"{}")
    assert refused.value.rule == "DF-CHECKPOINT"
    assert _file(engine, 1).read_bytes() == written
    assert sorted(p.name for p in _file(engine, 1).parent.iterdir()) == ["00000001.json"]  # no temporary left
    engine.checkpoints.make()
    assert _file(engine, 1).read_bytes() == written


def _recompute_from(engine, procedure_id: int, seq: int, payload: dict) -> None:
    """The forger's whole job: a new payload at `seq`, every later hash and prev_hash, and the procedure head."""
    events = engine.history.events(procedure_id)
    prev = events[seq - 2].hash if seq > 1 else GENESIS
    with triggers_off(engine), engine.db.begin() as connection:
        for event in events[seq - 1:]:
            body = payload if event.seq == seq else event.payload
            digest = event_hash(procedure_id, event.seq, event.at, event.actor, event.kind, event.task_id, body, prev)
            connection.execute(text("UPDATE events SET payload = :payload, prev_hash = :prev, hash = :hash "
                                    "WHERE procedure_id = :pid AND seq = :seq"),
                               {"payload": canonical(body).decode(), "prev": prev, "hash": digest,
                                "pid": procedure_id, "seq": event.seq})
            prev = digest
        connection.execute(text("UPDATE procedures SET head_hash = :hash WHERE id = :pid"),
                           {"hash": prev, "pid": procedure_id})


def test_df_integrity_checkpoint_finds_a_chain_recomputed_end_to_end(engine, finished):
    engine.checkpoints.make()
    forged = dict(engine.history.events(finished)[2].payload)
    forged["data"] = {"outcome": "lawful"}
    _recompute_from(engine, finished, 3, forged)

    assert engine.history.verify(finished).ok  # inside the database the forgery holds together
    [finding] = engine.checkpoints.check()
    assert finding.rule == "DF-CHECKPOINT"
    assert (finding.checkpoint_seq, finding.procedure_id, finding.seq) == (1, finished, 6)
    assert f"procedure {finished}, seq 6" in finding.en and f"程序 {finished} 第 6 号事件" in finding.zh
    code, output = _verify(engine)
    assert code == 1, output
    assert f"程序 {finished} 第 6 号事件" in output and f"procedure {finished}, seq 6" in output


def test_df_integrity_checkpoint_finds_an_admin_log_entry_changed(engine, finished):
    engine.checkpoints.make()
    log_seq = json.loads(_file(engine, 1).read_bytes())["checkpoint"]["admin_log"]["seq"]
    assert log_seq >= 1  # the definition's deploy is logged
    with triggers_off(engine, "admin_events"), engine.db.begin() as connection:
        connection.execute(text("UPDATE admin_events SET hash = :hash WHERE seq = :seq"),
                           {"hash": "f" * 64, "seq": log_seq})
    [finding] = engine.checkpoints.check()
    assert finding.admin_log and finding.seq == log_seq and finding.rule == "DF-CHECKPOINT"
    assert "系统管理日志" in finding.zh and "the administration log" in finding.en


def test_df_integrity_checkpoint_a_tampered_file_is_found_by_its_signature(engine, finished):
    engine.checkpoints.make()
    path = _file(engine, 1)
    document = json.loads(path.read_bytes())
    content = document["checkpoint"]
    content["procedures"][0][2] = "0" * 64  # a head to match a forged chain, and a root to match it
    content["tree"]["root"] = checkpoint.merkle_root([h.leaf() for h in checkpoint.heads(content)]).hex()
    path.write_text(json.dumps(document), encoding="utf-8")

    findings = engine.checkpoints.check()
    assert any(f.checkpoint_seq == 1 and f.procedure_id is None and "signature" in f.en and "签名" in f.zh
               for f in findings), findings
    offline = subprocess.run([sys.executable, "-m", "engine.checkpoint", str(path.parent)], capture_output=True,
                             text=True, check=False)
    assert offline.returncode == 1 and "signature does not match" in offline.stdout


def test_df_integrity_checkpoint_a_missing_or_reordered_file_breaks_the_chain(engine, finished, clock):
    for _ in range(3):
        engine.checkpoints.make()
        clock.advance(hours=1)
    _file(engine, 2).unlink()
    findings = engine.checkpoints.check()
    assert [f.checkpoint_seq for f in findings] == [3, 3] and "expects 2" in findings[0].en
    _file(engine, 3).write_bytes(b"not json")
    assert [c.seq for c in engine.checkpoints.listing()] == [1]  # the public list stays up for the others
    assert any(f.checkpoint_seq == 3 and "unreadable" in f.en for f in engine.checkpoints.check())


def test_df_integrity_checkpoint_worker_writes_one_per_period(engine, finished, clock):
    assert write_due_checkpoint(engine) == 1
    clock.advance(minutes=59 - clock.now().minute)
    assert write_due_checkpoint(engine) is None  # same hour
    other = build_engine(engine.settings, clock)  # a second worker on the same database
    try:
        assert write_due_checkpoint(other) is None
        clock.advance(minutes=1)
        assert write_due_checkpoint(other) == 2
        assert write_due_checkpoint(engine) is None
    finally:
        other.dispose()
    assert [c.seq for c in engine.checkpoints.listing()] == [2, 1]
    off = build_engine(Settings(**{**vars(engine.settings), "checkpoint_minutes": 0}), clock)
    try:
        clock.advance(hours=2)
        assert write_due_checkpoint(off) is None
    finally:
        off.dispose()


def test_df_integrity_checkpoint_backup_keeps_them_and_restore_writes_back_the_missing(db_kind, engine, finished,
                                                                                      tmp_path, clock):
    if db_kind == "postgresql":
        import shutil

        if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
            pytest.skip("pg_dump/pg_restore are not installed")
    engine.checkpoints.make()
    written = _file(engine, 1).read_bytes()
    out = tmp_path / "backup.tar.gz"
    manifest = backup.create(engine.settings, out, clock.now())
    assert "checkpoints/00000001.json" in manifest.members
    engine.dispose()
    _file(engine, 1).unlink()
    restored = backup.restore(engine.settings, out, clock.now(), force=True)
    assert restored.checkpoints_added == ["00000001.json"]
    assert _file(engine, 1).read_bytes() == written
    _file(engine, 1).write_bytes(written.replace(b'"seq": 1', b'"seq": 7'))
    with pytest.raises(backup.BackupError, match=r"00000001\.json differs"):
        backup.restore(engine.settings, out, clock.now(), force=True)


def test_df_integrity_checkpoint_command_writes_the_next_one(engine, finished):
    env = {"DECISIONFLOW_KEY_DIR": engine.settings.key_dir,
           "DECISIONFLOW_CHECKPOINT_DIR": engine.settings.checkpoint_dir}
    for n in (1, 2):
        result = CliRunner().invoke(cli, ["checkpoint", "--database", engine.settings.database_url], env=env)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"checkpoint {n} at ") and "2 head(s)" in result.output
    code, output = _verify(engine)
    assert code == 0 and "0 finding(s)" in output, output


def test_df_integrity_checkpoint_settings_come_from_the_environment():
    settings = Settings.from_env({"DECISIONFLOW_CHECKPOINT_DIR": "/srv/cp", "DECISIONFLOW_CHECKPOINT_MINUTES": "15"})
    assert (settings.checkpoint_dir, settings.checkpoint_minutes) == ("/srv/cp", 15)
    assert (Settings.from_env({}).checkpoint_dir, Settings.from_env({}).checkpoint_minutes) == (
        "instance/checkpoints", 60)
    with pytest.raises(ValueError, match="DECISIONFLOW_CHECKPOINT_MINUTES"):
        Settings.from_env({"DECISIONFLOW_CHECKPOINT_MINUTES": "hourly"})

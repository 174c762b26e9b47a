"""The decision archive (MD-33a, SC-4): exported, sealed, and verified offline; every tamper found.

The verifier is run as an auditor would, years later: on the ZIP alone, with the standard
library and the signature check, as `python -m engine.archive_verify` and as the `verify.py`
the archive carries.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import rfc8785
from sqlalchemy import text

from engine import archive_verify
from engine.archive_verify import canonical, event_hash, verify
from engine.demo import seed
from engine.demo_procedures import Driver, drive
from engine.domain.errors import DocumentAltered, DocumentNotFound, RecordForbidden
from engine.signing import KeyRing
from tests.helpers import replace_document
from tests.webapp.site import prepare


@pytest.fixture
def decided(engine, clock):  # type: ignore[no-untyped-def]
    """A procedure from proposal to archiving, with its documents."""
    prepare(engine)
    view = engine.procedures.start("major_decision", "城区生活垃圾分类管理实施办法", "dev_reform",
                                   engine.people.actor("sponsor"))
    drive(Driver(engine, clock, view.id), "sponsor", "2026-05", "archived")
    return view.id


@pytest.fixture
def exported(engine, decided, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "archive.zip"
    path.write_bytes(engine.archive.export(engine.people.actor("auditor"), decided))
    return path


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path: Path, out: Path, **changes: bytes | None) -> Path:
    """A copy of the archive with entries replaced (or dropped with None): what a tamperer makes."""
    entries = _entries(path)
    for name, data in changes.items():
        name = name.replace("__", "/").replace("_json", ".json").replace("_pdf", ".pdf").replace("_html", ".html")
        if data is None:
            entries.pop(name)
        else:
            entries[name] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    out.write_bytes(buffer.getvalue())
    return out


def _manifest(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(_entries(path)["manifest.json"])


def _with_manifest(path: Path, out: Path, manifest: dict) -> Path:  # type: ignore[type-arg]
    return _rewrite(path, out, manifest_json=json.dumps(manifest, ensure_ascii=False, indent=2).encode())


def test_md33a_round_trip_export_then_verify_ok(engine, decided, exported):
    report = verify(str(exported))
    assert report.ok, report.problem
    manifest = _manifest(exported)
    assert manifest["chain"]["head_hash"] == engine.history.events(decided)[-1].hash
    assert {"record.html", "record.pdf", "definition.bpmn", "verify.py"} <= set(manifest["files"])
    html = _entries(exported)["record.html"].decode()
    assert "重大行政决策档案" in html and "城区生活垃圾分类管理实施办法" in html
    assert _entries(exported)["record.pdf"].startswith(b"%PDF")


def test_sc4_archive_holds_every_document_of_the_procedure(engine, decided, exported):
    shas = {d["sha256"] for d in _manifest(exported)["documents"]}
    in_history = {ref for e in engine.history.events(decided) for ref in archive_verify._document_refs(e.payload)}
    assert shas == in_history and len(shas) >= 8
    entries = _entries(exported)
    paths = {d["sha256"]: d["path"] for d in _manifest(exported)["documents"]}
    assert all(hashlib.sha256(entries[paths[sha]]).hexdigest() == sha for sha in shas)


def test_md33a_archived_documents_carry_the_ending_of_their_type_so_a_viewer_opens_them(exported):
    """Issue 22 item 10: the package held documents/<sha256> with no ending; an archivist could not open them."""
    documents = _manifest(exported)["documents"]
    assert documents and all(d["path"] == f"documents/{d['sha256']}.pdf" for d in documents)  # the fixture's PDFs
    assert {d["path"] for d in documents} == {n for n in _entries(exported) if n.startswith("documents/")}


@pytest.mark.parametrize("crypto_suite", ["sm", "intl"])
def test_md33a_the_same_procedure_exports_to_the_same_bytes(engine, decided, exported, crypto_suite):
    """Byte for byte under intl (Ed25519 is deterministic); under sm every entry but the SM2 signature, which
    OpenSSL randomises as GB/T 32918 prescribes — and both seals verify."""
    again = engine.archive.export(engine.people.actor("auditor"), decided)
    if crypto_suite == "intl":
        assert again == exported.read_bytes()
        return
    first, second = _entries(exported), _entries_of(again)
    assert first.keys() == second.keys()
    assert {k: v for k, v in first.items() if k != "seal.json"} == {k: v for k, v in second.items() if k != "seal.json"}
    seals = [json.loads(e["seal.json"]) for e in (first, second)]
    assert seals[0]["algorithm"] == "SM2-SM3" and seals[0]["signature"] != seals[1]["signature"]
    assert {k: v for k, v in seals[0].items() if k != "signature"} == {
        k: v for k, v in seals[1].items() if k != "signature"}
    rewritten = exported.with_name("again.zip")
    rewritten.write_bytes(again)
    assert verify(str(exported)).ok and verify(str(rewritten)).ok


def _entries_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_md33a_offline_verifiers_run_from_the_command_line(exported, tmp_path):
    module = subprocess.run([sys.executable, "-m", "engine.archive_verify", str(exported)],
                            capture_output=True, text=True, check=False)
    assert module.returncode == 0 and module.stdout.startswith("OK:"), module.stdout + module.stderr
    shipped = tmp_path / "elsewhere"
    shipped.mkdir()
    (shipped / "verify.py").write_bytes(_entries(exported)["verify.py"])
    alone = subprocess.run([sys.executable, "-I", "verify.py", str(exported)], cwd=shipped,
                           capture_output=True, text=True, check=False)
    assert alone.returncode == 0 and alone.stdout.startswith("OK:"), alone.stdout + alone.stderr
    broken = _rewrite(exported, tmp_path / "broken.zip", record_html=b"<p>forged</p>")
    failed = subprocess.run([sys.executable, "-I", "verify.py", str(broken)], cwd=shipped,
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "record.html" in failed.stdout


def test_md33b_any_single_changed_byte_of_the_manifest_is_found(exported, tmp_path):
    data = _entries(exported)["manifest.json"]
    positions = random.Random(33).sample(range(len(data)), 25)
    for position in positions:
        changed = bytearray(data)
        changed[position] = (changed[position] + 1) % 256
        report = verify(str(_rewrite(exported, tmp_path / "m.zip", manifest_json=bytes(changed))))
        assert not report.ok, f"byte {position} changed and not found"


@pytest.mark.parametrize("field", ["actor", "at", "kind", "task_id", "payload", "prev_hash", "hash"])
def test_md33b_a_changed_event_field_is_named(exported, tmp_path, field):
    manifest = _manifest(exported)
    event = manifest["events"][4]
    event[field] = {"payload": {**event["payload"], "status": "forged"}}.get(field, "forged")
    report = verify(str(_with_manifest(exported, tmp_path / "e.zip", manifest)))
    assert not report.ok and "event 5" in report.problem


def test_md33b_reordered_dropped_and_appended_events_are_found(exported, tmp_path):
    manifest = _manifest(exported)
    swapped = json.loads(json.dumps(manifest))
    swapped["events"][3], swapped["events"][4] = swapped["events"][4], swapped["events"][3]
    assert "event 4" in verify(str(_with_manifest(exported, tmp_path / "s.zip", swapped))).problem

    dropped = json.loads(json.dumps(manifest))
    del dropped["events"][6]
    assert "event 7" in verify(str(_with_manifest(exported, tmp_path / "d.zip", dropped))).problem
    last_dropped = json.loads(json.dumps(manifest))
    last_dropped["events"].pop()
    assert "dropped or appended" in verify(str(_with_manifest(exported, tmp_path / "l.zip", last_dropped))).problem

    forged = json.loads(json.dumps(manifest))
    last = forged["events"][-1]
    extra = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "kind": "task_completed",
             "payload": {"step": "deliberation", "data": {"decision_outcome": "reject"}}}
    extra["hash"] = event_hash(extra)
    forged["events"].append(extra)
    forged["chain"].update(head_seq=extra["seq"], head_hash=extra["hash"])
    report = verify(str(_with_manifest(exported, tmp_path / "f.zip", forged)))
    assert not report.ok and "seal.json" in report.problem  # a consistent forgery still breaks the seal


def test_sc4_a_changed_document_is_found(exported, tmp_path):
    sha = _manifest(exported)["documents"][0]["sha256"]
    content = _entries(exported)[f"documents/{sha}.pdf"]
    tampered = _rewrite(exported, tmp_path / "doc.zip", **{f"documents__{sha}_pdf": content + b" "})
    report = verify(str(tampered))
    assert not report.ok and sha in report.problem and "altered" in report.problem
    missing = _rewrite(exported, tmp_path / "missing.zip", **{f"documents__{sha}_pdf": None})
    assert "missing" in verify(str(missing)).problem


@pytest.mark.parametrize("crypto_suite", ["sm", "intl"])
def test_md33a_a_replaced_public_key_or_signature_is_found(exported, tmp_path, crypto_suite):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    seal = json.loads(_entries(exported)["seal.json"])
    if crypto_suite == "sm":  # another point on the SM2 curve
        point = archive_verify.multiply(archive_verify.SM2_CURVE, random.randrange(2, archive_verify.SM2_CURVE.n),
                                        (archive_verify.SM2_CURVE.gx, archive_verify.SM2_CURVE.gy))
        assert point is not None
        other = b"\x04" + point[0].to_bytes(32, "big") + point[1].to_bytes(32, "big")
    else:
        other = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                       serialization.PublicFormat.Raw)
    forged_seal = json.dumps({**seal, "public_key": other.hex()}).encode()
    replaced = _rewrite(exported, tmp_path / "k.zip", seal_json=forged_seal)
    report = verify(str(replaced))
    assert not report.ok and "signature does not verify" in report.problem
    resigned_by_stranger = verify(str(exported), trusted_keys=frozenset({other.hex()}))
    assert not resigned_by_stranger.ok and "not one of the trusted keys" in resigned_by_stranger.problem
    assert verify(str(exported), trusted_keys=frozenset({seal["public_key"]})).ok


def test_md33a_old_archives_verify_after_key_rotation(engine, decided, exported, tmp_path):
    ring = KeyRing(engine.settings.key_dir)
    first = json.loads(_entries(exported)["seal.json"])
    ring.rotate(engine.clock.now(), engine.settings.crypto_suite)
    second = tmp_path / "second.zip"
    second.write_bytes(engine.archive.export(engine.people.actor("auditor"), decided))
    new_seal = json.loads(_entries(second)["seal.json"])
    assert new_seal["key_id"] != first["key_id"]
    published = frozenset(k.public_key for k in ring.listed())
    assert verify(str(exported), published).ok and verify(str(second), published).ok
    assert [k.retired_at is not None for k in ring.listed()] == [True, False]


def test_df_view_only_who_may_see_the_record_exports_it(engine, decided):
    seed(engine)
    with pytest.raises(RecordForbidden):
        engine.archive.export(engine.people.actor("housing"), decided)


def test_md33b_the_verifier_canonical_json_is_rfc8785(engine, decided):
    for event in engine.history.events(decided):
        assert canonical(event.payload) == rfc8785.dumps(event.payload)
    rng = random.Random(8785)
    for _ in range(3000):
        value = rng.choice([rng.uniform(-1e25, 1e25), rng.random() * 10 ** rng.randint(-12, 12), rng.randint(-9, 9)])
        sample = {"x": value, "名": ["\u2028", "\U0001F600", "\x07"], "é": True}
        assert canonical(sample) == rfc8785.dumps(sample)


def test_df_integrity_the_archive_refuses_to_seal_an_altered_document(engine, decided, db_url, tmp_path, caplog):
    """DF-INTEGRITY: the archive re-hashes every document before sealing; one altered, nothing is sealed."""
    from click.testing import CliRunner

    from engine.cli import cli

    sha = sorted(d.sha256 for d in engine.record.procedure(engine.people.actor("auditor"), decided).documents)[0]
    replace_document(engine, sha, b"%PDF-1.4 altered")
    before = engine.incidents.value("decisionflow_altered_documents_refused")
    with pytest.raises(DocumentAltered) as refused:
        engine.archive.export(engine.people.actor("auditor"), decided)
    assert refused.value.rule == "DF-INTEGRITY" and refused.value.context["sha256"] == sha
    assert engine.incidents.value("decisionflow_altered_documents_refused") == before + 1
    assert any(r.levelno == logging.ERROR and sha in r.getMessage() for r in caplog.records)

    out = tmp_path / "archive.zip"
    run = CliRunner().invoke(cli, ["archive", str(decided), str(out), "--database", db_url],
                             env={"DECISIONFLOW_KEY_DIR": str(tmp_path / "keys")})
    assert run.exit_code == 1, run.output
    assert sha in run.output and "已被改动" in run.output
    assert not out.exists()


def test_df_integrity_the_archive_refuses_to_seal_without_a_document_its_history_names(engine, decided, tmp_path):
    sha = sorted(d.sha256 for d in engine.record.procedure(engine.people.actor("auditor"), decided).documents)[0]
    with engine.db.begin() as connection:
        assert connection.execute(text("DELETE FROM documents WHERE sha256 = :s"), {"s": sha}).rowcount == 1
    with pytest.raises(DocumentNotFound) as refused:
        engine.archive.export(engine.people.actor("auditor"), decided)
    assert refused.value.context["sha256"] == sha


def test_key_show_only_reads_the_keys_and_lists_current_and_retired(tmp_path):
    from click.testing import CliRunner

    from engine.cli import cli

    keys = tmp_path / "keys"
    runner = CliRunner()
    empty = runner.invoke(cli, ["key", "show"], env={"DECISIONFLOW_KEY_DIR": str(keys)})
    assert empty.exit_code == 0 and "no sealing key yet" in empty.output
    assert not keys.exists()  # showing made no private key
    for _ in range(2):
        assert runner.invoke(cli, ["key", "rotate"], env={"DECISIONFLOW_KEY_DIR": str(keys)}).exit_code == 0
    shown = runner.invoke(cli, ["key", "show"], env={"DECISIONFLOW_KEY_DIR": str(keys)}).output.splitlines()
    assert [line.split()[-1] for line in shown][-1] == "current" and "retired" in shown[0]


@pytest.mark.parametrize("args", [["a.zip", "--trusted-key"], ["a.zip", "--trusted-key", ""], [], ["a.zip", "b.zip"]])
def test_the_verifier_prints_its_usage_for_incomplete_arguments(args, capsys):
    assert archive_verify.main(args) == 2
    assert "usage: python -m engine.archive_verify" in capsys.readouterr().err


def test_the_verifier_answers_help_with_its_usage(capsys):
    assert archive_verify.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m engine.archive_verify") and "--trusted-key" in out


def test_the_verifier_module_answers_help_without_reading_a_file():
    run = subprocess.run([sys.executable, "-m", "engine.archive_verify", "--help"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "ARCHIVE.zip" in run.stdout and "FAILED" not in run.stdout


@pytest.mark.parametrize("crypto_suite", ["sm"])
def test_md33a_an_sm_archive_resealed_with_ed25519_is_refused(exported, tmp_path, crypto_suite):
    """Downgrade the seal of an sm archive: an Ed25519 signature over the same manifest (which names suite sm)
    is refused for its algorithm; relabelling the manifest as intl too breaks every SM3 file hash, and with the
    office's SM2 key trusted no Ed25519 key is accepted."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    entries = _entries(exported)
    manifest, seal = json.loads(entries["manifest.json"]), json.loads(entries["seal.json"])
    assert manifest["suite"] == "sm" and seal["algorithm"] == "SM2-SM3" and seal["user_id"] == "1234567812345678"
    assert all(v.startswith("sm3:") for v in manifest["files"].values())
    stranger = Ed25519PrivateKey.generate()
    public = stranger.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    resealed = {"algorithm": "Ed25519", "key_id": "x", "public_key": public,
                "manifest_sha256": hashlib.sha256(entries["manifest.json"]).hexdigest(),
                "head_seq": seal["head_seq"], "head_hash": seal["head_hash"],
                "signature": stranger.sign(entries["manifest.json"]).hex()}
    report = verify(str(_rewrite(exported, tmp_path / "ed.zip", seal_json=json.dumps(resealed).encode())))
    assert not report.ok and "not the manifest's suite's (SM2-SM3)" in report.problem
    relabelled = {**manifest, "suite": "intl"}
    report = verify(str(_with_manifest(exported, tmp_path / "intl.zip", relabelled)))
    assert not report.ok
    assert not verify(str(exported), trusted_keys=frozenset({public})).ok
    assert verify(str(exported), trusted_keys=frozenset({seal["public_key"]})).ok


@pytest.mark.parametrize("crypto_suite", ["sm"])
def test_md33a_an_sm_archive_verifies_with_the_standard_library_only(exported, tmp_path, crypto_suite):
    """`python -I -S verify.py`: no site-packages at all (so no `cryptography`): SM3 and SM2 in pure Python."""
    shipped = tmp_path / "bare"
    shipped.mkdir()
    (shipped / "verify.py").write_bytes(_entries(exported)["verify.py"])
    bare = subprocess.run([sys.executable, "-I", "-S", "verify.py", str(exported)], cwd=shipped,
                          capture_output=True, text=True, check=False)
    assert bare.returncode == 0 and "(suite sm)" in bare.stdout, bare.stdout + bare.stderr
    forged = _with_manifest(exported, tmp_path / "forged.zip", {**_manifest(exported), "procedure": {"id": 0}})
    refused = subprocess.run([sys.executable, "-I", "-S", "verify.py", str(forged)], cwd=shipped,
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and "FAILED" in refused.stdout

"""RFC 3161 trusted timestamps on checkpoints (DF-CHECKPOINT, issue 23 item 3), against a real TSA.

The TSA is `openssl ts -reply` behind a small HTTP server (tests/tsa.py) with a CA and TSA certificate
made by the openssl binary: the tokens are OpenSSL's, checked by rfc3161-client when kept, by the
standard-library reader of engine/archive_verify.py and by `openssl ts -verify` offline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import archive_verify, checkpoint, timestamping
from engine.cli import cli
from engine.config import Settings
from engine.core import build_engine
from tests.conftest import DRAFT
from tests.tsa import local_tsa


@pytest.fixture(scope="session")
def authority(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("tsa")


@pytest.fixture
def tsa(authority):  # type: ignore[no-untyped-def]
    with local_tsa(authority) as served:
        yield served


@pytest.fixture
def stamped(engine, clock, tsa):  # type: ignore[no-untyped-def]
    """The same database and directories as `engine`, with the TSA configured."""
    built = build_engine(replace(engine.settings, tsa_url=tsa.url, tsa_ca_file=tsa.ca_file), clock)
    yield built
    built.dispose()


@pytest.fixture
def procedure(engine, people, review_loop):  # type: ignore[no-untyped-def]
    view = engine.procedures.start(review_loop, "县城公交线网优化调整", "dev_reform", people.sponsor)
    engine.tasks.complete(view.task("draft"), people.sponsor, DRAFT)
    return view.id


def _document(engine, seq: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads((Path(engine.settings.checkpoint_dir) / checkpoint.file_name(seq)).read_bytes())


def test_timestamp_request_is_an_rfc3161_query_over_sha256_with_a_nonce(tsa, tmp_path):
    made = timestamping.stamp(tsa.url, b"signature bytes", ca_file=tsa.ca_file)
    assert made.error is None and made.token
    query = tmp_path / "query.tsq"
    query.write_bytes(tsa.requests[-1])
    shown = subprocess.run(["openssl", "ts", "-query", "-in", str(query), "-text"], capture_output=True, text=True,
                           check=True).stdout
    assert "Hash Algorithm: sha256" in shown and "Nonce: 0x" in shown and "Certificate required: yes" in shown
    assert hashlib.sha256(b"signature bytes").hexdigest().upper()[:8] in shown.replace(" ", "").replace("-", "").upper()


@pytest.mark.parametrize("answer", [b"not DER at all", b"\x30\x03\x02\x01\x02"])
def test_timestamp_a_tsa_answering_nonsense_gives_no_token_and_a_reason(authority, answer):
    with local_tsa(authority, answer=answer) as nonsense:
        made = timestamping.stamp(nonsense.url, b"signature bytes")
    assert made.token is None and made.error and made.error.startswith("ValueError")
    assert made.record()["error"] == made.error and "token" not in made.record()


def test_timestamp_a_token_over_other_bytes_is_refused_before_it_is_kept(authority, tmp_path):
    (tmp_path / "other").write_bytes(b"other bytes")
    config = str(authority / "tsa.cnf")
    with local_tsa(authority):  # makes the authority, if no test has yet
        subprocess.run(["openssl", "ts", "-query", "-data", str(tmp_path / "other"), "-sha256", "-cert",
                        "-out", str(tmp_path / "other.tsq")], capture_output=True, check=True)
        subprocess.run(["openssl", "ts", "-reply", "-config", config, "-queryfile", str(tmp_path / "other.tsq"),
                        "-out", str(tmp_path / "other.tsr")], capture_output=True, check=True)
    # a TSA that answers every request with a granted reply it made for another request
    with local_tsa(authority, answer=(tmp_path / "other.tsr").read_bytes()) as replaying:
        made = timestamping.stamp(replaying.url, b"signature bytes")
    assert made.token is None and "another message imprint" in (made.error or "")


def test_df_checkpoint_carries_a_token_from_the_configured_tsa_that_openssl_verifies(stamped, procedure, tsa):
    view = stamped.checkpoints.make()
    document = _document(stamped, view.seq)
    record = document["timestamp"]
    signature = bytes.fromhex(document["signature"]["value"])
    assert view.timestamp_error is None and view.timestamped_at == record["gen_time"]
    assert record["imprint"] == hashlib.sha256(signature).hexdigest() and record["tsa"] == tsa.url
    assert archive_verify.timestamp_status(record, signature, tsa.ca_file)[0] == "verified"
    assert archive_verify.token_facts(base64.b64decode(record["token"])).imprint == hashlib.sha256(signature).digest()
    assert stamped.checkpoints.check() == []
    offline = subprocess.run([sys.executable, "-m", "engine.checkpoint", stamped.settings.checkpoint_dir,
                              "--tsa-ca", tsa.ca_file], capture_output=True, text=True, check=False)
    assert offline.returncode == 0 and "00000001.json: OK" in offline.stdout, offline.stdout


def test_df_checkpoint_a_token_from_another_tsa_fails_against_the_trusted_tsa_root(stamped, procedure, tmp_path):
    stamped.checkpoints.make()
    with local_tsa(tmp_path / "rogue") as rogue:  # a TSA with its own root, which nobody trusts
        folder = Path(stamped.settings.checkpoint_dir)
        document = _document(stamped, 1)
        forged = timestamping.stamp(rogue.url, checkpoint.signature_bytes(document))
    document["timestamp"] = forged.record()
    (folder / checkpoint.file_name(1)).write_text(json.dumps(document), encoding="utf-8")
    findings = stamped.checkpoints.check()
    assert len(findings) == 1 and "not signed by its issuer" in findings[0].en  # same root name, another key


def test_df_checkpoint_the_token_is_verified_with_the_standard_library_alone(stamped, procedure, tsa, monkeypatch):
    """Issue 23 item 2: the offline verifier checks the TSA's CMS signature and certificate chain itself (ECDSA
    P-256 here, RSA and SM2 too), without an openssl binary; a token whose signature is altered is refused,
    and one `openssl ts -verify` accepts is accepted."""
    view = stamped.checkpoints.make()
    document = _document(stamped, view.seq)
    record, signature = document["timestamp"], bytes.fromhex(document["signature"]["value"])
    token = base64.b64decode(record["token"])
    with_openssl = subprocess.run(["openssl", "ts", "-verify", "-token_in", "-in", "/dev/stdin", "-digest",
                                   hashlib.sha256(signature).hexdigest(), "-CAfile", tsa.ca_file],
                                  input=token, capture_output=True, check=False)
    assert b"Verification: OK" in with_openssl.stdout
    monkeypatch.setenv("PATH", "/nonexistent")  # no openssl to lean on
    status, note = archive_verify.timestamp_status(record, signature, tsa.ca_file)
    assert status == "verified" and "证书链验证通过" in note
    altered = bytearray(token)
    altered[-10] ^= 0x01  # inside the signature value, the token's last element
    with pytest.raises(archive_verify.Mismatch, match="signature does not verify"):
        archive_verify.timestamp_status({**record, "token": base64.b64encode(bytes(altered)).decode()}, signature,
                                        tsa.ca_file)


def test_df_checkpoint_rsa_and_p256_signatures_verify_with_the_standard_library(tmp_path):
    """The verifier's RSA (PKCS #1 v1.5) and ECDSA P-256 checks against signatures OpenSSL made."""
    message = b"DecisionFlow timestamp signature check"
    (tmp_path / "m").write_bytes(message)
    keys = (("rsa", ["-pkeyopt", "rsa_keygen_bits:2048"]), ("ec", ["-pkeyopt", "ec_paramgen_curve:P-256"]))
    for kind, options in keys:
        key, cert, sig = (tmp_path / f"{kind}.{x}" for x in ("key", "pem", "sig"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", kind, *options, "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-subj", f"/CN={kind} test", "-days", "2"], capture_output=True, check=True)
        subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key), "-out", str(sig), str(tmp_path / "m")],
                       capture_output=True, check=True)
        [parsed] = archive_verify.pem_certificates(cert.read_text())
        algorithm = "1.2.840.113549.1.1.11" if kind == "rsa" else "1.2.840.10045.4.3.2"
        assert archive_verify.signature_valid(parsed, algorithm, message, sig.read_bytes()), kind
        assert not archive_verify.signature_valid(parsed, algorithm, message + b"!", sig.read_bytes()), kind
        assert archive_verify.signature_valid(parsed, parsed.signature_algorithm, parsed.tbs,
                                              parsed.signature)  # the self-signed certificate's own signature


def test_df_checkpoint_is_written_without_a_token_when_the_tsa_fails_and_says_so(engine, clock, procedure,
                                                                                authority):
    with local_tsa(authority, broken=True) as down:
        broken = build_engine(replace(engine.settings, tsa_url=down.url), clock)
        try:
            view = broken.checkpoints.make()
        finally:
            broken.dispose()
    document = _document(engine, view.seq)
    assert view.seq == 1 and "500" in (view.timestamp_error or "")
    assert document["timestamp"]["error"] == view.timestamp_error and "token" not in document["timestamp"]
    assert engine.checkpoints.check() == []  # the checkpoint itself is sound
    assert archive_verify.timestamp_status(document["timestamp"], b"")[0] == "failed"


def test_df_checkpoint_command_reports_a_tsa_failure(engine, procedure):
    result = CliRunner().invoke(cli, ["checkpoint", "--database", engine.settings.database_url],
                                env={"DECISIONFLOW_KEY_DIR": engine.settings.key_dir,
                                     "DECISIONFLOW_CHECKPOINT_DIR": engine.settings.checkpoint_dir,
                                     "DECISIONFLOW_TSA_URL": "http://127.0.0.1:9/tsa",
                                     "DECISIONFLOW_TSA_TIMEOUT": "2"})
    assert result.exit_code == 0, result.output
    assert "checkpoint 1" in result.output and "WARNING: the TSA gave no timestamp" in result.output
    assert "error" in _document(engine, 1)["timestamp"]


def test_df_checkpoint_a_token_moved_from_another_checkpoint_is_found(stamped, procedure, clock):
    stamped.checkpoints.make()
    clock.advance(hours=1)
    stamped.checkpoints.make()
    first, second = _document(stamped, 1), _document(stamped, 2)
    second["timestamp"] = first["timestamp"]
    (Path(stamped.settings.checkpoint_dir) / checkpoint.file_name(2)).write_text(json.dumps(second), encoding="utf-8")
    findings = stamped.checkpoints.check()
    assert [f.checkpoint_seq for f in findings] == [2]
    assert "timestamp" in findings[0].en and "可信时间戳" in findings[0].zh


def test_tsa_settings_come_from_the_environment_and_a_bad_url_is_refused():
    settings = Settings.from_env({"DECISIONFLOW_TSA_URL": "https://tsa.example/tsr", "DECISIONFLOW_TSA_TIMEOUT": "3.5",
                                  "DECISIONFLOW_TSA_CA_FILE": "/etc/tsa.pem", "DECISIONFLOW_FONDS": "J001"})
    assert (settings.tsa_url, settings.tsa_timeout, settings.tsa_ca_file, settings.fonds) == (
        "https://tsa.example/tsr", 3.5, "/etc/tsa.pem", "J001")
    assert Settings.from_env({}).tsa_url is None
    with pytest.raises(ValueError, match="DECISIONFLOW_TSA_URL"):
        Settings.from_env({"DECISIONFLOW_TSA_URL": "file:///etc/passwd"})
    with pytest.raises(ValueError, match="DECISIONFLOW_TSA_TIMEOUT"):
        Settings.from_env({"DECISIONFLOW_TSA_TIMEOUT": "0"})

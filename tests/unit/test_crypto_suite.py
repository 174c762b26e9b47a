"""The sm crypto suite's primitives (issue 23): SM3 and SM2 against the standards' vectors and against OpenSSL 3
both ways, the chain's algorithm bound into the chain, keys of both suites side by side. No database."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from engine import archive_verify, chain, checkpoint
from engine.archive_verify import (
    Curve,
    der_signature,
    multiply,
    sm2_public_key,
    sm2_verify,
    sm2_z,
    sm3,
    sm3_pure,
    spki_point,
)
from engine.crypto_suite import GENESES, Sm2PrivateKey, sm2_verify_hex
from engine.signing import KeyRing

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl binary (OpenSSL 3) is not installed here")
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)

# GB/T 32918.2-2016 / GM/T 0003.2 Annex A: the signature example on the 256-bit test curve over Fp.
TEST_CURVE = Curve(p=0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
                   a=0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
                   b=0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
                   gx=0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
                   gy=0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2,
                   n=0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7)
EXAMPLE_ID = b"ALICE123@YAHOO.COM"
EXAMPLE_D = 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263
EXAMPLE_K = 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F
EXAMPLE_R = 0x40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1
EXAMPLE_S = 0x6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7


def test_sm3_standard_vectors_abc_and_64_bytes_pure_and_openssl():
    """GB/T 32905-2016 Annex A: "abc" and the 64-byte "abcd"×16, by the pure fallback and by hashlib."""
    vectors = {b"abc": "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
               b"abcd" * 16: "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"}
    for message, expected in vectors.items():
        assert sm3_pure(message).hex() == expected
        assert hashlib.new("sm3", message).hexdigest() == expected
    for size in (0, 55, 56, 63, 64, 65, 119, 120, 1000):  # every padding boundary
        data = bytes(range(256)) * 4
        assert sm3_pure(data[:size]) == hashlib.new("sm3", data[:size]).digest()


def _example_sign(curve: Curve, d: int, k: int, user_id: bytes, message: bytes) -> tuple[tuple[int, int], int, int]:
    """GB/T 32918.2 §6.1 with a fixed k, only to reproduce the standard's example."""
    public = multiply(curve, d, (curve.gx, curve.gy))
    assert public is not None
    e = int.from_bytes(sm3(sm2_z(public, user_id, curve) + message), "big")
    point = multiply(curve, k, (curve.gx, curve.gy))
    assert point is not None
    r = (e + point[0]) % curve.n
    s = pow(1 + d, -1, curve.n) * (k - r * d) % curve.n
    return public, r, s


def test_sm2_gbt32918_example_signature_is_reproduced_and_verified():
    public, r, s = _example_sign(TEST_CURVE, EXAMPLE_D, EXAMPLE_K, EXAMPLE_ID, b"message digest")
    assert (r, s) == (EXAMPLE_R, EXAMPLE_S)
    assert sm2_verify(public, b"message digest", EXAMPLE_R, EXAMPLE_S, EXAMPLE_ID, TEST_CURVE)
    assert not sm2_verify(public, b"message digesT", EXAMPLE_R, EXAMPLE_S, EXAMPLE_ID, TEST_CURVE)
    assert not sm2_verify(public, b"message digest", EXAMPLE_R, EXAMPLE_S, b"1234567812345678", TEST_CURVE)
    assert not sm2_verify(public, b"message digest", EXAMPLE_R, EXAMPLE_S + 1, EXAMPLE_ID, TEST_CURVE)


def _openssl(*args: str, data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    assert OPENSSL is not None
    return subprocess.run([OPENSSL, *args], input=data, capture_output=True, check=False)


@pytest.fixture
def sm2_key(tmp_path: Path) -> Path:
    if OPENSSL is None:
        print("skipped: the openssl binary is absent")
        pytest.skip("the openssl binary (OpenSSL 3) is not installed here")
    path = tmp_path / "sm2.pem"
    path.write_bytes(_openssl("genpkey", "-algorithm", "SM2").stdout)
    return path


@needs_openssl
def test_sm2_openssl_signature_verifies_in_pure_python_with_the_standard_user_id(sm2_key, tmp_path):
    message = "决策档案 manifest".encode()
    (tmp_path / "m").write_bytes(message)
    signed = _openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", str(sm2_key), "-in",
                      str(tmp_path / "m"), "-pkeyopt", "distid:1234567812345678")
    assert signed.returncode == 0, signed.stderr
    public = sm2_public_key(spki_point(_openssl("pkey", "-in", str(sm2_key), "-pubout", "-outform", "DER").stdout))
    r, s = der_signature(signed.stdout)
    assert sm2_verify(public, message, r, s)
    assert not sm2_verify(public, message + b".", r, s)
    assert not sm2_verify(public, message, r, s, user_id=b"ALICE123@YAHOO.COM")


@needs_openssl
def test_sm2_engine_signature_verifies_with_openssl_pkeyutl(sm2_key, tmp_path):
    message = b"checkpoint body"
    signature = Sm2PrivateKey(sm2_key).sign(message)
    (tmp_path / "m").write_bytes(message)
    (tmp_path / "sig").write_bytes(signature)
    (tmp_path / "pub.pem").write_bytes(_openssl("pkey", "-in", str(sm2_key), "-pubout").stdout)
    checked = _openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
                       str(tmp_path / "pub.pem"), "-in", str(tmp_path / "m"), "-sigfile", str(tmp_path / "sig"),
                       "-pkeyopt", "distid:1234567812345678")
    assert checked.returncode == 0 and b"Signature Verified Successfully" in checked.stdout
    assert sm2_verify_hex(Sm2PrivateKey(sm2_key).public_hex(), message, signature)
    (tmp_path / "m").write_bytes(b"checkpoint bodY")
    refused = _openssl("pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey",
                       str(tmp_path / "pub.pem"), "-in", str(tmp_path / "m"), "-sigfile", str(tmp_path / "sig"),
                       "-pkeyopt", "distid:1234567812345678")
    assert refused.returncode != 0


@needs_openssl
def test_keyring_holds_both_suites_in_standard_pem_and_rotates_each_on_its_own(tmp_path):
    ring = KeyRing(tmp_path / "keys")
    ed, _ = ring.current(NOW, "intl")
    sm, private = ring.current(NOW, "sm")
    assert (ed.algorithm, sm.algorithm) == ("Ed25519", "SM2-SM3")
    text = _openssl("pkey", "-in", str(tmp_path / "keys" / f"{sm.key_id}.pem"), "-noout", "-text").stdout.decode()
    assert "SM2" in text or "sm2" in text
    der = _openssl("pkey", "-in", str(tmp_path / "keys" / f"{sm.key_id}.pem"), "-outform", "DER").stdout
    assert bytes.fromhex("06082a811ccf5501822d") in der  # OID 1.2.156.10197.1.301 in the PKCS#8 key
    assert isinstance(private, Sm2PrivateKey) and private.public_hex() == sm.public_key
    newer, _ = ring.rotate(NOW, "sm")
    listed = {k.key_id: k for k in ring.listed()}
    assert listed[sm.key_id].retired_at is not None and listed[ed.key_id].retired_at is None
    assert ring.current(NOW, "sm")[0].key_id == newer.key_id and ring.current(NOW, "intl")[0].key_id == ed.key_id


def _chain(alg: str, count: int = 3) -> list[SimpleNamespace]:
    events, prev = [], GENESES[alg]
    for seq in range(1, count + 1):
        digest = chain.event_hash(7, seq, NOW, "a", "task_completed", None, {"n": seq}, prev)
        events.append(SimpleNamespace(procedure_id=7, seq=seq, at=NOW, actor="a", kind="task_completed",
                                      task_id=None, payload={"n": seq}, prev_hash=prev, hash=digest))
        prev = digest
    return events


def test_df_integrity_sm3_chain_names_its_algorithm_in_every_hash_and_verifies():
    events = _chain("sm3")
    assert all(e.hash.startswith("sm3:") and len(e.hash) == 68 for e in events)
    assert chain.verify(7, events, 3, events[-1].hash).ok
    assert chain.verify(7, _chain("sha256"), 3, _chain("sha256")[-1].hash).ok


def test_df_integrity_an_sm3_event_relabelled_as_sha256_is_refused():
    """Downgrade one event: recompute it with SHA-256 under the same prev_hash — the chain's algorithm,
    named by its genesis, is SM3, so the event is refused even where its own hash is consistent."""
    events = _chain("sm3")
    second = events[1]
    body = {"procedure": 7, "seq": 2, "at": chain.timestamp(NOW), "actor": "a", "kind": "task_completed",
            "task": None, "payload": {"n": 2}, "prev_hash": second.prev_hash}
    second.hash = hashlib.sha256(chain.canonical(body)).hexdigest()
    report = chain.verify(7, events, 3, events[-1].hash)
    assert not report.ok and report.first_bad_seq == 2


def test_df_integrity_an_sm3_chain_stripped_to_sha256_no_longer_matches_its_checkpointed_head():
    """A whole chain rewritten in SHA-256 is self-consistent, but its head differs from the SM3 head a
    checkpoint signed: the algorithm is inside what the checkpoint covers."""
    sm_head, intl_head = _chain("sm3")[-1].hash, _chain("sha256")[-1].hash
    assert sm_head != intl_head and sm_head.removeprefix("sm3:") != intl_head


@needs_openssl
@pytest.mark.parametrize("suite", ["sm", "intl"])
def test_df_checkpoint_signed_in_either_suite_verifies_and_names_its_algorithms(tmp_path, suite):
    key, private = KeyRing(tmp_path / "keys").current(NOW, suite)
    heads = [checkpoint.Head(1, 3, _chain("sm3")[-1].hash), checkpoint.Head(2, 3, _chain("sha256")[-1].hash)]
    content = checkpoint.body(1, "2026-12-05T03:00:00.000000Z", chain.GENESIS, heads, checkpoint.Head(None, 0,
                              chain.GENESIS), key.key_id, suite)
    import json
    document = json.loads(checkpoint.sign(content, private, key.public_key))
    assert document["signature"]["algorithm"] == {"sm": "SM2-SM3", "intl": "Ed25519"}[suite]
    assert checkpoint.problems(document, {key.key_id: key.public_key}, None) == []
    assert checkpoint.body_hash(content).startswith("sm3:") == (suite == "sm")
    altered = json.loads(json.dumps(document))
    altered["checkpoint"]["procedures"][0][2] = _chain("sha256")[-1].hash
    assert checkpoint.problems(altered, {key.key_id: key.public_key}, None)


@needs_openssl
def test_df_checkpoint_an_sm_checkpoint_relabelled_intl_is_refused(tmp_path):
    """Dropping `suite` from an SM2-signed body (to have it read as SHA-256/Ed25519) breaks the signature and
    the algorithm check; an Ed25519 checkpoint claiming a trusted SM2 key's id is refused for the key's kind."""
    import json
    ring = KeyRing(tmp_path / "keys")
    key, private = ring.current(NOW, "sm")
    content = checkpoint.body(1, "2026-12-05T03:00:00.000000Z", chain.GENESIS, [], checkpoint.Head(None, 0,
                              chain.GENESIS), key.key_id, "sm")
    document = json.loads(checkpoint.sign(content, private, key.public_key))
    downgraded = json.loads(json.dumps(document))
    del downgraded["checkpoint"]["suite"]
    assert checkpoint.problems(downgraded, {key.key_id: key.public_key}, None)
    _, ed_private = ring.current(NOW, "intl")
    forged_body = checkpoint.body(1, "2026-12-05T03:00:00.000000Z", chain.GENESIS, [], checkpoint.Head(None, 0,
                                  chain.GENESIS), key.key_id, "intl")
    forged = json.loads(checkpoint.sign(forged_body, ed_private, key.public_key))
    found = checkpoint.problems(forged, {key.key_id: key.public_key}, None)
    assert found and "SM2-SM3 key" in found[0][0]


def test_offline_verifier_falls_back_to_pure_sm3_when_openssl_lacks_it(monkeypatch):
    real = hashlib.new

    def without_sm3(name: str, *args: object, **kwargs: object) -> object:
        if name.lower() == "sm3":
            raise ValueError("unsupported hash type sm3")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(archive_verify.hashlib, "new", without_sm3)
    assert archive_verify.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    events = _chain("sm3")
    dumped = {"procedure_id": 7, "seq": 1, "at": chain.timestamp(NOW), "actor": "a", "kind": "task_completed",
              "task_id": None, "payload": {"n": 1}, "prev_hash": events[0].prev_hash}
    assert archive_verify.event_hash(dumped) == events[0].hash


@needs_openssl
def test_backup_restores_sm2_keys_and_keeps_each_suite_current_on_its_own(tmp_path):
    """A backup's SM2 key joins a directory that has only an Ed25519 current key as the current SM2 key; a
    backed-up Ed25519 key joins as retired, the directory's own Ed25519 key staying current."""
    from engine.backup import _merge_keys, _plan_keys
    from engine.backup_file import KEYS

    backed = KeyRing(tmp_path / "work" / KEYS)
    sm, _ = backed.current(NOW, "sm")
    old_ed, _ = backed.current(NOW, "intl")
    here = KeyRing(tmp_path / "keys")
    mine, _ = here.current(NOW, "intl")
    missing = _plan_keys(tmp_path / "work", tmp_path / "keys")
    assert sorted(p.name for p in missing) == sorted([f"{sm.key_id}.pem", f"{old_ed.key_id}.pem"])
    _merge_keys(tmp_path / "work", tmp_path / "keys", missing, NOW)
    listed = {k.key_id: k for k in here.listed()}
    assert listed[sm.key_id].retired_at is None and listed[sm.key_id].algorithm == "SM2-SM3"
    assert listed[old_ed.key_id].retired_at is not None and listed[mine.key_id].retired_at is None
    assert here.current(NOW, "sm")[0].key_id == sm.key_id and here.current(NOW, "intl")[0].key_id == mine.key_id

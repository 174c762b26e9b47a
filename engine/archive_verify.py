"""Verify a DecisionFlow decision archive offline: `python -m engine.archive_verify ARCHIVE.zip`.

This file needs only the Python standard library (SM3 and SM2 included, below) and, for
an Ed25519 seal only, the `cryptography` package; it imports nothing else of DecisionFlow, and every archive
carries a copy as `verify.py`, so an auditor can check an archive years later without
our server. It reports OK, or the first thing that does not match:

1. every event's hash is recomputed (SHA-256, or SM3 for a chain written `sm3:…`, of the
   RFC 8785 canonical JSON of the event with its predecessor's hash), in order from the
   genesis hash to the head, every event in the algorithm the chain began with;
2. every document's and file's hash (SHA-256; SM3 as well in an `sm` archive) matches the
   manifest, and nothing is unlisted;
3. the seal: a signature over the exact bytes of manifest.json — Ed25519 for an `intl`
   archive, SM2 with the user id 1234567812345678 for an `sm` one; the manifest names its
   suite and the seal's algorithm must be that suite's, and a trusted key must be of that kind.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import sys
import zipfile
from dataclasses import dataclass, field
from typing import Any

FORMAT = "decisionflow-archive/1"
GENESIS = "0" * 64


@dataclass
class Report:
    ok: bool
    problem: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.ok:
            return ("OK: procedure {procedure}, {events} events, {documents} documents, "
                    "sealed by key {key_id} (suite {suite})").format(**self.facts)
        return f"FAILED: {self.problem}"


class Mismatch(Exception):
    """The first thing in the archive that does not match."""


# --- SM3 (GB/T 32905) and SM2 signature verification (GB/T 32918), standard library only -----------------
# OpenSSL 3 provides SM3 to hashlib on most systems; where it does not, the small implementation below is
# used. SM2 verification is plain elliptic-curve arithmetic on the recommended curve, so this file still
# needs nothing but Python to check an `sm` archive.

SM2_USER_ID = b"1234567812345678"
"""The default user id of GM/T 0009 (and OpenSSL's `distid`), hashed into Z with the public key."""
SM3_PREFIX = "sm3:"
GENESIS_SM3 = SM3_PREFIX + GENESIS

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rol(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


def sm3_pure(data: bytes) -> bytes:
    """SM3 (GB/T 32905-2016) in pure Python, for a Python whose OpenSSL lacks it."""
    length = len(data) * 8
    data = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + length.to_bytes(8, "big")
    v = list(_IV)
    for offset in range(0, len(data), 64):
        w = [int.from_bytes(data[offset + 4 * i:offset + 4 * i + 4], "big") for i in range(16)]
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rol(w[j - 3], 15)
            w.append((x ^ _rol(x, 15) ^ _rol(x, 23)) ^ _rol(w[j - 13], 7) ^ w[j - 6])
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            t = 0x79CC4519 if j < 16 else 0x7A879D8A
            ss1 = _rol((_rol(a, 12) + e + _rol(t, j)) & _MASK, 7)
            ss2 = ss1 ^ _rol(a, 12)
            ff = a ^ b ^ c if j < 16 else (a & b) | (a & c) | (b & c)
            gg = e ^ f ^ g if j < 16 else (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
            tt2 = (gg + h + ss1 + w[j]) & _MASK
            a, b, c, d = tt1, a, _rol(b, 9), c
            e, f, g, h = tt2 ^ _rol(tt2, 9) ^ _rol(tt2, 17), e, _rol(f, 19), g
        v = [x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True)]
    return b"".join(x.to_bytes(4, "big") for x in v)


def sm3(data: bytes) -> bytes:
    """SM3 through OpenSSL when hashlib offers it, else the pure-Python one (same result)."""
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:
        return sm3_pure(data)


def digest(data: bytes, alg: str) -> str:
    """A digest as this project writes it: bare hex for SHA-256, `sm3:` and hex for SM3."""
    if alg == "sm3":
        return SM3_PREFIX + sm3(data).hex()
    if alg == "sha256":
        return hashlib.sha256(data).hexdigest()
    raise Mismatch(f"unknown hash algorithm {alg!r}")


def alg_of(value: str) -> str:
    """The algorithm a digest names by its form: `sm3:…` is SM3, bare hex SHA-256."""
    return "sm3" if str(value).startswith(SM3_PREFIX) else "sha256"


@dataclass(frozen=True)
class Curve:
    """A short Weierstrass curve y² = x³ + ax + b over GF(p) with base point (gx, gy) of order n."""

    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int


SM2_CURVE = Curve(
    p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
    n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123)
"""The SM2 recommended curve (GB/T 32918.5)."""

Point = tuple[int, int] | None


def _add(curve: Curve, left: Point, right: Point) -> Point:
    if left is None:
        return right
    if right is None:
        return left
    (x1, y1), (x2, y2), p = left, right, curve.p
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    slope = ((3 * x1 * x1 + curve.a) * pow(2 * y1, -1, p) if left == right
             else (y2 - y1) * pow(x2 - x1, -1, p)) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def multiply(curve: Curve, k: int, point: Point) -> Point:
    """k·point by double-and-add; only public values pass through here (verification), so no constant time."""
    result: Point = None
    while k:
        if k & 1:
            result = _add(curve, result, point)
        point, k = _add(curve, point, point), k >> 1
    return result


def on_curve(curve: Curve, point: tuple[int, int]) -> bool:
    x, y = point
    return 0 <= x < curve.p and 0 <= y < curve.p and (y * y - x * x * x - curve.a * x - curve.b) % curve.p == 0


def sm2_z(public: tuple[int, int], user_id: bytes = SM2_USER_ID, curve: Curve = SM2_CURVE) -> bytes:
    """Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA): the signer's identity hashed into every signature."""
    size = (curve.p.bit_length() + 7) // 8
    parts = [curve.a, curve.b, curve.gx, curve.gy, *public]
    return sm3((len(user_id) * 8).to_bytes(2, "big") + user_id + b"".join(v.to_bytes(size, "big") for v in parts))


def sm2_verify(public: tuple[int, int], message: bytes, r: int, s: int, user_id: bytes = SM2_USER_ID,
               curve: Curve = SM2_CURVE) -> bool:
    """GB/T 32918.2 §7: e = SM3(Z ‖ M), t = r + s, (x1, y1) = sG + tP, valid when (e + x1) mod n = r."""
    if not (1 <= r < curve.n and 1 <= s < curve.n) or not on_curve(curve, public):
        return False
    e = int.from_bytes(sm3(sm2_z(public, user_id, curve) + message), "big")
    t = (r + s) % curve.n
    if t == 0:
        return False
    point = _add(curve, multiply(curve, s, (curve.gx, curve.gy)), multiply(curve, t, public))
    return point is not None and (e + point[0]) % curve.n == r


def sm2_public_key(hex_point: str, curve: Curve = SM2_CURVE) -> tuple[int, int]:
    """An SM2 public key written as hex of the uncompressed point 04 ‖ x ‖ y."""
    raw = bytes.fromhex(hex_point)
    size = (curve.p.bit_length() + 7) // 8
    if len(raw) != 1 + 2 * size or raw[0] != 4:
        raise ValueError("an SM2 public key is 04 ‖ x ‖ y")
    point = int.from_bytes(raw[1:1 + size], "big"), int.from_bytes(raw[1 + size:], "big")
    if not on_curve(curve, point):
        raise ValueError("the point is not on the SM2 curve")
    return point


def der_signature(data: bytes) -> tuple[int, int]:
    """(r, s) from the DER SEQUENCE of two INTEGERs that OpenSSL and GM/T 0009 write."""
    def length(at: int) -> tuple[int, int]:
        first = data[at]
        if first < 0x80:
            return first, at + 1
        count = first & 0x7F
        return int.from_bytes(data[at + 1:at + 1 + count], "big"), at + 1 + count

    if not data or data[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    total, at = length(1)
    if at + total != len(data):
        raise ValueError("the DER SEQUENCE's length does not match")
    values = []
    for _ in range(2):
        if data[at] != 0x02:
            raise ValueError("not a DER INTEGER")
        size, at = length(at + 1)
        values.append(int.from_bytes(data[at:at + size], "big"))
        at += size
    if at != len(data):
        raise ValueError("bytes after the signature")
    return values[0], values[1]


def spki_point(der: bytes) -> str:
    """The hex point 04 ‖ x ‖ y of an SM2 SubjectPublicKeyInfo (the last 65 bytes of its BIT STRING)."""
    sm2_oid = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301
    if sm2_oid not in der or len(der) < 65 or der[-65] != 4:
        raise ValueError("not an SM2 SubjectPublicKeyInfo")
    return der[-65:].hex()


def canonical(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) with the standard library only."""
    return _jcs(value).encode("utf-8")


def _jcs(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _jcs(value[k]) for k in keys) + "}"
    raise Mismatch(f"a value of type {type(value).__name__} cannot be canonical JSON")


def _number(value: float) -> str:
    """ECMAScript's Number.prototype.toString, as RFC 8785 requires."""
    if not math.isfinite(value):
        raise Mismatch("NaN and infinities are not JSON")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len((whole + fraction).lstrip("0")))
    digits = digits.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    body = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{body}e{'+' if e > 0 else '-'}{abs(e)}"


SUITES = {"intl": ("sha256", "Ed25519"), "sm": ("sm3", "SM2-SM3")}


def event_hash(event: dict[str, Any]) -> str:
    """The event's hash in the algorithm its prev_hash names; an SM3 body also says `"alg": "sm3"`."""
    alg = alg_of(event["prev_hash"])
    body = {"procedure": event["procedure_id"], "seq": event["seq"], "at": event["at"], "actor": event["actor"],
            "kind": event["kind"], "task": event["task_id"], "payload": event["payload"],
            "prev_hash": event["prev_hash"]}
    if alg != "sha256":
        body["alg"] = alg
    return digest(canonical(body), alg)


def verify(path: str, trusted_keys: frozenset[str] = frozenset(), tsa_ca: str | None = None) -> Report:
    """Check an archive; `trusted_keys` (hex public keys) pins the seal to keys the office published;
    `tsa_ca` (the TSA's root certificate, PEM) has a seal's timestamp token's signature and chain verified."""
    try:
        with zipfile.ZipFile(path) as archive:
            return Report(True, facts=_check(archive, trusted_keys, tsa_ca))
    except Mismatch as mismatch:
        return Report(False, str(mismatch))
    except (zipfile.BadZipFile, OSError) as error:
        return Report(False, f"not a readable ZIP archive: {error}")


def _check(archive: zipfile.ZipFile, trusted_keys: frozenset[str], tsa_ca: str | None = None) -> dict[str, Any]:
    names = set(archive.namelist())
    manifest_bytes = _read(archive, "manifest.json")
    manifest = _json(manifest_bytes, "manifest.json")
    seal = _json(_read(archive, "seal.json"), "seal.json")
    if manifest.get("format") != FORMAT:
        raise Mismatch(f"manifest.json: unknown format {manifest.get('format')!r}")
    suite = _suite(manifest)
    head = _check_chain(manifest)
    documents = _check_documents(archive, manifest, names, SUITES[suite][0])
    _check_files(archive, manifest, names, SUITES[suite][0])
    _check_seal(seal, manifest_bytes, head, trusted_keys, SUITES[suite][1])
    _seal_timestamp(seal, tsa_ca)
    return {"procedure": manifest["procedure"]["id"], "events": head[0], "documents": documents,
            "key_id": seal.get("key_id"), "suite": suite}


def _check_chain(manifest: dict[str, Any]) -> tuple[int, str]:
    previous, procedure_id = manifest.get("chain", {}).get("genesis", GENESIS), manifest["procedure"]["id"]
    if previous not in (GENESIS, GENESIS_SM3):
        raise Mismatch(f"the chain's genesis {previous!r} is not one this verifier knows")
    for position, event in enumerate(manifest.get("events", []), start=1):
        where = f"event {position}"
        if event.get("seq") != position:
            raise Mismatch(f"{where}: seq is {event.get('seq')}, expected {position} (an event is missing, added or "
                           "out of order)")
        if event.get("procedure_id") != procedure_id:
            raise Mismatch(f"{where}: belongs to procedure {event.get('procedure_id')}, not {procedure_id}")
        if event.get("prev_hash") != previous:
            raise Mismatch(f"{where}: prev_hash does not match the hash of event {position - 1}")
        try:
            recomputed = event_hash(event)
        except (KeyError, Mismatch) as error:
            raise Mismatch(f"{where}: cannot be hashed: {error}") from error
        if alg_of(event.get("hash", "")) != alg_of(previous):
            raise Mismatch(f"{where}: its hash is not in the chain's algorithm ({alg_of(previous)})")
        if recomputed != event.get("hash"):
            raise Mismatch(f"{where}: its content does not match its hash (the event was altered)")
        previous = recomputed
    chain = manifest.get("chain", {})
    count = len(manifest.get("events", []))
    if chain.get("head_seq") != count or chain.get("head_hash") != previous:
        raise Mismatch(f"the chain ends at event {count}, but the manifest's head is event {chain.get('head_seq')} "
                       "(events were dropped or appended)")
    return count, previous


def _suite(manifest: dict[str, Any]) -> str:
    """The crypto suite the manifest names; archives made before suites existed are intl."""
    suite = manifest.get("suite", "intl")
    if suite not in SUITES:
        raise Mismatch(f"manifest.json: unknown crypto suite {suite!r}")
    return str(suite)


def _check_documents(archive: zipfile.ZipFile, manifest: dict[str, Any], names: set[str], alg: str) -> int:
    listed = {d["sha256"]: d for d in manifest.get("documents", [])}
    named_sm3 = {r["sha256"]: r["sm3"] for r in _document_ref_dicts(manifest.get("events", [])) if "sm3" in r}
    for sha, entry in sorted(listed.items()):
        path = str(entry.get("path", ""))
        ending = path.removeprefix(f"documents/{sha}")
        fitting = ending == "" or (ending[:1] == "." and 1 < len(ending) <= 6 and ending[1:].isalnum())
        if ending == path or not fitting:
            raise Mismatch(f"document {sha}: its path {path!r} is not documents/<sha256>[.ending]")
        content = _read(archive, path)
        if hashlib.sha256(content).hexdigest() != sha:
            raise Mismatch(f"document {entry['path']}: its SHA-256 does not match (the document was altered)")
        content_sm3 = digest(content, "sm3") if alg == "sm3" or sha in named_sm3 else None
        if (alg == "sm3" and entry.get("sm3") != content_sm3) or named_sm3.get(sha, content_sm3) != content_sm3:
            raise Mismatch(f"document {entry['path']}: its SM3 does not match (the document was altered)")
    referenced = set(_document_refs(manifest.get("events", [])))
    missing = sorted(referenced - set(listed))
    if missing:
        raise Mismatch(f"document {missing[0]} is named in the history but not in the archive")
    paths = {str(entry.get("path")) for entry in listed.values()}  # documents/<sha256>, with its ending since 2026-12
    extra = sorted(n for n in names if n.startswith("documents/") and n not in paths)
    if extra:
        raise Mismatch(f"{extra[0]}: a document the manifest does not list")
    return len(listed)


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any], names: set[str], alg: str) -> None:
    files = manifest.get("files", {})
    for name, listed in sorted(files.items()):
        if digest(_read(archive, name), alg) != listed:
            raise Mismatch(f"{name}: its {alg.upper()} does not match the manifest (the file was altered)")
    definition = manifest.get("definition", {})
    if hashlib.sha256(_read(archive, definition.get("file", "definition.bpmn"))).hexdigest() != definition.get(
            "sha256"):
        raise Mismatch("the definition's BPMN is not the version the procedure ran on")
    known = {"manifest.json", "seal.json", *files}
    extra = sorted(n for n in names if n not in known and not n.startswith("documents/"))
    if extra:
        raise Mismatch(f"{extra[0]}: a file the manifest does not list")


def _check_seal(seal: dict[str, Any], manifest_bytes: bytes, head: tuple[int, str],
                trusted_keys: frozenset[str], algorithm: str) -> None:
    if seal.get("algorithm") != algorithm:
        raise Mismatch(f"seal.json: its algorithm {seal.get('algorithm')!r} is not the manifest's suite's "
                       f"({algorithm})")
    if trusted_keys and seal.get("public_key") not in trusted_keys:
        raise Mismatch(f"seal.json: key {seal.get('key_id')} is not one of the trusted keys")
    if algorithm == "SM2-SM3":
        _check_sm2_seal(seal, manifest_bytes, head)
        return
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if seal.get("manifest_sha256") != hashlib.sha256(manifest_bytes).hexdigest():
        raise Mismatch("seal.json: it seals a different manifest.json (the manifest was altered)")
    if (seal.get("head_seq"), seal.get("head_hash")) != head:
        raise Mismatch("seal.json: it seals a different chain head")
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal["public_key"]))
        public.verify(bytes.fromhex(seal["signature"]), manifest_bytes)
    except (InvalidSignature, ValueError, KeyError) as error:
        raise Mismatch("seal.json: the signature does not verify with the archive's public key "
                       f"({type(error).__name__})") from error


def _check_sm2_seal(seal: dict[str, Any], manifest_bytes: bytes, head: tuple[int, str]) -> None:
    """An SM2 seal, with nothing but this file: the user id must be the standard one it was made with."""
    if seal.get("manifest_sm3") != digest(manifest_bytes, "sm3"):
        raise Mismatch("seal.json: it seals a different manifest.json (the manifest was altered)")
    if (seal.get("head_seq"), seal.get("head_hash")) != head:
        raise Mismatch("seal.json: it seals a different chain head")
    if seal.get("user_id") != SM2_USER_ID.decode("ascii"):
        raise Mismatch(f"seal.json: the SM2 user id {seal.get('user_id')!r} is not {SM2_USER_ID.decode('ascii')}")
    try:
        r, s = der_signature(bytes.fromhex(seal["signature"]))
        valid = sm2_verify(sm2_public_key(seal["public_key"]), manifest_bytes, r, s)
    except (ValueError, KeyError, IndexError) as error:
        raise Mismatch(f"seal.json: the SM2 signature or key cannot be read ({error})") from error
    if not valid:
        raise Mismatch("seal.json: the SM2 signature does not verify with the archive's public key")


def _document_ref_dicts(value: Any) -> list[dict[str, Any]]:
    """The document references in the history (objects with a sha256 and a filename), as they are."""
    if isinstance(value, dict):
        found = [value] if isinstance(value.get("sha256"), str) and "filename" in value else []
        return found + [r for v in value.values() for r in _document_ref_dicts(v)]
    if isinstance(value, list):
        return [r for v in value for r in _document_ref_dicts(v)]
    return []


# --- RFC 3161 timestamp tokens, with the standard library -------------------------------------------------

TSTINFO = "1.2.840.113549.1.9.16.1.4"
SIGNED_DATA = "1.2.840.113549.1.7.2"
HASHES = {"2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
          "1.2.156.10197.1.401": "sm3"}


@dataclass(frozen=True)
class TokenFacts:
    """What a TimeStampToken states: the hash algorithm and imprint it stamps, and the TSA's time."""

    hash_name: str
    imprint: bytes
    gen_time: str


def _der(data: bytes, at: int = 0) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at `at`."""
    if at + 2 > len(data):
        raise Mismatch("timestamp token: truncated DER")
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise Mismatch("timestamp token: bad DER length")
        length, at = int.from_bytes(data[at:at + count], "big"), at + count
    if at + length > len(data):
        raise Mismatch("timestamp token: truncated DER")
    return tag, at, at + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    found, at = [], start
    while at < end:
        tag, begin, stop = _der(data, at)
        found.append((tag, begin, stop))
        at = stop
    return found


def _oid(raw: bytes) -> str:
    first, value = raw[0], 0
    parts = [str(min(first // 40, 2)), str(first - 40 * min(first // 40, 2))]
    for byte in raw[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(str(value))
            value = 0
    return ".".join(parts)


def token_facts(token: bytes) -> TokenFacts:
    """Walk ContentInfo → SignedData → encapContentInfo → TSTInfo (RFC 3161 §2.4.2) to its messageImprint
    and genTime. This reads the token; it does not check the TSA's signature (see `timestamp_status`)."""
    try:
        _, start, end = _der(token)
        content_type, explicit = _children(token, start, end)[:2]
        if _oid(token[content_type[1]:content_type[2]]) != SIGNED_DATA:
            raise Mismatch("timestamp token: not CMS SignedData")
        _, sd_start, sd_end = _der(token, explicit[1])
        encapsulated = _children(token, sd_start, sd_end)[2]
        e_type, e_content = _children(token, encapsulated[1], encapsulated[2])[:2]
        if _oid(token[e_type[1]:e_type[2]]) != TSTINFO:
            raise Mismatch("timestamp token: it does not hold a TSTInfo")
        o_start = _der(token, e_content[1])[1]
        _, t_start, t_end = _der(token, o_start)
        fields = _children(token, t_start, t_end)
        algorithm, hashed = _children(token, fields[2][1], fields[2][2])
        oid = _children(token, algorithm[1], algorithm[2])[0]
        gen_time = token[fields[4][1]:fields[4][2]].decode("ascii")
    except (IndexError, ValueError) as error:
        raise Mismatch(f"timestamp token: unreadable ({type(error).__name__})") from error
    name = HASHES.get(_oid(token[oid[1]:oid[2]]), _oid(token[oid[1]:oid[2]]))
    return TokenFacts(name, token[hashed[1]:hashed[2]], gen_time)


# --- the TSA's signature and certificate chain, with the standard library (CMS, X.509) ----------------------

P256 = Curve(
    p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551)
"""NIST P-256 (FIPS 186-4 D.1.2.3), the curve of most ECDSA time-stamping authorities."""
CURVES = {"1.2.840.10045.3.1.7": P256, "1.2.156.10197.1.301": SM2_CURVE}
EC_KEY, RSA_KEY, SM2_KEY = "1.2.840.10045.2.1", "1.2.840.113549.1.1.1", "1.2.156.10197.1.301"
SIGNATURE_HASHES = {"1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384",
                    "1.2.840.10045.4.3.4": "sha512", "1.2.840.113549.1.1.11": "sha256",
                    "1.2.840.113549.1.1.12": "sha384", "1.2.840.113549.1.1.13": "sha512",
                    "1.2.156.10197.1.501": "sm3"}
DIGEST_INFO = {"sha256": "3031300d060960864801650304020105000420", "sha384": "3041300d060960864801650304020205000430",
               "sha512": "3051300d060960864801650304020305000440"}
"""PKCS #1 v1.5: the DER DigestInfo prefix of each hash (RFC 8017 §9.2, note 1)."""
MESSAGE_DIGEST, TIME_STAMPING, EXTENDED_KEY_USAGE = "1.2.840.113549.1.9.4", "1.3.6.1.5.5.7.3.8", "2.5.29.37"


@dataclass(frozen=True)
class Certificate:
    """What verifying a token needs of an X.509 certificate (RFC 5280 §4.1)."""

    tbs: bytes
    signature_algorithm: str
    signature: bytes
    serial: int
    issuer: bytes
    subject: bytes
    not_before: str
    not_after: str
    key_algorithm: str
    key_curve: str | None
    key: bytes
    extended_key_usage: frozenset[str]


def _element(data: bytes, at: int) -> tuple[int, int, int, int]:
    """(tag, start of the element, start of its content, end) of the DER element at `at`."""
    tag, begin, end = _der(data, at)
    return tag, at, begin, end


def _elements(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    found, at = [], start
    while at < end:
        found.append(_element(data, at))
        at = found[-1][3]
    return found


def _time(raw: bytes, tag: int) -> str:
    """UTCTime (YYMMDDHHMMSSZ, RFC 5280: 50–99 are 19xx) or GeneralizedTime as 14 digits, comparable as text."""
    text = raw.decode("ascii").rstrip("Z").split(".")[0]
    return (("19" if int(text[:2]) >= 50 else "20") + text if tag == 0x17 else text)[:14]


def certificate(der: bytes) -> Certificate:
    """Parse a DER certificate: its signed part, issuer, subject, validity, public key and extended key usage."""
    _, _, start, end = _element(der, 0)
    tbs_element, algorithm, signature = _elements(der, start, end)[:3]
    fields = _elements(der, tbs_element[2], tbs_element[3])
    if fields[0][0] == 0xA0:  # [0] version
        fields = fields[1:]
    serial, _, issuer, validity, subject, spki = fields[:6]
    not_before, not_after = _elements(der, validity[2], validity[3])
    key_algorithm, key = _elements(der, spki[2], spki[3])
    key_ids = _elements(der, key_algorithm[2], key_algorithm[3])
    curve = _oid(der[key_ids[1][2]:key_ids[1][3]]) if len(key_ids) > 1 and key_ids[1][0] == 0x06 else None
    usages: set[str] = set()
    for extensions in (f for f in fields[6:] if f[0] == 0xA3):
        for extension in _elements(der, *_element(der, extensions[2])[2:]):
            parts = _elements(der, extension[2], extension[3])
            if _oid(der[parts[0][2]:parts[0][3]]) == EXTENDED_KEY_USAGE:
                value = _element(der, parts[-1][2])
                usages |= {_oid(der[o[2]:o[3]]) for o in _elements(der, value[2], value[3])}
    return Certificate(
        der[tbs_element[1]:tbs_element[3]], _oid(der[algorithm[2] + 2:_element(der, algorithm[2])[3]]),
        der[signature[2] + 1:signature[3]], int.from_bytes(der[serial[2]:serial[3]], "big", signed=True),
        der[issuer[1]:issuer[3]], der[subject[1]:subject[3]],
        _time(der[not_before[2]:not_before[3]], not_before[0]), _time(der[not_after[2]:not_after[3]], not_after[0]),
        _oid(der[key_ids[0][2]:key_ids[0][3]]), curve, der[key[2] + 1:key[3]], frozenset(usages))


def signature_valid(signer: Certificate, algorithm: str, message: bytes, signature: bytes,
                    digest_name: str | None = None) -> bool:
    """Whether `signature` over `message` is the signer's: RSA PKCS #1 v1.5, ECDSA (P-256) or SM2 (with SM3)."""
    hash_name = SIGNATURE_HASHES.get(algorithm) or digest_name
    if signer.key_algorithm == RSA_KEY and hash_name in DIGEST_INFO:
        _, _, start, end = _element(signer.key, 0)
        modulus, exponent = (int.from_bytes(signer.key[e[2]:e[3]], "big") for e in _elements(signer.key, start, end))
        size = (modulus.bit_length() + 7) // 8
        block = pow(int.from_bytes(signature, "big"), exponent, modulus).to_bytes(size, "big")
        expected = bytes.fromhex(DIGEST_INFO[hash_name]) + hashlib.new(hash_name, message).digest()
        return block == b"\x00\x01" + b"\xff" * (size - len(expected) - 3) + b"\x00" + expected
    curve = CURVES.get(signer.key_curve or "") if signer.key_algorithm in (EC_KEY, SM2_KEY) else None
    if curve is None or len(signer.key) != 1 + 2 * ((curve.p.bit_length() + 7) // 8) or signer.key[0] != 4:
        return False
    half = (len(signer.key) - 1) // 2
    point = int.from_bytes(signer.key[1:1 + half], "big"), int.from_bytes(signer.key[1 + half:], "big")
    r, s = der_signature(signature)
    if curve is SM2_CURVE:
        return hash_name == "sm3" and sm2_verify(point, message, r, s)
    if hash_name is None or not (1 <= r < curve.n and 1 <= s < curve.n) or not on_curve(curve, point):
        return False
    hashed = hashlib.new(hash_name, message).digest()
    e = int.from_bytes(hashed, "big") >> max(0, 8 * len(hashed) - curve.n.bit_length())  # FIPS 186-4 §6.4
    w = pow(s, -1, curve.n)
    found = _add(curve, multiply(curve, e * w % curve.n, (curve.gx, curve.gy)), multiply(curve, r * w % curve.n, point))
    return found is not None and found[0] % curve.n == r


def pem_certificates(text: str) -> list[Certificate]:
    blocks = text.split("-----BEGIN CERTIFICATE-----")[1:]
    return [certificate(base64.b64decode(b.split("-----END CERTIFICATE-----")[0])) for b in blocks]


def token_signature(token: bytes, roots: list[Certificate]) -> str:
    """Verify a TimeStampToken's CMS signature (RFC 5652 §5.4) and the TSA certificate's chain to one of
    `roots`, with the standard library: the signed attributes' messageDigest is the TSTInfo's hash, the
    signature over them is the TSA certificate's key's, that certificate is for time-stamping (RFC 3161
    §2.3) and valid at genTime, and each certificate up to a root is signed by the next. Returns the TSA's
    certificate subject's hex digest prefix as a note; raises Mismatch otherwise."""
    try:
        _, _, start, end = _element(token, 0)
        _, explicit = _elements(token, start, end)[:2]
        _, _, sd_start, sd_end = _element(token, explicit[2])
        parts = _elements(token, sd_start, sd_end)
        encapsulated = parts[2]
        e_content = _elements(token, encapsulated[2], encapsulated[3])[1]
        tst_info = token[_element(token, e_content[2])[2]:_element(token, e_content[2])[3]]
        certificates = [certificate(token[c[1]:c[3]]) for p in parts[3:] if p[0] == 0xA0
                        for c in _elements(token, p[2], p[3]) if c[0] == 0x30]
        signer_info = _elements(token, parts[-1][2], parts[-1][3])[0]
        fields = _elements(token, signer_info[2], signer_info[3])
        sid, digest_algorithm = fields[1], fields[2]
        attributes = next(f for f in fields if f[0] == 0xA0)
        algorithm, signature = fields[-2], fields[-1]
        digest_name = HASHES.get(_oid(token[_elements(token, digest_algorithm[2], digest_algorithm[3])[0][2]:
                                            _elements(token, digest_algorithm[2], digest_algorithm[3])[0][3]]))
        signature_oid = _oid(token[_elements(token, algorithm[2], algorithm[3])[0][2]:
                                   _elements(token, algorithm[2], algorithm[3])[0][3]])
        stated = None
        for attribute in _elements(token, attributes[2], attributes[3]):
            kind, values = _elements(token, attribute[2], attribute[3])
            if _oid(token[kind[2]:kind[3]]) == MESSAGE_DIGEST:
                value = _elements(token, values[2], values[3])[0]
                stated = token[value[2]:value[3]]
        serial_element = _elements(token, sid[2], sid[3])[-1] if sid[0] == 0x30 else None
        serial = int.from_bytes(token[serial_element[2]:serial_element[3]], "big", signed=True) \
            if serial_element else None
        gen_time = token_facts(token).gen_time
    except (IndexError, ValueError, StopIteration) as error:
        raise Mismatch(f"timestamp token: its signature cannot be read ({type(error).__name__})") from error
    if digest_name is None or stated != hashlib.new(digest_name, tst_info).digest():
        raise Mismatch("timestamp token: the signed messageDigest is not the TSTInfo's hash")
    signer = next((c for c in certificates if c.serial == serial), None)
    if signer is None:
        raise Mismatch("timestamp token: it carries no certificate of its signer")
    signed_attributes = b"\x31" + token[attributes[1] + 1:attributes[3]]  # DER SET OF, as RFC 5652 §5.4 hashes it
    if not signature_valid(signer, signature_oid, signed_attributes, token[signature[2]:signature[3]], digest_name):
        raise Mismatch("timestamp token: the TSA's signature does not verify")
    if TIME_STAMPING not in signer.extended_key_usage:
        raise Mismatch("timestamp token: its signer's certificate is not for time-stamping (RFC 3161 §2.3)")
    moment = gen_time.rstrip("Z").split(".")[0][:14]
    if not signer.not_before <= moment <= signer.not_after:
        raise Mismatch("timestamp token: genTime lies outside its signer's certificate validity")
    current = signer
    for _ in range(5):
        root = next((r for r in roots if r.subject == current.issuer), None)
        if root is not None:
            if not signature_valid(root, current.signature_algorithm, current.tbs, current.signature):
                raise Mismatch("timestamp token: a certificate of its chain is not signed by its issuer")
            return hashlib.sha256(signer.subject).hexdigest()[:16]
        issuer = next((c for c in certificates if c.subject == current.issuer and c is not current), None)
        if issuer is None or not signature_valid(issuer, current.signature_algorithm, current.tbs, current.signature):
            raise Mismatch("timestamp token: its certificate does not chain to the given TSA root")
        current = issuer
    raise Mismatch("timestamp token: its certificate chain is longer than five")


def timestamp_status(record: dict[str, Any] | None, signed: bytes, tsa_ca: str | None = None) -> tuple[str, str]:
    """Check a timestamp record over `signed` (a signature's bytes): ("none" | "failed" | "imprint" |
    "verified", Chinese note). Raises Mismatch when the token stamps something else or OpenSSL rejects it.

    The imprint is always checked here; the TSA's CMS signature and certificate chain when the TSA's root
    certificate is given (`tsa_ca`, PEM), by `token_signature` with the standard library (RSA, ECDSA P-256,
    SM2): no OpenSSL needed on the auditor's machine.
    """
    if not record:
        return "none", "未加盖可信时间戳"
    if not record.get("token"):
        return "failed", f"时间戳服务未能盖戳，已如实记录：{record.get('error')}"
    token = base64.b64decode(record["token"], validate=True)
    facts = token_facts(token)
    digest = hashlib.new(facts.hash_name, signed).digest() if facts.hash_name in HASHES.values() else None
    if digest is None or facts.imprint != digest:
        raise Mismatch("the timestamp token stamps another message than this signature (imprint mismatch)")
    if record.get("imprint") != facts.imprint.hex():
        raise Mismatch("the timestamp record names another imprint than its token")
    time_note = f"时间戳时间 {facts.gen_time}（{record.get('tsa')}）"
    if not tsa_ca:
        return "imprint", f"{time_note}；消息摘要相符，签名未验（未给出时间戳机构根证书）"
    with open(tsa_ca, encoding="ascii") as handle:
        roots = pem_certificates(handle.read())
    if not roots:
        raise Mismatch(f"{tsa_ca} holds no PEM certificate")
    signer = token_signature(token, roots)
    return "verified", f"{time_note}；时间戳机构签名及证书链验证通过（签发者 {signer}）"


def _seal_timestamp(seal: dict[str, Any], tsa_ca: str | None) -> tuple[str, str]:
    """The seal's RFC 3161 token, if it has one, must stamp its signature (and verify, given the TSA's root)."""
    try:
        signed = bytes.fromhex(seal.get("signature", ""))
        return timestamp_status(seal.get("timestamp"), signed, tsa_ca)
    except (ValueError, TypeError) as error:
        raise Mismatch(f"seal.json: its timestamp cannot be read ({type(error).__name__})") from error


def _document_refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["sha256"]] if isinstance(value.get("sha256"), str) and "filename" in value else []
        return found + [r for v in value.values() for r in _document_refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _document_refs(v)]
    return []


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError as error:
        raise Mismatch(f"{name} is missing from the archive") from error


def _json(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Mismatch(f"{name} is not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise Mismatch(f"{name} is not a JSON object")
    return value


# --- the archives' four checks (DA/T 97-2023, GB/T 18894-2016): 真实性, 完整性, 可用性, 安全性 -----------------

ASPECTS = {"真实性": "authenticity", "完整性": "integrity", "可用性": "usability", "安全性": "security"}
METADATA_NS = "{urn:decisionflow:archive-metadata:1}"
REQUIRED_METADATA = ("全宗号", "档号", "年度", "保管期限", "件号", "题名", "责任者", "日期", "密级", "页数", "载体",
                     "归档日期")
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200
EXECUTABLE_MAGIC = (b"\x7fELF", b"MZ", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
EXECUTABLE_SUFFIXES = (".exe", ".dll", ".so", ".sh", ".bat", ".cmd", ".ps1", ".js", ".vbs", ".jar", ".com", ".scr")
ACTIVE_CONTENT = {"record.html": (b"<script", b"javascript:", b" onload=", b" onerror="),
                  "record.pdf": (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile"),
                  "record.ofd": (b"Actions", b"Attachments")}


@dataclass(frozen=True)
class Check:
    """One line of the four-checks report: its aspect (真实性 …), what was checked (zh, en), and the result:
    True passed, False failed, None a note (e.g. no timestamp was asked for)."""

    aspect: str
    item: tuple[str, str]
    ok: bool | None
    detail: str = ""


def four_checks(path: str, trusted_keys: frozenset[str] = frozenset(), tsa_ca: str | None = None) -> list[Check]:
    """Every check of the four, each run on its own, so the report shows all that fails, not only the first."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        return [Check("可用性", ("档案包可读取", "the package opens"), False, f"not a readable ZIP archive: {error}")]
    with archive:
        run, names = _Checks(), set(archive.namelist())
        manifest_bytes = run("可用性", ("manifest.json 可解析", "manifest.json parses"),
                             lambda: _read(archive, "manifest.json"))
        manifest = run("可用性", ("manifest.json 是 JSON", "manifest.json is JSON"),
                       lambda: _json(manifest_bytes, "manifest.json")) if manifest_bytes is not None else None
        seal = run("可用性", ("seal.json 可解析", "seal.json parses"),
                   lambda: _json(_read(archive, "seal.json"), "seal.json"))
        suite = (run("真实性", ("密码套件", "the crypto suite"), lambda: _suite(manifest))
                 if manifest is not None else None)
        if manifest is not None and suite is not None:
            file_hash, signature = SUITES[suite]
            head = run("真实性", ("历史记录链逐条复核", "the history chain, event by event"),
                       lambda: _check_chain(manifest))
            if seal is not None and head is not None:
                run("真实性", ("封印签名", "the seal's signature"),
                    lambda: _check_seal(seal, manifest_bytes, head, trusted_keys, signature))
            run("完整性", ("清单所列文件齐全、哈希相符、无多余文件", "listed files present and unaltered, none extra"),
                lambda: _check_files(archive, manifest, names, file_hash))
            run("完整性", ("历史所载文件齐全", "every document the history names"),
                lambda: f"{_check_documents(archive, manifest, names, file_hash)} 份文件")
        run("完整性", ("元数据所列组件与档案包一致", "the metadata's components match the package"),
            lambda: _metadata_components(archive, names))
        if seal is not None:
            run("真实性", ("可信时间戳", "the trusted timestamp"), lambda: _timestamp_check(seal, tsa_ca))
        run("可用性", ("元数据可读且要素齐全", "the metadata is readable and complete"),
            lambda: _usable_metadata(archive))
        run("可用性", ("OFD 版式文件可读", "the OFD record is readable"), lambda: _usable_ofd(archive))
        run("可用性", ("PDF、HTML、BPMN 可读", "the PDF, HTML and BPMN are readable"), lambda: _usable_others(archive))
        run("安全性", ("无可执行内容", "no executable content"), lambda: _no_executables(archive))
        run("安全性", ("路径与大小", "paths and sizes"), lambda: _sizes(archive, manifest or {}))
    return run.checks


class _Checks:
    """Runs one check, records its line, and hands back its result (None when it failed)."""

    def __init__(self) -> None:
        self.checks: list[Check] = []

    def __call__(self, aspect: str, item: tuple[str, str], action: Any) -> Any:
        try:
            result = action()
        except Mismatch as mismatch:
            self.checks.append(Check(aspect, item, False, str(mismatch)))
            return None
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            self.checks.append(Check(aspect, item, False, f"unreadable: {type(error).__name__}: {error}"))
            return None
        if isinstance(result, Check):
            self.checks.append(result)
        else:
            self.checks.append(Check(aspect, item, True, result if isinstance(result, str) else ""))
        return result


def render(checks: list[Check], lang: str = "zh") -> str:
    """The report: each aspect with its checks, then its verdict."""
    zh = lang == "zh"
    marks = {True: "通过" if zh else "passed", False: "不通过" if zh else "FAILED", None: "提示" if zh else "note"}
    lines = ["档案四性检测报告" if zh else "Four-checks report (authenticity, integrity, usability, security)"]
    for aspect, english in ASPECTS.items():
        mine = [c for c in checks if c.aspect == aspect]
        verdict = marks[not any(c.ok is False for c in mine)] if mine else ("未能检测" if zh else "not checked")
        title = aspect if zh else english
        lines.append(f"{title}：{verdict}" if zh else f"{title}: {verdict}")
        for check in mine:
            label = check.item[0] if zh else check.item[1]
            detail = f"（{check.detail}）" if zh and check.detail else (f" ({check.detail})" if check.detail else "")
            lines.append(f"  [{marks[check.ok]}] {label}{detail}")
    return "\n".join(lines)


def _timestamp_check(seal: dict[str, Any], tsa_ca: str | None) -> Check:
    status, note = _seal_timestamp(seal, tsa_ca)
    return Check("真实性", ("可信时间戳", "the trusted timestamp"), status in ("imprint", "verified") or None, note)


def _metadata_components(archive: zipfile.ZipFile, names: set[str]) -> str:
    root = _xml(archive, "metadata.xml")
    listed = {}
    for entry in root.iter(f"{METADATA_NS}文件"):
        name = entry.findtext(f"{METADATA_NS}名称", "")
        digest = entry.find(f"{METADATA_NS}哈希值[@算法='SHA-256']")
        listed[name] = (int(entry.findtext(f"{METADATA_NS}字节数", "-1")), "" if digest is None else digest.text)
    for name, (size, digest) in sorted(listed.items()):
        data = _read(archive, name)
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            raise Mismatch(f"{name}: its size or SHA-256 differs from metadata.xml")
    unlisted = sorted(names - set(listed) - {"manifest.json", "seal.json", "metadata.xml"})
    if unlisted:
        raise Mismatch(f"{unlisted[0]}: in the package but not among the metadata's components")
    return f"{len(listed)} 个组件"


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    return _parse_xml(_read(archive, name), name)


def _parse_xml(data: bytes, name: str) -> Any:
    """Parse XML of the package; a document type declaration (entities, external references) is refused
    first, since no part of an archive needs one, so the parser never expands anything."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Mismatch(f"{name}: holds a document type declaration, which no part of an archive may")
    try:
        return ElementTree.fromstring(data)  # noqa: S314 - no DTD, checked above
    except ElementTree.ParseError as error:
        raise Mismatch(f"{name} is not well-formed XML: {error}") from error


def _usable_metadata(archive: zipfile.ZipFile) -> str:
    root = _xml(archive, "metadata.xml")
    if root.tag != f"{METADATA_NS}决策档案":
        raise Mismatch(f"metadata.xml: the root element is {root.tag}, not 决策档案")
    missing = [name for name in REQUIRED_METADATA if not (root.findtext(f"{METADATA_NS}{name}") or "").strip()]
    if missing:
        raise Mismatch(f"metadata.xml: no {'、'.join(missing)}")
    return f"题名：{root.findtext(f'{METADATA_NS}题名')}；档号：{root.findtext(f'{METADATA_NS}档号')}"


def _usable_ofd(archive: zipfile.ZipFile) -> str:
    import io

    ns = "{http://www.ofdspec.org/2016}"
    try:
        with zipfile.ZipFile(io.BytesIO(_read(archive, "record.ofd"))) as ofd:
            entry = _parse_xml(ofd.read("OFD.xml"), "record.ofd OFD.xml")
            doc_root = entry.findtext(f"{ns}DocBody/{ns}DocRoot") or ""
            document = _parse_xml(ofd.read(doc_root), f"record.ofd {doc_root}")
            folder = doc_root.rpartition("/")[0]
            pages = [p.get("BaseLoc", "") for p in document.iter(f"{ns}Page")]
            texts = sum(len(_parse_xml(ofd.read(f"{folder}/{p}"), f"record.ofd {p}").findall(f".//{ns}TextCode"))
                        for p in pages)
    except (zipfile.BadZipFile, KeyError) as error:
        raise Mismatch(f"record.ofd is not a readable OFD package: {type(error).__name__}: {error}") from error
    if not pages or not texts:
        raise Mismatch("record.ofd has no page with text")
    return f"{len(pages)} 页，{texts} 个文字对象"


def _usable_others(archive: zipfile.ZipFile) -> None:
    pdf = _read(archive, "record.pdf")
    if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
        raise Mismatch("record.pdf is not a complete PDF file")
    try:
        html = _read(archive, "record.html").decode("utf-8")
    except UnicodeDecodeError as error:
        raise Mismatch("record.html is not UTF-8 text") from error
    if "<html" not in html.lower():
        raise Mismatch("record.html is not an HTML document")
    _xml(archive, "definition.bpmn")


def _no_executables(archive: zipfile.ZipFile) -> None:
    for info in archive.infolist():
        name = info.filename
        if (info.external_attr >> 16) & 0o111:
            raise Mismatch(f"{name}: marked executable")
        if name.lower().endswith(EXECUTABLE_SUFFIXES):
            raise Mismatch(f"{name}: an executable file type")
        if name == "verify.py":
            continue  # the verifier itself: plain text, mode 0644, hashed in the manifest like every file
        with archive.open(info) as handle:
            head = handle.read(4)
        if head.startswith(EXECUTABLE_MAGIC):
            raise Mismatch(f"{name}: starts like a program or script")
        for marker in ACTIVE_CONTENT.get(name, ()):
            if marker in _active_text(archive, name):
                raise Mismatch(f"{name}: holds active content ({marker.decode()})")


def _active_text(archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes to search for active content: the OFD's XML parts, others as they are."""
    data = archive.read(name)
    if name != "record.ofd":
        return data
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as ofd:
        return b"".join(ofd.read(n) for n in ofd.namelist() if n.endswith(".xml"))


def _sizes(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> str:
    total = 0
    sizes = {d.get("path"): d.get("size") for d in manifest.get("documents", [])}
    for info in archive.infolist():
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise Mismatch(f"{name}: a path outside the package")
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1024 * 1024:
            raise Mismatch(f"{name}: compressed more than {MAX_RATIO} to 1 (a ZIP bomb?)")
        if name in sizes and sizes[name] != info.file_size:
            raise Mismatch(f"{name}: {info.file_size} bytes, the manifest says {sizes[name]}")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise Mismatch(f"the package unpacks to {total} bytes, more than {MAX_TOTAL_BYTES}")
    return f"{len(archive.infolist())} 个条目，共 {total} 字节"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine.archive_verify",
        description="Verify a DecisionFlow decision archive offline: the history chain, every document's "
                    "hash and the seal. Exit status 0 when it verifies, 1 when something does not match, "
                    "2 for a usage error.")
    parser.add_argument("archive", metavar="ARCHIVE.zip", help="the archive made by 'decisionflow archive'")
    parser.add_argument("--tsa-ca", metavar="CA.pem", default=None,
                        help="the time-stamping authority's root certificate: the signature and certificate chain "
                             "of the seal's RFC 3161 token are then verified with the standard library (without "
                             "it only its imprint is checked)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="language of the four-checks report (default zh: 中文)")
    parser.add_argument("--trusted-key", metavar="HEX[,HEX…]", type=_trusted_keys, default=frozenset(),
                        help="public keys (hex) the seal must be made with; without it any key that "
                             "verifies the seal is reported, not checked against a list")
    return parser


def _trusted_keys(text: str) -> frozenset[str]:
    keys = frozenset(key.strip() for key in text.split(","))
    if "" in keys:
        raise argparse.ArgumentTypeError("an empty key: give one or more hex keys separated by commas")
    return keys


def main(argv: list[str] | None = None) -> int:
    """The command line; argparse prints the usage for --help (exit 0) and for wrong arguments (exit 2)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse's own exit: keep its status for callers of main()
        return int(stop.code or 0)
    report = verify(args.archive, args.trusted_key, args.tsa_ca)
    checks = four_checks(args.archive, args.trusted_key, args.tsa_ca)
    failed = [c for c in checks if c.ok is False]
    if report.ok and failed:
        report = Report(False, f"{failed[0].item[1]}: {failed[0].detail}")
    print(report)
    print(render(checks, args.lang))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

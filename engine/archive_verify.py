"""Verify a DecisionFlow decision archive offline: `python -m engine.archive_verify ARCHIVE.zip`.

This file needs only the Python standard library and, for the Ed25519 seal, the
`cryptography` package; it imports nothing else of DecisionFlow, and every archive
carries a copy as `verify.py`, so an auditor can check an archive years later without
our server. It reports OK, or the first thing that does not match:

1. every event's hash is recomputed (SHA-256 of the RFC 8785 canonical JSON of the
   event with its predecessor's hash), in order from the genesis hash to the head;
2. every document's and file's SHA-256 matches the manifest, and nothing is unlisted;
3. the seal: an Ed25519 signature over the exact bytes of manifest.json.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import shutil
import subprocess
import sys
import tempfile
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
                    "sealed by key {key_id}").format(**self.facts)
        return f"FAILED: {self.problem}"


class Mismatch(Exception):
    """The first thing in the archive that does not match."""


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


def event_hash(event: dict[str, Any]) -> str:
    body = {"procedure": event["procedure_id"], "seq": event["seq"], "at": event["at"], "actor": event["actor"],
            "kind": event["kind"], "task": event["task_id"], "payload": event["payload"],
            "prev_hash": event["prev_hash"]}
    return hashlib.sha256(canonical(body)).hexdigest()


def verify(path: str, trusted_keys: frozenset[str] = frozenset()) -> Report:
    """Check an archive; `trusted_keys` (hex public keys) pins the seal to keys the office published."""
    try:
        with zipfile.ZipFile(path) as archive:
            return Report(True, facts=_check(archive, trusted_keys))
    except Mismatch as mismatch:
        return Report(False, str(mismatch))
    except (zipfile.BadZipFile, OSError) as error:
        return Report(False, f"not a readable ZIP archive: {error}")


def _check(archive: zipfile.ZipFile, trusted_keys: frozenset[str]) -> dict[str, Any]:
    names = set(archive.namelist())
    manifest_bytes = _read(archive, "manifest.json")
    manifest = _json(manifest_bytes, "manifest.json")
    seal = _json(_read(archive, "seal.json"), "seal.json")
    if manifest.get("format") != FORMAT:
        raise Mismatch(f"manifest.json: unknown format {manifest.get('format')!r}")
    head = _check_chain(manifest)
    documents = _check_documents(archive, manifest, names)
    _check_files(archive, manifest, names)
    _check_seal(seal, manifest_bytes, head, trusted_keys)
    return {"procedure": manifest["procedure"]["id"], "events": head[0], "documents": documents,
            "key_id": seal.get("key_id")}


def _check_chain(manifest: dict[str, Any]) -> tuple[int, str]:
    previous, procedure_id = GENESIS, manifest["procedure"]["id"]
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
        if recomputed != event.get("hash"):
            raise Mismatch(f"{where}: its content does not match its hash (the event was altered)")
        previous = recomputed
    chain = manifest.get("chain", {})
    count = len(manifest.get("events", []))
    if chain.get("head_seq") != count or chain.get("head_hash") != previous:
        raise Mismatch(f"the chain ends at event {count}, but the manifest's head is event {chain.get('head_seq')} "
                       "(events were dropped or appended)")
    return count, previous


def _check_documents(archive: zipfile.ZipFile, manifest: dict[str, Any], names: set[str]) -> int:
    listed = {d["sha256"]: d for d in manifest.get("documents", [])}
    for sha, entry in sorted(listed.items()):
        content = _read(archive, entry["path"])
        if hashlib.sha256(content).hexdigest() != sha:
            raise Mismatch(f"document {entry['path']}: its SHA-256 does not match (the document was altered)")
    referenced = set(_document_refs(manifest.get("events", [])))
    missing = sorted(referenced - set(listed))
    if missing:
        raise Mismatch(f"document {missing[0]} is named in the history but not in the archive")
    extra = sorted(n for n in names if n.startswith("documents/") and n.removeprefix("documents/") not in listed)
    if extra:
        raise Mismatch(f"{extra[0]}: a document the manifest does not list")
    return len(listed)


def _check_files(archive: zipfile.ZipFile, manifest: dict[str, Any], names: set[str]) -> None:
    files = manifest.get("files", {})
    for name, sha in sorted(files.items()):
        if hashlib.sha256(_read(archive, name)).hexdigest() != sha:
            raise Mismatch(f"{name}: its SHA-256 does not match the manifest (the file was altered)")
    definition = manifest.get("definition", {})
    if files.get(definition.get("file", "")) != definition.get("sha256"):
        raise Mismatch("the definition's BPMN is not the version the procedure ran on")
    known = {"manifest.json", "seal.json", *files}
    extra = sorted(n for n in names if n not in known and not n.startswith("documents/"))
    if extra:
        raise Mismatch(f"{extra[0]}: a file the manifest does not list")


def _check_seal(seal: dict[str, Any], manifest_bytes: bytes, head: tuple[int, str],
                trusted_keys: frozenset[str]) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if seal.get("algorithm") != "Ed25519":
        raise Mismatch(f"seal.json: unknown algorithm {seal.get('algorithm')!r}")
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
    if trusted_keys and seal["public_key"] not in trusted_keys:
        raise Mismatch(f"seal.json: key {seal.get('key_id')} is not one of the trusted keys")


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


def timestamp_status(record: dict[str, Any] | None, signed: bytes, tsa_ca: str | None = None) -> tuple[str, str]:
    """Check a timestamp record over `signed` (a signature's bytes): ("none" | "failed" | "imprint" |
    "verified", Chinese note). Raises Mismatch when the token stamps something else or OpenSSL rejects it.

    The imprint is always checked here; the TSA's CMS signature and certificate chain only by
    `openssl ts -verify`, when an openssl binary is on PATH and the TSA's root certificate is given
    (`tsa_ca`): a CMS verifier is more than the standard library offers.
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
    if not tsa_ca or shutil.which("openssl") is None:
        why = "未给出时间戳机构根证书" if not tsa_ca else "本机没有 openssl"
        return "imprint", f"{time_note}；消息摘要相符，签名未验（{why}）"
    with tempfile.NamedTemporaryFile(suffix=".tst") as handle:
        handle.write(token)
        handle.flush()
        run = subprocess.run(["openssl",  # noqa: S603, S607 - a fixed command, the openssl on PATH "ts", "-verify", "-token_in", "-in", handle.name, "-digest", digest.hex(),
                              "-CAfile", tsa_ca], capture_output=True, text=True, check=False)
    if run.returncode != 0 or "Verification: OK" not in run.stdout:
        raise Mismatch(f"the timestamp token does not verify with openssl ts -verify against {tsa_ca}")
    return "verified", f"{time_note}；openssl ts -verify 通过"


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine.archive_verify",
        description="Verify a DecisionFlow decision archive offline: the history chain, every document's "
                    "hash and the seal. Exit status 0 when it verifies, 1 when something does not match, "
                    "2 for a usage error.")
    parser.add_argument("archive", metavar="ARCHIVE.zip", help="the archive made by 'decisionflow archive'")
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
    report = verify(args.archive, args.trusted_key)
    print(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

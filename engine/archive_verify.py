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

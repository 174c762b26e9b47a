"""Signed checkpoints: every chain head, anchored outside the database (DF-CHECKPOINT, issue 18 item 3).

A chain of plain SHA-256 hashes proves nothing to someone who can rewrite the whole chain and
the head that closes it. A checkpoint takes every procedure's head (id, seq, hash), in id order,
and the administration log's head, as the leaves of a Merkle tree hashed as RFC 6962
(Certificate Transparency) hashes it, `leaf = SHA-256(0x00 || leaf bytes)`, `node = SHA-256(0x01 ||
left || right)`; it states the root, the time and its own number, chains to the previous
checkpoint by that one's hash, and is signed with the archive-sealing Ed25519 key
(engine/signing.py). Under the `sm` crypto suite (engine/crypto_suite.py) the body says
`"suite": "sm"`, the tree and the link hash with SM3 and the signature is SM2 with the standard
user id; the suite is inside the signed body, and the trusted key's own kind must match it, so a
checkpoint cannot be passed off under the other suite.
The file lives outside the database and is published, so a chain recomputed inside the database no
longer matches a head that others have kept.

Pure: no database, no Flask. `python -m engine.checkpoint DIR [--public-key HEX] [--tsa-ca PEM]` checks a
directory of copies (signatures, links, roots, RFC 3161 tokens) with this file, `cryptography`, `rfc8785`
and engine/archive_verify.py (standard library) for SM2/SM3 and the tokens.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from engine import archive_verify
from engine.chain import GENESIS, canonical
from engine.crypto_suite import HASHES, SIGNATURES, digest, sm2_verify_hex

FORMAT = "decisionflow-checkpoint/1"
TREE = "RFC 6962 Merkle tree over SHA-256; leaves: RFC 8785 canonical JSON of each head"
TREES = {"sha256": TREE, "sm3": "RFC 6962 Merkle tree over SM3; leaves: RFC 8785 canonical JSON of each head"}
FILE_DIGITS = 8


@dataclass(frozen=True)
class Head:
    """One leaf: a procedure's chain head, or the administration log's (procedure None)."""

    procedure_id: int | None
    seq: int
    hash: str

    def leaf(self) -> bytes:
        if self.procedure_id is None:
            return canonical({"log": "admin", "seq": self.seq, "hash": self.hash})
        return canonical({"procedure": self.procedure_id, "seq": self.seq, "hash": self.hash})


def _h(data: bytes, alg: str) -> bytes:
    return bytes.fromhex(digest(data, alg).removeprefix("sm3:"))


def leaf_hash(data: bytes, alg: str = "sha256") -> bytes:
    return _h(b"\x00" + data, alg)


def node_hash(left: bytes, right: bytes, alg: str = "sha256") -> bytes:
    return _h(b"\x01" + left + right, alg)


def merkle_root(leaves: Sequence[bytes], alg: str = "sha256") -> bytes:
    """RFC 6962 §2.1 Merkle Tree Hash: the empty tree is the hash of nothing; a split at the largest
    power of two below n, so a tree grown by appending keeps its left subtrees."""
    return _subtree([leaf_hash(leaf, alg) for leaf in leaves], alg) if leaves else _h(b"", alg)


def _subtree(hashes: list[bytes], alg: str) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(_subtree(hashes[:split], alg), _subtree(hashes[split:], alg), alg)


def suite_of(content: dict[str, Any]) -> str:
    """A body's crypto suite; bodies written before suites existed are `intl`."""
    suite = content.get("suite", "intl")
    if suite not in HASHES:
        raise ValueError(f"unknown crypto suite {suite!r}")
    return str(suite)


def file_name(seq: int) -> str:
    return f"{seq:0{FILE_DIGITS}d}.json"


def body(seq: int, at: str, prev_hash: str, procedures: Iterable[Head], admin_log: Head, key_id: str,
         suite: str = "intl") -> dict[str, Any]:
    """The signed content. Procedures are listed as [id, seq, hash] in id order, the log's head last.
    An `sm` body names its suite (inside what is signed); an `intl` one is as it always was."""
    alg = HASHES[suite]
    listed = sorted(procedures, key=lambda h: h.procedure_id or 0)
    leaves = [h.leaf() for h in (*listed, admin_log)]
    content = {"format": FORMAT, "seq": seq, "at": at, "prev_hash": prev_hash, "key_id": key_id,
               "tree": {"algorithm": TREES[alg], "size": len(leaves), "root": merkle_root(leaves, alg).hex()},
               "procedures": [[h.procedure_id, h.seq, h.hash] for h in listed],
               "admin_log": {"seq": admin_log.seq, "hash": admin_log.hash}}
    if suite != "intl":
        content["suite"] = suite
    return content


def body_hash(content: dict[str, Any]) -> str:
    """What the next checkpoint's `prev_hash` names: the canonical body's hash in the body's own suite
    (SHA-256 bare hex, or `sm3:…`)."""
    return digest(canonical(content), HASHES[suite_of(content)])


def sign(content: dict[str, Any], private: Any, public_key_hex: str) -> bytes:
    """The file's bytes: the body and a signature (Ed25519, or SM2 under `sm`) over its canonical bytes."""
    signature = {"algorithm": SIGNATURES[suite_of(content)], "key_id": content["key_id"],
                 "public_key": public_key_hex,
                 "signed": "RFC 8785 canonical JSON of `checkpoint`",
                 "value": private.sign(canonical(content)).hex()}
    return (json.dumps({"checkpoint": content, "signature": signature}, ensure_ascii=False, indent=1,
                       sort_keys=True) + "\n").encode("utf-8")


def with_timestamp(signed_file: bytes, record: dict[str, Any]) -> bytes:
    """The file's bytes with an RFC 3161 timestamp record beside the signature (engine/timestamping.py). The
    token stamps the signature value's bytes, so it needs no place inside what is signed."""
    document = json.loads(signed_file)
    document["timestamp"] = record
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def signature_bytes(document: dict[str, Any]) -> bytes:
    """What a timestamp token over this checkpoint stamps: the signature value's bytes."""
    return bytes.fromhex(document["signature"]["value"])


def heads(content: dict[str, Any]) -> list[Head]:
    """The leaves a body lists, procedures in order then the administration log."""
    log = content["admin_log"]
    return [*(Head(int(p), int(s), str(h)) for p, s, h in content["procedures"]),
            Head(None, int(log["seq"]), str(log["hash"]))]


def problems(document: dict[str, Any], public_keys: dict[str, str],
             previous: dict[str, Any] | None, tsa_ca: str | None = None) -> list[tuple[str, str]]:
    """What is wrong with one checkpoint file, each as (English, Chinese); empty when it is sound.

    `public_keys` maps key ids to the hex public keys trusted for them (the server's key ring, or
    the key an auditor keeps); `previous` is the body of the checkpoint before it, None for the first;
    `tsa_ca`, the TSA's root certificate, has a timestamp token's signature and chain checked (standard library).
    """
    try:
        content, signature = document["checkpoint"], document["signature"]
        if content.get("format") != FORMAT:
            return [(f"not a checkpoint of format {FORMAT}", f"不是格式为 {FORMAT} 的检查点")]
        found = _signature_problem(content, signature, public_keys)
        leaves = [h.leaf() for h in heads(content)]
        alg = HASHES[suite_of(content)]
        if (merkle_root(leaves, alg).hex() != content["tree"]["root"] or len(leaves) != content["tree"]["size"]
                or content["tree"].get("algorithm") != TREES[alg]):
            found.append(("the Merkle root does not match the heads listed", "默克尔树根与所列链头不符"))
        expected_prev = GENESIS if previous is None else body_hash(previous)
        expected_seq = 1 if previous is None else int(previous["seq"]) + 1
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return [(f"unreadable: {error!r}", f"无法读取：{error!r}")]
    if content["seq"] != expected_seq:
        found.append((f"its number is {content['seq']}, the chain of checkpoints expects {expected_seq}",
                      f"编号为 {content['seq']}，按检查点链应为 {expected_seq}"))
    if content["prev_hash"] != expected_prev:
        found.append(("prev_hash does not name the previous checkpoint", "prev_hash 与上一个检查点不符"))
    return found + _timestamp_problem(document, tsa_ca)


def _timestamp_problem(document: dict[str, Any], tsa_ca: str | None) -> list[tuple[str, str]]:
    """A token must stamp this checkpoint's signature; a recorded TSA failure is not a problem of the file."""
    try:
        archive_verify.timestamp_status(document.get("timestamp"), signature_bytes(document), tsa_ca)
    except (archive_verify.Mismatch, ValueError, KeyError) as error:
        return [(f"timestamp: {error}", f"可信时间戳与本检查点的签名不符：{error}")]
    return []


def _signature_problem(content: dict[str, Any], signature: dict[str, Any],
                       public_keys: dict[str, str]) -> list[tuple[str, str]]:
    key_id, algorithm = content["key_id"], SIGNATURES[suite_of(content)]
    if signature.get("key_id") != key_id or signature.get("algorithm") != algorithm:
        return [("the signature names another key or algorithm than the checkpoint", "签名所注密钥或算法与检查点不符")]
    trusted = public_keys.get(key_id)
    if trusted is None:
        return [(f"signed with key {key_id}, which is not a trusted key", f"签名密钥 {key_id} 不是可信密钥")]
    if signature.get("public_key") != trusted:
        return [(f"the public key in the file is not the trusted key {key_id}",
                 f"文件中的公钥不是可信密钥 {key_id}")]
    if key_algorithm(trusted) != algorithm:
        return [(f"key {key_id} is an {key_algorithm(trusted)} key, the checkpoint names {algorithm}",
                 f"密钥 {key_id} 为 {key_algorithm(trusted)} 密钥，检查点却注明 {algorithm}")]
    try:
        if algorithm == SIGNATURES["sm"]:
            if not sm2_verify_hex(trusted, canonical(content), bytes.fromhex(signature["value"])):
                raise InvalidSignature
        else:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(trusted)).verify(bytes.fromhex(signature["value"]),
                                                                              canonical(content))
    except (InvalidSignature, ValueError):
        return [(f"the {algorithm} signature does not match the content", f"{algorithm} 签名与内容不符")]
    return []


def key_algorithm(public_hex: str) -> str:
    """What a public key is by its form: 32 bytes Ed25519, an uncompressed 65-byte point SM2."""
    return SIGNATURES["sm"] if len(public_hex) == 130 and public_hex.startswith("04") else SIGNATURES["intl"]


def main(argv: list[str]) -> int:
    """Check a directory of kept copies; trust --public-key HEX (repeatable), else each file's own key;
    --tsa-ca PEM checks timestamp tokens' signatures against that TSA root."""
    from pathlib import Path

    folder, keys = Path(argv[0]), argv[1:]
    trusted = [keys[i + 1] for i, a in enumerate(keys[:-1]) if a == "--public-key"]
    tsa_ca = next((keys[i + 1] for i, a in enumerate(keys[:-1]) if a == "--tsa-ca"), None)
    previous, bad = None, 0
    for path in sorted(folder.glob("*.json")):
        document = json.loads(path.read_bytes())
        own = document.get("signature", {})
        pool = trusted or [own.get("public_key", "")]
        public_keys = {own.get("key_id", ""): own.get("public_key")} if own.get("public_key") in pool else {}
        found = problems(document, public_keys, previous, tsa_ca)
        bad += bool(found)
        print(f"{path.name}: {'; '.join(en for en, _ in found) or 'OK'}")
        previous = document.get("checkpoint")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

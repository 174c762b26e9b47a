"""The server's signing keys: the seal on exported archives (决策档案) and on checkpoints.

Two kinds, one per crypto suite (engine/crypto_suite.py): Ed25519 (`intl`) and SM2 (`sm`, PKCS#8 PEM
that `openssl pkey` reads). Each suite has its own current key; rotating one retires only its own.

Keys live in a directory (DECISIONFLOW_KEY_DIR, default `instance/keys`): one private
key file per key (PEM, mode 0600) and `keys.json` listing every key with its public half.
Rotation makes a new current key and keeps the old ones listed, retired, so archives
sealed years ago still verify against a key the office can vouch for.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.chain import timestamp
from engine.crypto_suite import SIGNATURES, Sm2PrivateKey, sm2_generate

PrivateKey = Ed25519PrivateKey | Sm2PrivateKey


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_key: str
    created_at: str
    retired_at: str | None = None
    algorithm: str = "Ed25519"
    """"Ed25519" or "SM2-SM3"; keys listed before the SM suite existed are Ed25519."""


def key_id_of(public_raw: bytes) -> str:
    """A short, stable name of a public key: the first 16 hex digits of its SHA-256 (SM2 keys: of its
    04 ‖ x ‖ y point, so two suites never share an id)."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


class KeyRing:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def listed(self) -> list[PublicKey]:
        listing = self.directory / "keys.json"
        if not listing.is_file():
            return []
        return [PublicKey(**k) for k in json.loads(listing.read_text(encoding="utf-8"))["keys"]]

    def current(self, now: datetime, suite: str = "intl") -> tuple[PublicKey, PrivateKey]:
        """The key of `suite` that seals now; the first is made on first use."""
        algorithm = SIGNATURES[suite]
        live = [k for k in self.listed() if k.retired_at is None and k.algorithm == algorithm]
        if not live:
            return self.rotate(now, suite)
        key = live[-1]
        return key, self.private(key)

    def private(self, key: PublicKey) -> PrivateKey:
        path = self.directory / f"{key.key_id}.pem"
        if key.algorithm == SIGNATURES["sm"]:
            return Sm2PrivateKey(path)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return private

    def rotate(self, now: datetime, suite: str = "intl") -> tuple[PublicKey, PrivateKey]:
        """A new current key of `suite`; its earlier keys stay listed (retired) for verifying old archives,
        and the other suite's keys are left as they are."""
        self.directory.mkdir(parents=True, exist_ok=True)
        algorithm = SIGNATURES[suite]
        if suite == "sm":
            pem = sm2_generate()
            staged = self.directory / f".new-{os.getpid()}.pem"
            staged.write_bytes(pem)
            try:
                public_hex = Sm2PrivateKey(staged).public_hex()
            finally:
                staged.unlink()
            key = PublicKey(key_id_of(bytes.fromhex(public_hex)), public_hex, timestamp(now), None, algorithm)
        else:
            ed = Ed25519PrivateKey.generate()
            raw = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            key = PublicKey(key_id_of(raw), raw.hex(), timestamp(now), None, algorithm)
            pem = ed.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
        path = self.directory / f"{key.key_id}.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        keys = [k if k.retired_at or k.algorithm != algorithm
                else PublicKey(k.key_id, k.public_key, k.created_at, timestamp(now), k.algorithm)
                for k in self.listed()]
        self._write([*keys, key])
        return key, self.private(key)

    def _write(self, keys: list[PublicKey]) -> None:
        listing = self.directory / "keys.json"
        temporary = listing.with_suffix(".tmp")
        temporary.write_text(json.dumps({"keys": [asdict(k) for k in keys]}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        temporary.replace(listing)

"""The server's Ed25519 keys: the seal on exported archives (决策档案).

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


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    public_key: str
    created_at: str
    retired_at: str | None = None


def key_id_of(public_raw: bytes) -> str:
    """A short, stable name of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


class KeyRing:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def listed(self) -> list[PublicKey]:
        listing = self.directory / "keys.json"
        if not listing.is_file():
            return []
        return [PublicKey(**k) for k in json.loads(listing.read_text(encoding="utf-8"))["keys"]]

    def current(self, now: datetime) -> tuple[PublicKey, Ed25519PrivateKey]:
        """The key that seals now; the first is made on first use."""
        live = [k for k in self.listed() if k.retired_at is None]
        if not live:
            return self.rotate(now)
        key = live[-1]
        pem = (self.directory / f"{key.key_id}.pem").read_bytes()
        private = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(private, Ed25519PrivateKey)
        return key, private

    def rotate(self, now: datetime) -> tuple[PublicKey, Ed25519PrivateKey]:
        """A new current key; earlier keys stay listed (retired) for verifying old archives."""
        self.directory.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        key = PublicKey(key_id_of(raw), raw.hex(), timestamp(now))
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        path = self.directory / f"{key.key_id}.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        keys = [k if k.retired_at else PublicKey(k.key_id, k.public_key, k.created_at, timestamp(now))
                for k in self.listed()]
        self._write([*keys, key])
        return key, private

    def _write(self, keys: list[PublicKey]) -> None:
        listing = self.directory / "keys.json"
        temporary = listing.with_suffix(".tmp")
        temporary.write_text(json.dumps({"keys": [asdict(k) for k in keys]}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        temporary.replace(listing)

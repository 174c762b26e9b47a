"""The deployment's crypto suite: `sm` (SM3 and SM2, GB/T 32905 / 32918) or `intl` (SHA-256 and Ed25519).

One setting (DECISIONFLOW_CRYPTO_SUITE, engine/config.py) chooses what new records use; what is already
recorded keeps the algorithm it names, so a database started with `intl` keeps verifying after the switch
and both suites coexist. A digest names its algorithm by its form — bare hex is SHA-256, `sm3:…` is SM3 —
and that form is itself hashed into what follows it (the next event's `prev_hash`, a checkpoint's leaves,
an archive's signed manifest), so the algorithm cannot be swapped without breaking what covers it.

SM3 comes from OpenSSL 3 through hashlib. SM2 signatures are made by the `openssl` command (OpenSSL 3,
the audited implementation already on every server; the `cryptography` package does not expose SM2) and
checked with the pure-Python verifier the offline archive checker carries (engine/archive_verify.py),
so every SM2 signature the server makes is also checked by an independent implementation. docs/crypto.md
says why.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from engine.archive_verify import (
    GENESIS,
    GENESIS_SM3,
    SM2_USER_ID,
    alg_of,
    der_signature,
    digest,
    sm2_public_key,
    sm2_verify,
    spki_point,
)

SUITES = ("sm", "intl")
DEFAULT_SUITE = "sm"
HASHES = {"sm": "sm3", "intl": "sha256"}
SIGNATURES = {"sm": "SM2-SM3", "intl": "Ed25519"}
SUITE_OF_SIGNATURE = {v: k for k, v in SIGNATURES.items()}
GENESES = {"sm3": GENESIS_SM3, "sha256": GENESIS}

__all__ = ["DEFAULT_SUITE", "GENESES", "HASHES", "SIGNATURES", "SM2_USER_ID", "SUITES", "Sm2PrivateKey",
           "alg_of", "digest", "genesis", "hash_alg", "sm2_generate", "sm2_verify_hex"]


def hash_alg(suite: str) -> str:
    """The hash algorithm of a suite; an unknown suite is refused, never defaulted."""
    if suite not in HASHES:
        raise ValueError(f"unknown crypto suite {suite!r}; known: {', '.join(SUITES)}")
    return HASHES[suite]


def genesis(alg: str) -> str:
    """The `prev_hash` of a chain's first event: zeros, in the form that names the chain's algorithm."""
    return GENESES[alg]


class OpenSSLMissing(RuntimeError):
    """The `openssl` command is needed to make SM2 keys and signatures."""


def _openssl(*args: str, data: bytes = b"") -> bytes:
    binary = shutil.which("openssl")
    if binary is None:
        raise OpenSSLMissing("the `openssl` command (OpenSSL 3) is needed for the sm crypto suite's SM2 keys")
    done = subprocess.run([binary, *args], input=data, capture_output=True, check=False)  # noqa: S603 (fixed argv)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout


class Sm2PrivateKey:
    """An SM2 private key in a PKCS#8 PEM file that `openssl pkey` reads; signs through `openssl pkeyutl`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def public_hex(self) -> str:
        """The public key as hex of 04 ‖ x ‖ y."""
        return spki_point(_openssl("pkey", "-in", str(self.path), "-pubout", "-outform", "DER"))

    def sign(self, message: bytes) -> bytes:
        """A DER SM2 signature over SM3(Z ‖ message), Z with the standard user id (GM/T 0009)."""
        return _openssl("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", str(self.path),
                        "-pkeyopt", f"distid:{SM2_USER_ID.decode('ascii')}", data=message)


def sm2_generate() -> bytes:
    """A new SM2 private key as PKCS#8 PEM (OID 1.2.156.10197.1.301), made by OpenSSL's random source."""
    return _openssl("genpkey", "-algorithm", "SM2")


def sm2_verify_hex(public_hex: str, message: bytes, signature: bytes) -> bool:
    """Check a DER SM2 signature with the pure-Python verifier; a malformed key or signature is False."""
    try:
        r, s = der_signature(signature)
        return sm2_verify(sm2_public_key(public_hex), message, r, s)
    except (ValueError, IndexError):
        return False

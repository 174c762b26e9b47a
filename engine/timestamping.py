"""RFC 3161 trusted timestamps for checkpoints and archive seals (issue 23 item 3).

A signature proves who signed; it does not prove when, since whoever holds the key can sign again
with any date in the body. A token from a time-stamping authority (TSA) binds the signature's bytes to
the TSA's clock and key, so a later re-signing is visible. What is stamped is the signature value itself
(as a CAdES signature-time-stamp does): the token's message imprint is SHA-256 of those bytes.

The request and the response are built and parsed with `rfc3161-client` (Trail of Bits, on top of
`cryptography`); the request goes out as `application/timestamp-query` over HTTP(S) with the standard
library. A TSA that is down, slow or answers nonsense never costs the record: `stamp` returns a
`Stamp` whose `error` says what went wrong, and the caller writes the checkpoint or archive without a
token, recording that failure in it. No database, no Flask.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

QUERY = "application/timestamp-query"
REPLY = "application/timestamp-reply"
HASH = "SHA-256"
MAX_REPLY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Stamp:
    """A token over `imprint`, or the reason there is none; `record()` is what the file keeps."""

    tsa: str
    imprint: str
    token: bytes | None = None
    gen_time: str | None = None
    error: str | None = None

    def record(self) -> dict[str, Any]:
        if self.token is None:
            return {"tsa": self.tsa, "hash_algorithm": HASH, "imprint": self.imprint, "error": self.error}
        return {"tsa": self.tsa, "hash_algorithm": HASH, "imprint": self.imprint, "gen_time": self.gen_time,
                "stamped": "the signature value's bytes", "token": base64.b64encode(self.token).decode("ascii")}


def stamp(url: str, message: bytes, timeout: float = 10.0, ca_file: str | None = None) -> Stamp:
    """Ask the TSA at `url` for a token over SHA-256(message); never raises for a TSA's fault.

    The reply must be granted, carry our nonce and imprint; with `ca_file` (the TSA's root, PEM) its
    signature and certificate chain are verified too.
    """
    imprint = hashlib.sha256(message).hexdigest()
    request = (TimestampRequestBuilder().data(message).hash_algorithm(HashAlgorithm.SHA256)
               .nonce(nonce=True).cert_request(cert_request=True).build())
    try:
        reply = _post(url, request.as_bytes(), timeout)
        response = decode_timestamp_response(reply)
        if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
            return Stamp(url, imprint, error=f"the TSA refused: status {response.status} "
                                             f"{' '.join(response.status_string)}".strip())
        info = response.tst_info
        if info.message_imprint.message != bytes.fromhex(imprint):
            return Stamp(url, imprint, error="the TSA's token stamps another message imprint")
        if info.nonce != request.nonce:
            return Stamp(url, imprint, error="the TSA's token does not carry the request's nonce")
        if ca_file:
            _verify(response, request, ca_file, message)
    except (OSError, ValueError, VerificationError) as error:  # URLError and timeouts are OSErrors
        return Stamp(url, imprint, error=f"{type(error).__name__}: {error}")
    gen_time = info.gen_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Stamp(url, imprint, token=response.time_stamp_token(), gen_time=gen_time)


def _post(url: str, body: bytes, timeout: float) -> bytes:
    http = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - http(s), checked in config
                                  headers={"Content-Type": QUERY, "Accept": REPLY})
    with urllib.request.urlopen(http, timeout=timeout) as answer:  # noqa: S310 - http(s), checked in config
        if answer.status != 200:
            raise ValueError(f"HTTP {answer.status}")
        data = answer.read(MAX_REPLY_BYTES + 1)
    if len(data) > MAX_REPLY_BYTES:
        raise ValueError(f"the reply is larger than {MAX_REPLY_BYTES} bytes")
    return data


def _verify(response: Any, request: Any, ca_file: str, message: bytes) -> None:
    with open(ca_file, "rb") as handle:
        roots = x509.load_pem_x509_certificates(handle.read())
    builder = VerifierBuilder.from_request(request)
    for root in roots:
        builder = builder.add_root_certificate(root)
    builder.build().verify_message(response, message)

"""Documents leave the app as attachments, never rendered inline (no stored XSS), with their SHA-256."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from flask import Response

from engine import doctypes


def attachment(filename: str) -> str:
    """A Content-Disposition that keeps a Chinese file name (RFC 6266) with an ASCII fallback."""
    ascii_name = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename) or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def download(content: bytes, filename: str, sha256: str | None = None,
             mimetype: str = "application/octet-stream") -> Response:
    """The bytes as an attachment in a sandbox, with `X-Content-SHA256` (computed when not given)."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["X-Content-SHA256"] = sha256 or hashlib.sha256(content).hexdigest()
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def suffix(media_type: str) -> str:
    """The file name ending of a stored media type, for documents kept without their name."""
    endings = {t.media_type: t.extensions[0] for t in doctypes.TYPES.values()}
    return {**endings, "text/html": ".html", "application/zip": ".zip"}.get(media_type, "")

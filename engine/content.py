"""A stored document's bytes leave the system only as they were stored (DESIGN invariant 9, DF-INTEGRITY).

Every path that sends a stored document — the record's downloads on pages and the API, the published
consultation and registry documents, the sealed archive — takes the bytes through `unaltered_bytes`. It
re-hashes them against the row's key (SHA-256 and size, and SM3 for a document stored under the sm crypto
suite) just before they go: content replaced in the
database behind the engine's back is refused, logged and counted, never served nor sealed.
"""

from __future__ import annotations

import hashlib
import logging

from engine.crypto_suite import digest
from engine.domain.errors import DocumentAltered
from engine.persistence.tables import Document
from engine.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)


def unaltered_bytes(uow: UnitOfWork, stored: Document, procedure_id: int) -> bytes:
    """The document's bytes when they still hash to its key; else DocumentAltered, logged and counted."""
    content = bytes(stored.content)
    if (len(content) == stored.size and hashlib.sha256(content).hexdigest() == stored.sha256
            and (stored.sm3 is None or digest(content, "sm3") == stored.sm3)):
        return content
    log.error("DF-INTEGRITY: document %s of procedure %s refused: its content (%d bytes, SHA-256 %s) does not "
              "match its record (%d bytes)", stored.sha256, procedure_id, len(content),
              hashlib.sha256(content).hexdigest(), stored.size)
    uow.engine.incidents.altered_documents.inc()
    raise DocumentAltered(sha256=stored.sha256, procedure_id=procedure_id)

"""Public participation: the calls citizens see, the opinions they send, and their receipts.

The window is the engine's (MD-15b): a consultation opens when the sponsor's public-comment
step completes (projected here in the same transaction) and takes opinions until the end
of its last day, the moment the opening form fixed; a late opinion is refused with that
moment. Every opinion is kept — moderation hides abusive text from the public list, with
its reason in the procedure's history, and never deletes. Each opinion is also an event of
the procedure's chained history (receipt and content hash; names and contacts stay out of
the permanent chain). How the sponsor handles the opinions (MD-18) is engine/services/opinions.py.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from engine import doctypes
from engine.clock import CST
from engine.content import unaltered_bytes
from engine.crypto_suite import digest, hash_alg
from engine.domain.errors import (
    ChallengeReused,
    ConsultationClosed,
    ConsultationNotFound,
    DocumentNotFound,
    OpinionInvalid,
    ReceiptNotFound,
)
from engine.persistence.tables import Consultation, Document, Event, Opinion, Organisation, Procedure, UsedChallenge
from engine.persistence.uow import UnitOfWork
from engine.services import history, paging, progress
from engine.services.views import Upload
from engine.workdays import local_date

__all__ = ["closed", "get", "open_page", "public_document", "receipt", "submit"]

MAX_TEXT = 5000
CHALLENGE_LIFETIME = timedelta(hours=2)
"""How long a spent challenge is remembered by default: at least as long as the token that carried it lives."""


@dataclass(frozen=True)
class ConsultationView:
    procedure_id: int
    title: str
    organisation: str
    summary: str
    opened_at: datetime
    closes_at: datetime
    is_open: bool
    draft_sha256: str | None
    explanation_sha256: str | None
    feedback_method: str | None
    urgency_reason: str | None
    adoption_sha256: str | None
    adoption_published_at: datetime | None
    opinion_count: int = 0
    public_opinions: list[dict[str, Any]] = field(default_factory=list)
    hearing: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReceiptView:
    """What anyone holding a receipt number may read of an opinion: when it arrived, for which call, and,
    once the statement on how opinions were handled is published (MD-18), how this one was handled.

    Never the name or contact; the text neither, which the number's holder already has and the
    statement publishes. The number is unguessable enough (a random part per day and call) and the
    public pages are rate-limited per address.
    """

    receipt: str
    submitted_at: datetime
    procedure_id: int
    title: str
    organisation: str
    statement_published_at: datetime | None
    hidden: bool
    hidden_reason: str | None
    duplicate: bool
    topic: str | None
    adoption: str | None
    adoption_reason: str | None


def on_step(uow: UnitOfWork, procedure_id: int, step_kind: str, values: dict[str, Any], derived: dict[str, Any],
            now: datetime) -> None:
    """Called by `tasks.complete` inside its transaction for the steps the statute's profile hands on
    (`TRIGGERS`): a call opens, or its opinions are summarised."""
    if step_kind == "public_comment" and derived.get("comment_closes_at"):
        procedure = uow.session.get(Procedure, procedure_id)
        assert procedure is not None
        uow.session.add(Consultation(
            procedure_id=procedure_id, title=procedure.title, sponsor_org=procedure.sponsor_org,
            summary=_summary(uow, procedure_id), opened_at=now,
            closes_at=datetime.fromisoformat(str(derived["comment_closes_at"])), closed_at=None,
            draft_sha256=_sha(values.get("draft")), explanation_sha256=_sha(values.get("explanation")),
            url=values.get("url"), feedback_method=values.get("feedback_method"),
            urgency_reason=values.get("urgency_reason"), adoption_sha256=None, adoption_published_at=None))
    elif step_kind == "opinion_summary":
        row = latest_call(uow, procedure_id)
        if row is not None and row.closed_at is None:
            row.closed_at = now


def open_page(uow: UnitOfWork, after: str | None = None, limit: int | None = None) -> paging.Page[ConsultationView]:
    """One page of the calls taking opinions now, soonest to close first, continued after the cursor `after`
    (the last row's (closes_at, id)); the portal's list (issue 21: 4.5 s for every open call at 100,000
    procedures). The query walks ix_consultations_closes_at from now on and stops after the page."""
    n = paging.size(limit)
    key = paging.decode(after, (datetime, int))
    with uow.read():
        now = uow.clock.now()
        statement = (select(Consultation, Organisation.name)
                     .join(Procedure, Procedure.id == Consultation.procedure_id)
                     .join(Organisation, Organisation.code == Consultation.sponsor_org, isouter=True)
                     .where(Consultation.closed_at.is_(None), Consultation.closes_at > now,
                            Procedure.status == progress.RUNNING))
        if key is not None:
            closes, last = key
            statement = statement.where(or_(Consultation.closes_at > closes,
                                            and_(Consultation.closes_at == closes, Consultation.id > last)))
        rows = uow.session.execute(statement.order_by(Consultation.closes_at, Consultation.id).limit(n + 1)).all()
        more, rows = len(rows) > n, rows[:n]
        cursor = paging.encode(rows[-1][0].closes_at, rows[-1][0].id) if more else None
        return paging.Page(tuple(_view(row, org, now) for row, org in rows), cursor)


def closed(uow: UnitOfWork, limit: int = 50) -> list[ConsultationView]:
    """Calls that have closed, the latest closing first, with their adoption statements once published.

    Two seeks, each stopped at `limit`: the calls closed early (closed before their closing time, from the
    partial index of closed calls) and those past their closing time (ix_consultations_closes_at backwards
    from now). One `closes_at <= now OR closed_at IS NOT NULL` walked back over every call still open first:
    0.74 s at a million procedures (issue 21)."""
    with uow.read():
        now = uow.clock.now()
        calls = (select(Consultation, Organisation.name)
                 .join(Organisation, Organisation.code == Consultation.sponsor_org, isouter=True)
                 .order_by(Consultation.closes_at.desc(), Consultation.id.desc()).limit(limit))
        early = uow.session.execute(calls.where(Consultation.closes_at > now, Consultation.closed_at.is_not(None)))
        ended = uow.session.execute(calls.where(Consultation.closes_at <= now))
        return [_view(row, org, now) for row, org in [*early, *ended][:limit]]


def get(uow: UnitOfWork, procedure_id: int) -> ConsultationView:
    """A call as the public sees it: documents, the opinions not hidden (no names), the hearing."""
    with uow.read():
        now = uow.clock.now()
        row = latest_call(uow, procedure_id)
        if row is None:
            raise ConsultationNotFound(procedure_id=procedure_id)
        org = uow.session.scalar(select(Organisation.name).where(Organisation.code == row.sponsor_org))
        shown = list(uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                         .order_by(Opinion.id)))
        public = [{"receipt": o.receipt, "submitted_at": o.submitted_at, "hidden": o.hidden,
                   "text": None if o.hidden else o.text, "topic": o.topic, "adoption": o.adoption,
                   "adoption_reason": o.adoption_reason if row.adoption_published_at else None,
                   "duplicate": o.duplicate_of is not None} for o in shown]
        view = _view(row, org, now, len(shown), public)
        return ConsultationView(**{**vars(view), "hearing": _hearing(uow, procedure_id)})


def submit(uow: UnitOfWork, procedure_id: int, text: str, name: str | None, contact: str | None,
           attachment: Upload | None, client: str, *, challenge: str | None = None,
           challenge_lifetime: timedelta = CHALLENGE_LIFETIME) -> str:
    """Take an opinion while the call is open and answer with its receipt number; late is refused.

    `challenge` is the nonce of the question the sender answered (the web form's): it is spent
    in the same transaction as the opinion, so a second opinion with the same answer is
    refused (ChallengeReused) and nothing of it is stored. The attachment's type is read from
    its content and must be one of the default document types (engine/doctypes.py)."""
    text = unicodedata.normalize("NFC", (text or "").strip())
    if not text or len(text) > MAX_TEXT:
        raise OpinionInvalid(field="text", problem=f"1 to {MAX_TEXT} characters are required",
                             problem_zh=f"意见内容须为 1 至 {MAX_TEXT} 个字符")
    name, contact = _optional(name, 100, "name"), _optional(contact, 200, "contact")
    if attachment is not None and len(attachment.content) > uow.settings.max_document_bytes:
        raise OpinionInvalid(field="attachment", problem="the attachment is over the size limit",
                             problem_zh=f"附件超过 {uow.settings.max_document_bytes} 字节的限制")
    if attachment is not None:
        attachment = doctypes.admit("attachment", attachment)
    with uow:
        procedure = uow.lock_procedure(procedure_id)
        row = latest_call(uow, procedure_id)
        now = uow.clock.now()
        if row is None:
            raise ConsultationNotFound(procedure_id=procedure_id)
        if procedure.status != progress.RUNNING or row.closed_at is not None or now >= row.closes_at:
            raise ConsultationClosed(procedure_id=procedure_id, closes=local_minute(row.closes_at))
        if challenge is not None:
            _spend(uow, challenge, now, now + challenge_lifetime)
        digest = hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()
        earlier = uow.session.scalar(select(Opinion.id).where(Opinion.consultation_id == row.id,
                                                              Opinion.text_sha256 == digest).order_by(Opinion.id))
        attachment_sha = store_document(uow, attachment, now) if attachment is not None else None
        receipt = f"YJ-{local_date(now):%Y%m%d}-{procedure_id}-{secrets.token_hex(3).upper()}"
        uow.session.add(Opinion(consultation_id=row.id, procedure_id=procedure_id, receipt=receipt, submitted_at=now,
                                name=name, contact=contact, text=text, text_sha256=digest,
                                attachment_sha256=attachment_sha, client_hash=client[:64], duplicate_of=earlier,
                                hidden=False))
        procedure.version += 1
        history.append(uow, procedure, "opinion_received", "public", None,
                       {"receipt": receipt, "text_sha256": digest, "attachment_sha256": attachment_sha,
                        **({"attachment_media_type": attachment.media_type[:127],
                            "attachment_size": len(attachment.content)} if attachment is not None else {}),
                        "duplicate": earlier is not None}, now)
        uow.commit()
        return receipt


def public_document(uow: UnitOfWork, procedure_id: int, sha256: str) -> tuple[str, bytes]:
    """A document the call published (draft, explanation, adoption statement): nothing else."""
    with uow.read():
        row = latest_call(uow, procedure_id)
        allowed = {row.draft_sha256, row.explanation_sha256, row.adoption_sha256} if row is not None else set()
        allowed |= set((_hearing(uow, procedure_id) or {}).get("documents", {}).values())
        stored = uow.session.get(Document, sha256) if sha256 in allowed - {None} else None
        if stored is None:
            raise DocumentNotFound(sha256=sha256)
        return stored.media_type, unaltered_bytes(uow, stored, procedure_id)


def latest_call(uow: UnitOfWork, procedure_id: int) -> Consultation | None:
    """The procedure's latest call, inside the caller's unit of work (also the opinion desk's, opinions.py)."""
    return uow.session.scalars(select(Consultation).where(Consultation.procedure_id == procedure_id)
                               .order_by(Consultation.id.desc()).limit(1)).first()


def receipt(uow: UnitOfWork, number: str) -> ReceiptView:
    """Look an opinion up by its receipt number, as the citizen who sent it would (issue 22 item 7)."""
    wanted = number.strip().upper()
    with uow.read():
        row = uow.session.execute(select(Opinion, Consultation)
                                  .join(Consultation, Consultation.id == Opinion.consultation_id)
                                  .where(Opinion.receipt == wanted)).one_or_none() if wanted else None
        if row is None:
            raise ReceiptNotFound(receipt=number.strip()[:40])
        opinion, call = row
        published = call.adoption_published_at
        organisation = uow.session.scalar(select(Organisation.name).where(Organisation.code == call.sponsor_org))
        return ReceiptView(opinion.receipt, opinion.submitted_at, call.procedure_id, call.title,
                           organisation or call.sponsor_org, published,
                           opinion.hidden, opinion.hidden_reason if published else None,
                           opinion.duplicate_of is not None,
                           opinion.topic if published else None, opinion.adoption if published else None,
                           opinion.adoption_reason if published else None)


def _summary(uow: UnitOfWork, procedure_id: int) -> str:
    """What the call is about, in the sponsor's words: the proposal's summary (MD-9)."""
    for payload in uow.session.scalars(select(Event.payload).where(Event.procedure_id == procedure_id,
                                                                   Event.kind == "task_completed")
                                       .order_by(Event.seq)):
        if payload.get("step_kind") == "proposal":
            return str((payload.get("data") or {}).get("summary", ""))[:2000]
    return ""


def _hearing(uow: UnitOfWork, procedure_id: int) -> dict[str, Any] | None:
    """The hearing notice, selection method and participants, once the notice step is done (MD-16b, MD-16c)."""
    found = None
    for payload in uow.session.scalars(select(Event.payload).where(Event.procedure_id == procedure_id,
                                                                   Event.kind == "task_completed")
                                       .order_by(Event.seq)):
        if payload.get("step") == "hearing_notice":
            data = dict(payload.get("data") or {})
            documents = {k: v["sha256"] for k, v in data.items() if isinstance(v, dict) and "sha256" in v}
            found = {"data": {k: v for k, v in data.items() if k not in documents}, "documents": documents}
    return found


def _spend(uow: UnitOfWork, nonce: str, now: datetime, expires_at: datetime) -> None:
    """Record a challenge as answered; one answered before is refused. Rows past their expiry go first:
    their tokens are refused for age before they reach the engine. The primary key settles a race:
    of two transactions spending one nonce, the later fails on it."""
    digest = hashlib.sha256(nonce.encode("utf-8")).hexdigest()
    uow.session.execute(delete(UsedChallenge).where(UsedChallenge.expires_at < now))
    if uow.session.get(UsedChallenge, digest) is not None:
        raise ChallengeReused(field="answer")
    uow.session.add(UsedChallenge(nonce_sha256=digest, expires_at=expires_at))
    try:
        uow.session.flush()
    except IntegrityError as error:
        raise ChallengeReused(field="answer") from error


def store_document(uow: UnitOfWork, upload: Upload, now: datetime) -> str:
    """Keep a public attachment or the adoption statement once by its SHA-256, created by "public"."""
    sha = hashlib.sha256(upload.content).hexdigest()
    if uow.session.get(Document, sha) is None:
        sm3 = digest(upload.content, "sm3") if hash_alg(uow.settings.crypto_suite) == "sm3" else None
        uow.session.add(Document(sha256=sha, size=len(upload.content), media_type=upload.media_type[:127],
                                 content=upload.content, created_at=now, created_by="public", sm3=sm3))
        uow.session.flush()
    return sha


def _optional(value: str | None, limit: int, name: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise OpinionInvalid(field=name, problem=f"at most {limit} characters", problem_zh=f"最多 {limit} 个字符")
    return value


def _sha(value: Any) -> str | None:
    return str(value["sha256"]) if isinstance(value, dict) and "sha256" in value else None


def local_minute(moment: datetime) -> str:
    """A moment as the call states it: Beijing time, to the minute."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def _view(row: Consultation, org: str | None, now: datetime, count: int = 0,
          public: list[dict[str, Any]] | None = None) -> ConsultationView:
    return ConsultationView(row.procedure_id, row.title, org or row.sponsor_org, row.summary, row.opened_at,
                            row.closes_at, row.closed_at is None and now < row.closes_at, row.draft_sha256,
                            row.explanation_sha256, row.feedback_method, row.urgency_reason, row.adoption_sha256,
                            row.adoption_published_at, count, public or [])

"""Public participation: the calls citizens see, the opinions they send, and how each was handled.

The window is the engine's (MD-15b): a consultation opens when the sponsor's public-comment
step completes (projected here in the same transaction) and takes opinions until the end
of its last day, the moment the opening form fixed; a late opinion is refused with that
moment. Every opinion is kept — moderation hides abusive text from the public list, with
its reason in the procedure's history, and never deletes. Each opinion is also an event of
the procedure's chained history (receipt and content hash; names and contacts stay out of
the permanent chain). The sponsor sorts the opinions by topic, marks each adopted, partly
adopted or not adopted with a reason (MD-18), and publishes the adoption statement.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from engine import doctypes
from engine.clock import CST
from engine.content import unaltered_bytes
from engine.crypto_suite import digest, hash_alg
from engine.domain import known_facts
from engine.domain.actors import Actor
from engine.domain.errors import (
    AdoptionReasonMissing,
    ChallengeReused,
    ConsultationClosed,
    ConsultationNotFound,
    DocumentNotFound,
    OpinionForbidden,
    OpinionInvalid,
    ReceiptNotFound,
)
from engine.persistence.tables import Consultation, Document, Event, Opinion, Organisation, Procedure, UsedChallenge
from engine.persistence.uow import UnitOfWork
from engine.services import history, paging, progress
from engine.services.views import Upload
from engine.workdays import local_date

__all__ = ["closed", "get", "hide", "mark", "open_page", "opinions", "opinions_page", "public_document",
           "publish_statement", "receipt", "statement", "submit", "tallies"]

MAX_TEXT = 5000
ADOPTIONS = ("adopted", "partly_adopted", "not_adopted")
ADOPTION_ZH = {"adopted": "采纳", "partly_adopted": "部分采纳", "not_adopted": "未采纳"}
CHALLENGE_LIFETIME = timedelta(hours=2)
"""How long a spent challenge is remembered by default: at least as long as the token that carried it lives."""
HANDLERS = ("sponsor", "participation_organiser")
"""Who handles the opinions: the sponsoring unit, or the organiser it charged with participation."""


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
class OpinionView:
    id: int
    receipt: str
    submitted_at: datetime
    name: str | None
    contact: str | None
    text: str
    attachment_sha256: str | None
    duplicate_of: int | None
    hidden: bool
    hidden_reason: str | None
    topic: str | None
    adoption: str | None
    adoption_reason: str | None


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
        row = _latest(uow, procedure_id)
        if row is not None and row.closed_at is None:
            row.closed_at = now


def received(uow: UnitOfWork, procedure_id: int) -> tuple[known_facts.Received, ...]:
    """The opinions the portal took for the procedure's latest call, in the order received, with their
    marks: what the opinion summary states the count and handling of (MD-18). Inside the caller's unit
    of work; empty when the procedure never opened a call."""
    row = _latest(uow, procedure_id)
    if row is None:
        return ()
    return tuple(known_facts.Received(o.receipt, o.topic, o.adoption, o.hidden, o.duplicate_of is not None)
                 for o in uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                              .order_by(Opinion.id)))


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
        row = _latest(uow, procedure_id)
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
        row = _latest(uow, procedure_id)
        now = uow.clock.now()
        if row is None:
            raise ConsultationNotFound(procedure_id=procedure_id)
        if procedure.status != progress.RUNNING or row.closed_at is not None or now >= row.closes_at:
            raise ConsultationClosed(procedure_id=procedure_id, closes=_local(row.closes_at))
        if challenge is not None:
            _spend(uow, challenge, now, now + challenge_lifetime)
        digest = hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()
        earlier = uow.session.scalar(select(Opinion.id).where(Opinion.consultation_id == row.id,
                                                              Opinion.text_sha256 == digest).order_by(Opinion.id))
        attachment_sha = _store(uow, attachment, now) if attachment is not None else None
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


def opinions(uow: UnitOfWork, actor: Actor, procedure_id: int) -> list[OpinionView]:
    """Every opinion of the procedure's call, hidden ones included, for the unit that handles them."""
    with uow.read():
        row = _handled_by(uow, actor, procedure_id)
        return [_opinion(o) for o in uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                                         .order_by(Opinion.id))]


def opinions_page(uow: UnitOfWork, actor: Actor, procedure_id: int, after: str | None = None,
                  limit: int | None = None) -> paging.Page[OpinionView]:
    """One page of the call's opinions in the order they came (id), hidden ones included, after the cursor
    `after` (the last row's id), for the unit that handles them (issue 21): sought on the index
    (consultation_id, id) of migration 0017a, so a page costs its rows however many opinions came."""
    n = paging.size(limit)
    key = paging.decode(after, (int,))
    with uow.read():
        row = _handled_by(uow, actor, procedure_id)
        seek = [Opinion.id > key[0]] if key is not None else []
        rows = list(uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id, *seek)
                                        .order_by(Opinion.id).limit(n + 1)))
        more = len(rows) > n
        return paging.Page(tuple(_opinion(o) for o in rows[:n]), paging.encode(rows[n - 1].id) if more else None)


def tallies(uow: UnitOfWork, actor: Actor, procedure_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """(opinions by topic, by adoption) of the whole call, "" for none yet, counted in the database: the
    opinion desk's summary above a page of opinions."""
    with uow.read():
        row = _handled_by(uow, actor, procedure_id)
        counted = uow.session.execute(select(Opinion.topic, Opinion.adoption, func.count())
                                      .where(Opinion.consultation_id == row.id)
                                      .group_by(Opinion.topic, Opinion.adoption)).all()
    topics: Counter[str] = Counter()
    adoptions: Counter[str] = Counter()
    for topic, adoption, n in counted:
        topics[topic or ""] += n
        adoptions[adoption or ""] += n
    return dict(topics), dict(adoptions)


def mark(uow: UnitOfWork, actor: Actor, receipt: str, topic: str, adoption: str, reason: str | None) -> OpinionView:
    """Sort an opinion under a topic and record how it was handled; not (fully) adopted needs a reason.

    The mark is an event of the procedure's history too (`opinion_marked`), so verify can rebuild it."""
    topic, reason = (topic or "").strip(), (reason or "").strip() or None
    if not topic or len(topic) > 100:
        raise OpinionInvalid(field="topic", problem="1 to 100 characters are required",
                             problem_zh="意见类别须为 1 至 100 个字符")
    if adoption not in ADOPTIONS:
        raise OpinionInvalid(field="adoption", problem=f"one of {', '.join(ADOPTIONS)}",
                             problem_zh="须为 采纳、部分采纳 或 未采纳")
    if adoption != "adopted" and not reason:
        raise AdoptionReasonMissing(topic=topic, field="adoption_reason")
    with uow:
        opinion = _opinion_row(uow, receipt)
        _handled_by(uow, actor, opinion.procedure_id)
        procedure = uow.lock_procedure(opinion.procedure_id)
        now = uow.clock.now()
        opinion.topic, opinion.adoption, opinion.adoption_reason = topic, adoption, reason
        opinion.marked_by, opinion.marked_at = actor.username, now
        procedure.version += 1
        history.append(uow, procedure, "opinion_marked", actor.username, None,
                       {"receipt": receipt, "topic": topic, "adoption": adoption, "reason": reason,
                        "by": actor.as_payload()}, now)
        view = _opinion(opinion)
        uow.commit()
        return view


def hide(uow: UnitOfWork, actor: Actor, receipt: str, reason: str) -> OpinionView:
    """Hide an abusive opinion from the public list: kept, and the reason goes into the history."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise OpinionInvalid(field="reason", problem="a reason of 1 to 500 characters is required",
                             problem_zh="须说明理由（1 至 500 个字符）")
    with uow:
        opinion = _opinion_row(uow, receipt)
        _handled_by(uow, actor, opinion.procedure_id)
        procedure = uow.lock_procedure(opinion.procedure_id)
        now = uow.clock.now()
        opinion.hidden, opinion.hidden_reason = True, reason
        procedure.version += 1
        history.append(uow, procedure, "opinion_hidden", actor.username, None,
                       {"receipt": receipt, "reason": reason, "by": actor.as_payload()}, now)
        view = _opinion(opinion)
        uow.commit()
        return view


def statement(uow: UnitOfWork, actor: Actor, procedure_id: int) -> bytes:
    """The adoption statement (意见采纳情况说明) as an HTML document, from the marked opinions."""
    with uow.read():
        row = _handled_by(uow, actor, procedure_id)
        marked = list(uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                          .order_by(Opinion.topic, Opinion.id)))
        return _statement_html(row, marked)


def publish_statement(uow: UnitOfWork, actor: Actor, procedure_id: int) -> str:
    """Store the statement as a document, show it on the public page, record it; returns its SHA-256.

    Every opinion must be marked first (MD-18): an unmarked one is refused by receipt."""
    with uow:
        row = _handled_by(uow, actor, procedure_id)
        procedure = uow.lock_procedure(procedure_id)
        marked = list(uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                          .order_by(Opinion.topic, Opinion.id)))
        unmarked = [o.receipt for o in marked if o.adoption is None and o.duplicate_of is None and not o.hidden]
        if unmarked:
            raise OpinionInvalid(field="adoption", problem=f"opinion {unmarked[0]} is not marked yet",
                                 problem_zh=f"意见 {unmarked[0]} 尚未标注采纳情况")
        now = uow.clock.now()
        content = _statement_html(row, marked)
        sha = _store(uow, Upload("意见采纳情况说明.html", "text/html", content), now)
        row.adoption_sha256, row.adoption_published_at = sha, now
        procedure.version += 1
        history.append(uow, procedure, "adoption_published", actor.username, None,
                       {"sha256": sha, "filename": "意见采纳情况说明.html", "size": len(content),
                        "opinions": len(marked), "by": actor.as_payload()}, now)
        uow.commit()
        return sha


def public_document(uow: UnitOfWork, procedure_id: int, sha256: str) -> tuple[str, bytes]:
    """A document the call published (draft, explanation, adoption statement): nothing else."""
    with uow.read():
        row = _latest(uow, procedure_id)
        allowed = {row.draft_sha256, row.explanation_sha256, row.adoption_sha256} if row is not None else set()
        allowed |= set((_hearing(uow, procedure_id) or {}).get("documents", {}).values())
        stored = uow.session.get(Document, sha256) if sha256 in allowed - {None} else None
        if stored is None:
            raise DocumentNotFound(sha256=sha256)
        return stored.media_type, unaltered_bytes(uow, stored, procedure_id)


def _handled_by(uow: UnitOfWork, actor: Actor, procedure_id: int) -> Consultation:
    row = _latest(uow, procedure_id)
    if row is None:
        raise ConsultationNotFound(procedure_id=procedure_id)
    if actor.org != row.sponsor_org or not any(actor.holds(r) for r in HANDLERS):
        raise OpinionForbidden(username=actor.username, procedure_id=procedure_id)
    return row


def _latest(uow: UnitOfWork, procedure_id: int) -> Consultation | None:
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


def _opinion_row(uow: UnitOfWork, receipt: str) -> Opinion:
    opinion = uow.session.scalars(select(Opinion).where(Opinion.receipt == receipt)).one_or_none()
    if opinion is None:
        raise OpinionInvalid(field="receipt", problem=f"no opinion {receipt}", problem_zh=f"不存在回执号 {receipt}")
    return opinion


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


def _store(uow: UnitOfWork, upload: Upload, now: datetime) -> str:
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


def _local(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def _view(row: Consultation, org: str | None, now: datetime, count: int = 0,
          public: list[dict[str, Any]] | None = None) -> ConsultationView:
    return ConsultationView(row.procedure_id, row.title, org or row.sponsor_org, row.summary, row.opened_at,
                            row.closes_at, row.closed_at is None and now < row.closes_at, row.draft_sha256,
                            row.explanation_sha256, row.feedback_method, row.urgency_reason, row.adoption_sha256,
                            row.adoption_published_at, count, public or [])


def _opinion(o: Opinion) -> OpinionView:
    return OpinionView(o.id, o.receipt, o.submitted_at, o.name, o.contact, o.text, o.attachment_sha256,
                       o.duplicate_of, o.hidden, o.hidden_reason, o.topic, o.adoption, o.adoption_reason)


def _statement_html(row: Consultation, opinions: list[Opinion]) -> bytes:
    """Deterministic HTML: the same marks always give the same document (and SHA-256)."""
    counts = Counter(o.adoption for o in opinions if o.duplicate_of is None)
    lines = [f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>意见采纳情况说明</title></head>"
             f"<body><h1>关于《{escape(row.title)}》公开征求意见采纳情况的说明</h1>",
             f"<p>征求意见期：{_local(row.opened_at)} 至 {_local(row.closes_at)}。共收到意见 {len(opinions)} 条"
             f"（重复 {sum(o.duplicate_of is not None for o in opinions)} 条），其中采纳 {counts['adopted']} 条、"
             f"部分采纳 {counts['partly_adopted']} 条、未采纳 {counts['not_adopted']} 条。</p>",
             "<table border=\"1\"><tr><th>回执号</th><th>类别</th><th>意见摘要</th><th>采纳情况</th><th>理由</th></tr>"]
    for o in opinions:
        if o.duplicate_of is not None:
            continue
        text = "（已隐去：" + escape(o.hidden_reason or "") + "）" if o.hidden else escape(o.text[:300])
        lines.append(f"<tr><td>{o.receipt}</td><td>{escape(o.topic or '')}</td><td>{text}</td>"
                     f"<td>{ADOPTION_ZH.get(o.adoption or '', '')}</td><td>{escape(o.adoption_reason or '')}</td></tr>")
    lines.append("</table></body></html>")
    return "\n".join(lines).encode("utf-8")

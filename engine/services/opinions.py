"""The sponsor's handling of the opinions a public call took: sorted by topic, marked adopted, partly adopted
or not adopted with a reason (MD-18), hidden when abusive, and stated in the adoption statement.

These are the doors of the unit that handles the opinions (the sponsor, or the organiser it charged with
participation); the public's side of the call (open, read, send an opinion, look a receipt up) is
engine/services/consultation.py. Every mark, every hiding and the statement's publication is an event of
the procedure's chained history, so verify rebuilds them; nothing is ever deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, select

from engine.domain import known_facts
from engine.domain.actors import Actor
from engine.domain.errors import AdoptionReasonMissing, ConsultationNotFound, OpinionForbidden, OpinionInvalid
from engine.persistence.tables import Consultation, Opinion
from engine.persistence.uow import UnitOfWork
from engine.services import history, paging
from engine.services.consultation import latest_call, local_minute, store_document
from engine.services.views import Upload

__all__ = ["hide", "mark", "opinions", "opinions_page", "publish_statement", "statement", "tallies"]

ADOPTIONS = ("adopted", "partly_adopted", "not_adopted")
ADOPTION_ZH = {"adopted": "采纳", "partly_adopted": "部分采纳", "not_adopted": "未采纳"}
HANDLERS = ("sponsor", "participation_organiser")
"""Who handles the opinions: the sponsoring unit, or the organiser it charged with participation."""

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


def received(uow: UnitOfWork, procedure_id: int) -> tuple[known_facts.Received, ...]:
    """The opinions the portal took for the procedure's latest call, in the order received, with their
    marks: what the opinion summary states the count and handling of (MD-18). Inside the caller's unit
    of work; empty when the procedure never opened a call."""
    row = latest_call(uow, procedure_id)
    if row is None:
        return ()
    return tuple(known_facts.Received(o.receipt, o.topic, o.adoption, o.hidden, o.duplicate_of is not None)
                 for o in uow.session.scalars(select(Opinion).where(Opinion.consultation_id == row.id)
                                              .order_by(Opinion.id)))


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
        sha = store_document(uow, Upload("意见采纳情况说明.html", "text/html", content), now)
        row.adoption_sha256, row.adoption_published_at = sha, now
        procedure.version += 1
        history.append(uow, procedure, "adoption_published", actor.username, None,
                       {"sha256": sha, "filename": "意见采纳情况说明.html", "size": len(content),
                        "opinions": len(marked), "by": actor.as_payload()}, now)
        uow.commit()
        return sha


def _handled_by(uow: UnitOfWork, actor: Actor, procedure_id: int) -> Consultation:
    row = latest_call(uow, procedure_id)
    if row is None:
        raise ConsultationNotFound(procedure_id=procedure_id)
    if actor.org != row.sponsor_org or not any(actor.holds(r) for r in HANDLERS):
        raise OpinionForbidden(username=actor.username, procedure_id=procedure_id)
    return row


def _opinion_row(uow: UnitOfWork, receipt: str) -> Opinion:
    opinion = uow.session.scalars(select(Opinion).where(Opinion.receipt == receipt)).one_or_none()
    if opinion is None:
        raise OpinionInvalid(field="receipt", problem=f"no opinion {receipt}", problem_zh=f"不存在回执号 {receipt}")
    return opinion


def _opinion(o: Opinion) -> OpinionView:
    return OpinionView(o.id, o.receipt, o.submitted_at, o.name, o.contact, o.text, o.attachment_sha256,
                       o.duplicate_of, o.hidden, o.hidden_reason, o.topic, o.adoption, o.adoption_reason)


def _statement_html(row: Consultation, opinions: list[Opinion]) -> bytes:
    """Deterministic HTML: the same marks always give the same document (and SHA-256)."""
    counts = Counter(o.adoption for o in opinions if o.duplicate_of is None)
    lines = [f"<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>意见采纳情况说明</title></head>"
             f"<body><h1>关于《{escape(row.title)}》公开征求意见采纳情况的说明</h1>",
             f"<p>征求意见期：{local_minute(row.opened_at)} 至 {local_minute(row.closes_at)}。"
             f"共收到意见 {len(opinions)} 条"
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

"""The public consultation portal (公开征求意见): no login.

Open calls with their days left, each call's draft and explanation, a form to send an
opinion (name and contact optional, an attachment of a document type the engine reads from its
content; each question answered once) answered with a receipt number, the
hearing notice once published, and, after closing, how the opinions were handled. The
window is the engine's: a late opinion is refused with the rule and the closing time.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext

from engine import deadlines, doctypes
from engine.domain.errors import DomainError, OpinionInvalid
from engine.services.views import Upload
from webapp import challenge
from webapp.downloads import download, suffix
from webapp.errors import status_of
from webapp.i18n import refusal
from webapp.pages.common import args_without, engine, per_page, today

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index() -> Any:
    """The open calls a keyset page at a time (下一页 carries the cursor), and the 20 latest closed calls."""
    day, after = today(), request.args.get("after") or None
    found = engine().consultation.open_page(after, per_page())
    calls = [(c, (deadlines.last_day(c.closes_at) - day).days) for c in found.items]
    query = args_without("after")
    return render_template("public/index.html", calls=calls, closed=engine().consultation.closed(limit=20),
                           next=found.next, query=query, paged=bool(after))


@bp.get("/consultations/<id:procedure_id>")
def consultation(procedure_id: int) -> Any:
    return _page(procedure_id, {}, None)


@bp.post("/consultations/<id:procedure_id>")
def submit(procedure_id: int) -> Any:
    form = request.form
    secret = current_app.config["SECRET_KEY"]
    upload = request.files.get("attachment")
    try:
        nonce = challenge.check(secret, form.get("challenge_token", ""), form.get("answer", ""))
        if nonce is None:
            raise OpinionInvalid(field="answer", problem="the answer to the question is wrong or expired",
                                 problem_zh="验证问题回答错误或已过期，请重新作答")
        document = (Upload(upload.filename or "attachment", upload.mimetype or "application/octet-stream",
                           upload.read()) if upload is not None and upload.filename else None)
        receipt = engine().consultation.submit(procedure_id, form.get("text", ""), form.get("name"),
                                               form.get("contact"), document,
                                               challenge.client_hash(secret, request.remote_addr or ""),
                                               challenge=nonce, challenge_lifetime=challenge.LIFETIME)
    except DomainError as refused:
        if status_of(refused) == 404:
            raise
        return _page(procedure_id, form, refusal(refused)), status_of(refused)
    return render_template("public/receipt.html", view=engine().consultation.receipt(receipt)), 201


@bp.get("/receipts")
def lookup() -> Any:
    """A citizen looks an opinion up by its receipt number: when it arrived and how it was handled."""
    number = request.args.get("number", "").strip()
    if not number:
        return render_template("public/lookup.html", number="", view=None, error=None)
    try:
        view = engine().consultation.receipt(number)
    except DomainError as refused:
        return render_template("public/lookup.html", number=number[:40], view=None, error=refusal(refused)), \
            status_of(refused)
    return render_template("public/lookup.html", number=view.receipt, view=view, error=None)


@bp.get("/consultations/<id:procedure_id>/documents/<sha256>")
def document(procedure_id: int, sha256: str) -> Response:
    media, content = engine().consultation.public_document(procedure_id, sha256)
    return download(content, f"{sha256[:12]}{suffix(media)}", sha256)


@bp.get("/normative-documents")
def registry() -> Any:
    """The registry of normative documents: number, title, validity and status, for everyone (ND-6, ND-8), and
    the published clean-ups with their lists (ND-9). Each is a keyset page (issue 21): the documents continue
    after `after`, the clean-ups after `cleanups_after`, each link keeping the other's place."""
    decisions = {"continue": gettext("continuing"), "amend": gettext("to be amended"),
                 "repeal": gettext("repealed"), "lapsed": gettext("lapsed")}
    entries = engine().registry.entries_page(request.args.get("after"), per_page())
    cleanups = engine().registry.cleanups_page(request.args.get("cleanups_after"), per_page(), "cleanups_after")
    return render_template("public/registry.html", entries=entries, cleanups=cleanups, decisions=decisions,
                           query=args_without("after"), paged=bool(request.args.get("after")),
                           cleanups_query=args_without("cleanups_after"))


@bp.get("/normative-documents/<id:procedure_id>/<sha256>")
def registry_document(procedure_id: int, sha256: str) -> Response:
    media, content = engine().registry.document(procedure_id, sha256)
    return download(content, f"{sha256[:12]}{suffix(media)}", sha256)


@bp.get("/checkpoints")
def checkpoints() -> Any:
    """The signed checkpoints of every chain head (DF-CHECKPOINT), for anyone to fetch and keep; the files
    themselves come from the API (/api/v1/checkpoints/<seq>), byte for byte. A keyset page, newest first,
    continued after `after` (issue 21)."""
    return render_template("public/checkpoints.html",
                           checkpoints=engine().checkpoints.listing_page(request.args.get("after"), per_page()),
                           keys=engine().checkpoints.keys(), query=args_without("after"),
                           paged=bool(request.args.get("after")))


def _page(procedure_id: int, values: Any, error: dict[str, Any] | None) -> str:
    call = engine().consultation.get(procedure_id)
    question, token = challenge.issue(current_app.config["SECRET_KEY"])
    days_left = (deadlines.last_day(call.closes_at) - today()).days
    return render_template("public/consultation.html", call=call, values=values, error=error, question=question,
                           token=token, days_left=days_left, accept=doctypes.accept_attribute())

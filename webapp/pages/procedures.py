"""Sponsors' pages: my procedures, starting one from the catalogue, a procedure's record.

The record page is open to whoever the engine's DF-VIEW rule admits; withdrawing is the
decision organ's, and the engine decides both.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from engine.domain import materials, stages
from engine.domain.errors import Conflict, DomainError, Refused, StartInvalid
from engine.domain.rulebook import RULES
from engine.services import cleanup
from webapp import schema_form
from webapp.auth import actor, requires
from webapp.downloads import download
from webapp.errors import status_of
from webapp.i18n import is_english, refusal
from webapp.pages.common import args_without, engine, per_page, today
from webapp.progress_text import blockers, due

bp = Blueprint("procedures", __name__, url_prefix="/procedures")
START_KEYS = ("major_decision", "decision_execution", "enforcement_review", "normative_document", "reconsideration")
"""Definitions a sponsor starts: a major decision, the execution phase of a published one, and the
legal review of a major enforcement decision (the enforcement unit's sponsor submits it, ER-2)."""


@bp.get("/mine")
@requires("sponsor")
def mine() -> Any:
    """The unit's procedures, newest first, a keyset page at a time (`after`, `per_page`; issue 21)."""
    me = actor()
    status = request.args.get("status") or None
    after = request.args.get("after") or None
    _, found = engine().procedures.search_page(sponsor_org=me.org, status=status, limit=per_page(), after=after)
    day = today()
    rows = [(v, blockers(v, day)) for v in found.items]
    return render_template("pages/mine.html", rows=rows, next=found.next,
                           query=args_without("after"), paged=bool(after))


@bp.route("/new", methods=["GET", "POST"])
@requires("sponsor")
def new() -> Any:
    me = actor()
    items = engine().catalogue.items(today().year, sponsor_org=me.org, status="published")
    deployed = {d.key for d in engine().definitions.list_all()}
    keys = [k for k in START_KEYS if k in deployed]
    decided = [v for v in engine().procedures.search(status="completed", limit=200)[1]
               if v.definition_key == "major_decision"]
    values = {name: request.form.get(name, "") for name in ("key", "title", "catalogue_item", "decision")}
    values["key"] = values["key"] or (keys[0] if keys else "")
    if request.method == "GET":
        return render_template("pages/new.html", items=items, keys=keys, decided=decided, values=values, error=None)
    try:
        title, facts = _start_facts(values, items, decided)
        if values["key"] not in keys:
            raise StartInvalid(field="key", problem=f"{values['key']} cannot be started here",
                                   problem_zh="该类程序不能在此启动")
        view = engine().procedures.start(values["key"], title, me.org, me, facts)
    except DomainError as refused:
        return render_template("pages/new.html", items=items, keys=keys, decided=decided, values=values,
                               error=refusal(refused)), status_of(refused)
    return redirect(url_for("procedures.show", procedure_id=view.id))


@bp.post("/cleanup")
@requires(cleanup.ORGANISER_ROLE)
def start_cleanup() -> Any:
    """A special clean-up of normative documents (专项清理, ND-9), started by the legality review office;
    the periodic one is started by the worker once a year."""
    try:
        view = engine().cleanup.start_special(actor(), request.form.get("title", ""))
    except DomainError as refused:
        error = refusal(refused)
        flash(f"{error['message']}（{error['rule']}）", "error")
        return redirect(url_for("home.reviews")), 303
    return redirect(url_for("procedures.show", procedure_id=view.id)), 303


def _start_facts(values: dict[str, str], items: list[Any], decided: list[Any]) -> tuple[str, dict[str, Any]]:
    """The title and the start facts: the catalogue item of a decision, or the decision an execution carries out."""
    title = values["title"].strip()
    if values["key"] == "decision_execution":
        decision = next((v for v in decided if str(v.id) == values["decision"]), None)
        return (title or (f"{decision.title}（执行）" if decision else ""),
                {"decision_procedure": decision.id} if decision else {})
    chosen = next((i for i in items if i.code == values["catalogue_item"]), None)
    return title or (chosen.title if chosen else ""), ({"catalogue_item": chosen.code} if chosen else {})


@bp.get("/<id:procedure_id>")
@login_required
def show(procedure_id: int) -> Any:
    return _procedure_page(procedure_id)


@bp.get("/<id:procedure_id>/documents/<sha256>")
@login_required
def document(procedure_id: int, sha256: str) -> Response:
    """The bytes as stored, as an attachment, never rendered inline (no stored XSS)."""
    doc = engine().record.document(actor(), procedure_id, sha256)
    return download(doc.content, doc.filename, doc.sha256)


@bp.post("/<id:procedure_id>/withdraw")
@requires("decision_organ")
def withdraw(procedure_id: int) -> Any:
    try:
        engine().procedures.withdraw(procedure_id, actor(), request.form.get("reason", ""))
    except (Refused, Conflict) as refused:  # NotFound and Forbidden go to the error pages
        return _procedure_page(procedure_id, withdraw_error=refusal(refused)), status_of(refused)
    return redirect(url_for("procedures.show", procedure_id=procedure_id))


def _procedure_page(procedure_id: int, **extra: Any) -> str:
    """The record page, through the engine's DF-VIEW check."""
    me = actor()
    record = engine().record.procedure(me, procedure_id)
    day = today()
    open_items = [(i, due(i, day), _may_do(i, me)) for i in record.procedure.open_items]
    return render_template("pages/procedure.html", record=record, steps=step_displays(record),
                           blockers=blockers(record.procedure, day), open_items=open_items, stages=stage_board(record),
                           migrations=stages.migrations(record.events),
                           may_withdraw=me.holds("decision_organ") and record.procedure.status == "running",
                           **extra)


def step_displays(record: Any) -> list[tuple[Any, list[Any]]]:
    """Each completed step with its data as labelled rows, read-only."""
    result = []
    for step in record.steps:
        schema = record.forms.get(step.form or "", {})
        result.append((step, schema_form.display(schema, step.data)))
    return result


def stage_board(record: Any) -> list[dict[str, Any]]:
    """The statute's stages as rows a page prints (engine.domain.stages), labels in the user's language."""
    english = is_english()
    open_kinds = {item.step_kind for item in record.procedure.open_items}
    rows = []
    for row in stages.board(record.procedure.definition_key, stages.counted(record.steps, record.events), open_kinds):
        rule = RULES[row.stage.rule]
        decided = None
        if row.decided is not None:
            prop = record.forms.get(row.decided.form or "", {}).get("properties", {}).get(row.decided.field, {})
            decided = {"label": prop.get("title") or row.decided.field, "value": _fact(row.decided.value),
                       "step": row.decided.step_title, "by": row.decided.by, "at": row.decided.at}
        rows.append({"key": row.stage.key, "name": row.stage.en if english else row.stage.zh, "state": row.state,
                     "rule": rule.id, "article": rule.article, "decided": decided, "steps": row.steps,
                     "documents": row.documents})
    return rows


def _fact(value: Any) -> str:
    """A deciding fact as an office reads it: 是/否, the entries of a list, the value."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return "、".join(str(v.get("name") or v.get("unit") or v) if isinstance(v, dict) else str(v) for v in value) \
            or gettext("none")
    return gettext("none") if value is None or value == "" else str(value)


def checklist(record: Any) -> list[dict[str, Any]]:
    """MD-26a's materials against the record (engine.domain.materials), labelled in the user's language."""
    english = is_english()
    return [{"label": row.material.en if english else row.material.zh, "rule": row.material.rule,
             "state": row.state, "value": row.value} for row in materials.checklist(record.steps)]


def _may_do(item: Any, me: Any) -> bool:
    return me.holds(item.role) and (item.org is None or item.org == me.org) and item.assignee in (None, me.username)


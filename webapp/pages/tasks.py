"""A step's page: the procedure so far, and the step's form rendered from its JSON Schema.

GET shows the form to a user the engine lets do the step; POST parses the multipart form
into data and documents and first shows a confirmation page (a completed step cannot be
taken back); only its 确认提交 (`_confirm`) calls `tasks.complete`, once. A refusal re-renders the
form with what was typed and the engine's message next to the field it names; the
engine has changed nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import login_required

from engine.domain import materials
from engine.domain.errors import Conflict, DomainError, FormInvalid
from webapp import pending_uploads, schema_form
from webapp.auth import actor
from webapp.downloads import download
from webapp.errors import status_of
from webapp.i18n import lang, refusal
from webapp.pages.common import engine, today
from webapp.pages.procedures import checklist, step_displays
from webapp.progress_text import blockers, due

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _done_already(refused: Conflict) -> Any:
    """A step done already (Back after a submit, a second tab): say so and show where it is recorded, instead
    of a conflict page that blames someone else and names the step by its key (issue 22 item 7). Other
    conflicts keep their page."""
    if refused.rule != "MD-33b" or not {"step", "procedure"} <= set(refused.context):
        raise refused
    flash(gettext("“%(step)s” is done already; this is where it is recorded.", step=refused.context["step"]),
          "info")
    return redirect(url_for("procedures.show", procedure_id=refused.context["procedure"], _anchor="steps"))


@bp.get("/<task_id>")
@login_required
def show(task_id: str) -> Any:
    try:
        item = engine().tasks.item(task_id, actor())
    except Conflict as refused:
        return _done_already(refused)
    draft = engine().drafts.load(actor(), task_id)
    return _render(item, draft.data if draft else {}, {}, None, draft=draft)


@bp.post("/<task_id>")
@login_required
def complete(task_id: str) -> Any:
    me = actor()
    try:
        item = engine().tasks.item(task_id, me)
    except Conflict as refused:  # the confirmation sent again after the step was recorded
        return _done_already(refused)
    record = engine().record.procedure(me, item.procedure_id)
    schema = _schema(record, item.spec)
    data, uploads = schema_form.parse(schema, request.form, request.files)
    if request.form.get("_review") == "1" or request.form.get("_action") == "more_rows":
        return _render(item, data, {}, None, record)  # kept input (auth.keep_input) or more rows: nothing is done
    if request.form.get("_action") == "draft":  # 暂存: kept for this user, not part of the record
        engine().drafts.save(me, task_id, {k: v for k, v in data.items() if k not in uploads})
        flash(gettext("Draft saved. It is not part of the record until you submit the step; attached files "
                      "are not kept in a draft."), "success")
        return redirect(url_for("tasks.show", task_id=task_id))
    if request.form.get("_confirm") != "1":  # an irreversible submit: first the summary, 确认提交 / 返回修改
        return _confirmation(item, record, schema, data, pending_uploads.hold(task_id, uploads))
    uploads = {**pending_uploads.take(task_id), **uploads}
    try:
        version = int(request.form.get("_version", ""))
    except ValueError:
        version = None
    try:
        engine().tasks.complete(task_id, me, data, uploads, procedure_id=item.procedure_id,
                                expected_version=version)
    except DomainError as refused:
        if status_of(refused) == 404:
            raise
        shown = _top(refused, schema)
        return _render(item, data, _field_errors(refused, schema), shown, record), status_of(refused)
    engine().drafts.discard(me, task_id)
    flash(gettext("“%(step)s” is done and recorded.", step=item.title), "success")
    return redirect(url_for("procedures.show", procedure_id=item.procedure_id))


@bp.post("/<task_id>/documents/<kind>.<fmt>")
@login_required
def document(task_id: str, kind: str, fmt: str) -> Any:
    """The step's official document, generated from the record and the user's draft (a POST: its
    generation is logged with the file's hash)."""
    made = engine().official.generate(actor(), task_id, kind, fmt)
    return download(made.content, made.filename, made.sha256, made.media_type)


@bp.post("/<task_id>/claim")
@login_required
def claim(task_id: str) -> Any:
    item = engine().tasks.claim(task_id, actor())
    flash(gettext("You have claimed “%(step)s”.", step=item.title), "success")
    return redirect(url_for("tasks.show", task_id=task_id))


def _render(item: Any, values: dict[str, Any], errors: dict[str, str], error: dict[str, Any] | None,
            record: Any = None, draft: Any = None) -> Any:
    record = record or engine().record.procedure(actor(), item.procedure_id)
    schema = _schema(record, item.spec)
    fields = schema_form.fields(schema, values or _prefilled(item), errors)
    day = today()
    return render_template("pages/task.html", item=item, record=record, schema=schema, fields=fields,
                           error=error, due=due(item, day), blockers=blockers(record.procedure, day),
                           documents_offered=engine().official.offered(actor(), item.task_id),
                           steps=step_displays(record), draft=draft,
                           checklist=checklist(record) if item.step_kind in materials.CHECKLIST_STEP_KINDS else None)


def _confirmation(item: Any, record: Any, schema: dict[str, Any], data: dict[str, Any],
                  uploads: dict[str, Any]) -> Any:
    """What the step will record, each field by its title, with the posted form carried in hidden inputs:
    确认提交 posts it again with `_confirm`, 返回修改 with `_review` (the form, refilled); files wait in
    pending_uploads, since a page cannot re-post a file."""
    carried = [(name, value) for name, values in request.form.lists() for value in values
               if name == "_version" or (not name.startswith("_") and name not in schema_form.FRAMEWORK_FIELDS)]
    files = [(field_title(schema, name), upload.filename) for name, upload in uploads.items()]
    return render_template("pages/task_confirm.html", item=item, record=record, carried=carried, files=files,
                           shown=schema_form.display(schema, data))


def _prefilled(item: Any) -> dict[str, Any]:
    """The rows the engine knows (engine/domain/known_facts.py): the hearing's listed participants (MD-16d,
    MD-17), a clean-up's documents in scope (ND-9); the form confirms them, never drops one."""
    return engine().tasks.known(item.task_id, actor())


def _schema(record: Any, spec: str) -> dict[str, Any]:
    return record.forms.get(record.task_forms.get(spec, ""), {"type": "object", "properties": {}})


def field_title(schema: dict[str, Any], path: str) -> str:
    """A field's Chinese title from the form schema, never its key: `views.0.member` → 发言 第1行 成员."""
    words = [gettext("row %(number)s", number=p) if isinstance(p, int) else p
             for p in schema_form.titles_of(schema, path)]
    return " ".join(words) or gettext("the form")


def _top(refused: DomainError, schema: dict[str, Any]) -> dict[str, Any]:
    """The message above the form: a schema refusal lists every problem by field title (each is also shown
    beside its field); any other refusal is the engine's one message, naming its field by title."""
    if isinstance(refused, FormInvalid) and refused.context.get("errors"):
        key = "problem" if lang() == "en" else "problem_zh"
        problems = [f"{field_title(schema, str(e.get('field')))}：{e.get(key) or e.get('problem')}"
                    for e in refused.context["errors"]]  # type: ignore[union-attr]
        shown = refusal(refused)
        shown.update(message=gettext("The form has %(count)s problem(s); each is shown beside its field.",
                                     count=len(problems)), problems=problems)
        return shown
    if refused.field is None:
        return refusal(refused)
    return {**refusal(_named(refused, schema)), "field": refused.field}


def _named(refused: DomainError, schema: dict[str, Any]) -> DomainError:
    """The refusal with its field named by title, for showing; the engine's own error is left as it was."""
    return type(refused)(**{**refused.context, "field": field_title(schema, refused.field or "(form)")})


def _field_errors(refused: DomainError, schema: dict[str, Any]) -> dict[str, str]:
    """Every field a refusal names, with its message in the user's language."""
    errors: dict[str, str] = {}
    if isinstance(refused, FormInvalid):
        key = "problem" if lang() == "en" else "problem_zh"
        for entry in refused.context.get("errors") or []:  # type: ignore[union-attr]
            errors.setdefault(str(entry.get("field")), str(entry.get(key) or entry.get("problem")))
    if refused.field:
        errors.setdefault(refused.field, _named(refused, schema).message(lang()))
    return errors

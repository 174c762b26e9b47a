"""A step's JSON Schema form as server-rendered HTML fields, and a posted form back to step data.

Rendering and parsing only: the engine validates (invariant 2), so the parser never judges.
It omits what was left empty and passes through what it cannot read (a non-number in a
number field, a name the form does not have), so the validator's refusal names the field
instead of the web layer guessing. Pages work without JavaScript: rows of a table field are
blank rows the user may fill, and a yes/no field is a select so "no" differs from "not given".

Field names are dotted paths (`views.0.member`), the same paths the validator's refusals
name, so an error finds its field. Chinese comes only from the schemas (titles, x-labels);
the macros in `templates/macros/form.html` translate every word they add.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from engine import doctypes
from engine.services.tasks import Upload

__all__ = ["Field", "Shown", "conditions", "display", "fields", "parse", "titles_of", "unplaced",
           "widget_of"]

SHORT_TEXT = 200  # up to this maxLength a string is one line; longer (or unbounded) is a textarea
FRAMEWORK_FIELDS = frozenset({"csrf_token"})  # and every name starting with "_"
OCTET_STREAM = "application/octet-stream"
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
_MISSING = object()


@dataclass(frozen=True)
class Field:
    """One input of a step form. `children` holds the rows of a "rows" field, each a tuple of sub-fields."""

    name: str
    key: str
    label: str
    description: str | None
    widget: str
    required: bool = False
    value: Any = None
    options: tuple[tuple[str, str], ...] = ()
    min: int | None = None
    max: int | None = None
    maxlength: int | None = None
    children: tuple[tuple[Field, ...], ...] = ()
    error: str | None = None
    accept: str | None = None  # a file input's allowed endings and media types (x-accept, or the default list)
    types: tuple[str, ...] = ()  # the same, as people name them (PDF, OFD, …), shown beside the input
    required_when: str | None = None  # the condition (in the form's words) under which the field is required

    @property
    def id(self) -> str:
        """An HTML id from the dotted name: `views.0.member` → `f-views-0-member`."""
        return "f-" + _UNSAFE_ID.sub("-", self.name)

    @property
    def text(self) -> str:
        """The value as an input shows it; a "lines" list one item per line."""
        if self.value is None:
            return ""
        if isinstance(self.value, list):
            return "\n".join(str(item) for item in self.value)
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)

    @property
    def chosen(self) -> frozenset[str]:
        """The checked values of a "checkboxes" field."""
        return frozenset(str(v) for v in self.value) if isinstance(self.value, list) else frozenset()

    @property
    def columns(self) -> tuple[Field, ...]:
        """The sub-fields of a "rows" field, for its table header (there is always at least one row)."""
        return self.children[0] if self.children else ()


@dataclass(frozen=True)
class Shown:
    """One line of a completed step, read-only. `kind` tells the template how to show `value`.

    text, longtext: a str · boolean: a bool (the template says yes/no in the page's language) ·
    list: a tuple of str · link: an http(s) URL · document: the filename, `detail` its full SHA-256 ·
    table: `columns` labels and `rows` of cells (Shown each) · empty: nothing given.
    """

    key: str
    label: str
    kind: str
    value: Any = None
    detail: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Shown, ...], ...] = ()


def widget_of(prop: Mapping[str, Any]) -> str:
    """The input a schema property gets; anything unforeseen is a text input, parsed as a string."""
    if prop.get("x-document"):
        return "file"
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
        if items.get("type") == "object":
            return "rows"
        return "checkboxes" if "enum" in items else "lines"
    if kind == "boolean":
        return "checkbox"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if "enum" in prop:
        return "select"
    if prop.get("format") == "date":
        return "date"
    if prop.get("format") == "uri":
        return "url"
    longest = prop.get("maxLength")
    return "text" if isinstance(longest, int) and longest <= SHORT_TEXT else "textarea"


def fields(schema: Mapping[str, Any], values: Mapping[str, Any] | None = None,
           errors: Mapping[str, str] | None = None, extra_rows: int = 2) -> list[Field]:
    """The form's fields in schema order, filled from `values`, with `errors` on the fields they concern.

    An error on a path without a field of its own (`views.3`, a row) goes to the nearest
    enclosing field; one that reaches no field at all (`(form)`) is left to `unplaced`.
    """
    values = values or {}
    required = set(schema.get("required") or ())
    when = conditions(schema)
    built = [replace(_field(key, key, prop, key in required, values.get(key), extra_rows),
                     required_when=when.get(key) if key not in required else None)
             for key, prop in _properties(schema).items()]
    by_name: dict[str, list[str]] = {}
    names = _names(built)
    for path, message in (errors or {}).items():
        target = _nearest(path, names)
        if target is not None:
            by_name.setdefault(target, []).append(message)
    return [_with_errors(f, {name: " ".join(messages) for name, messages in by_name.items()}) for f in built]


def conditions(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field → when it is required, in the form's words (issue 22 item 3): from the schema's
    `allOf: [{if: …, then: {required: […]}}]`, e.g. 建议来源为“部门或者下级人民政府提出”."""
    props = _properties(schema)
    found: dict[str, list[str]] = {}
    for clause in schema.get("allOf") or ():
        condition = _condition(props, clause.get("if") or {}) if isinstance(clause, Mapping) else None
        then = clause.get("then") if isinstance(clause, Mapping) else None
        if condition and isinstance(then, Mapping):
            for name in then.get("required") or ():
                found.setdefault(str(name), []).append(condition)
    return {name: "，或".join(dict.fromkeys(texts)) for name, texts in found.items()}


def _condition(props: Mapping[str, Mapping[str, Any]], test: Mapping[str, Any]) -> str | None:
    parts = []
    for name, rule in (test.get("properties") or {}).items():
        prop = props.get(name, {})
        title = str(prop.get("title") or name)
        labels = prop.get("x-labels") or {}
        if not isinstance(rule, Mapping):
            return None
        if rule.get("const") is True:
            parts.append(f"选择“{title}”")
        elif rule.get("const") is False:
            parts.append(f"未选择“{title}”")
        elif "const" in rule:
            parts.append(f"“{title}”为“{labels.get(rule['const'], rule['const'])}”")
        elif isinstance(rule.get("enum"), list):
            shown = "”或“".join(str(labels.get(v, v)) for v in rule["enum"])
            parts.append(f"“{title}”为“{shown}”")
        else:
            return None
    if not parts:
        named = [str(props.get(n, {}).get("title") or n) for n in test.get("required") or ()]
        parts = [f"填写“{t}”" for t in named]
    return "且".join(parts) or None


def unplaced(built: Iterable[Field], errors: Mapping[str, str]) -> dict[str, str]:
    """The errors no field shows (`(form)`, an unknown field's name): the page shows them above the form."""
    names = _names(built)
    return {path: message for path, message in errors.items() if _nearest(path, names) is None}


def parse(schema: Mapping[str, Any], form: Mapping[str, Any] | None,
          files: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Posted fields (a werkzeug MultiDict or a mapping of lists) → (step data, uploads by field name).

    Empty inputs are omitted, so a missing required field is refused by name. Names the form
    does not have pass through under their own name, so `additionalProperties: false` refuses
    them; framework fields (`csrf_token`, `_…`) are dropped. Uploads in rows are renamed with
    their row, since blank rows are skipped and the remaining rows renumbered.
    """
    posted = _Posted(form, files)
    data: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    for key, prop in _properties(schema).items():
        value = _parse_value(key, prop, posted, uploads)
        if value is not _MISSING:
            data[key] = value
    for name, strings in posted.unread().items():
        if name not in data and not name.startswith("_") and name not in FRAMEWORK_FIELDS:
            data[name] = strings[0] if len(strings) == 1 else strings
    for name, upload in posted.unread_files().items():
        uploads.setdefault(name, upload)  # the engine refuses a document the form does not have, by name
    return data, uploads


def display(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[Shown]:
    """A completed step's data for reading: schema order first, then keys the schema lacks, under their key."""
    props = _properties(schema)
    shown = [_shown(key, props[key], data[key]) for key in props if key in data]
    return shown + [_shown(key, {}, value) for key, value in data.items() if key not in props]


def titles_of(schema: Mapping[str, Any], path: str) -> list[str | int]:
    """A dotted path as people read it: the titles of its fields and its rows counted from 1.

    `views.0.member` → ["发言", 1, "成员"]; a name the schema lacks stays itself (a posted field the
    form does not have has no title), `(form)` gives []. The page puts the words around row numbers.
    """
    parts: list[str | int] = []
    props: Mapping[str, Mapping[str, Any]] = _properties(schema)
    for part in path.split("."):
        if part == "(form)":
            continue
        if part.isdigit():
            parts.append(int(part) + 1)
            continue
        prop = props.get(part)
        parts.append(str(prop.get("title") or part) if prop else part)
        items = prop.get("items") if prop and isinstance(prop.get("items"), Mapping) else {}
        props = _properties(items) if items else {}
    return parts


# --- building fields ---------------------------------------------------------------------------------------------


def _properties(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    props = schema.get("properties") or {}
    return {key: prop for key, prop in props.items() if isinstance(prop, Mapping)}


def _field(name: str, key: str, prop: Mapping[str, Any], required: bool, value: Any, extra_rows: int) -> Field:
    widget = widget_of(prop)
    items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
    choices = prop.get("enum") if widget == "select" else items.get("enum") if widget == "checkboxes" else None
    labels = {**(prop.get("x-labels") or {}), **(items.get("x-labels") or {})}
    return Field(
        name=name, key=key, label=str(prop.get("title") or key), description=prop.get("description"),
        widget=widget, required=required, value=None if widget == "file" else value,  # a browser never refills files
        options=tuple((str(v), str(labels.get(v, v))) for v in choices or ()),
        min=prop.get("minimum") if widget in ("integer", "number") else None,
        max=prop.get("maximum") if widget in ("integer", "number") else None,
        maxlength=prop.get("maxLength") if widget in ("text", "textarea") else None,
        children=_rows(name, prop, value, extra_rows) if widget == "rows" else (),
        accept=doctypes.accept_attribute(prop.get("x-accept")) if widget == "file" else None,
        types=doctypes.labels(prop.get("x-accept")) if widget == "file" else (),
    )


def _rows(name: str, prop: Mapping[str, Any], value: Any, extra_rows: int) -> tuple[tuple[Field, ...], ...]:
    """The given rows plus `extra_rows` blank ones (at least minItems, at least one), within maxItems."""
    items = prop["items"]
    sub_props = _properties(items)
    required = set(items.get("required") or ())
    given = list(value) if isinstance(value, list) else []
    count = len(given) + extra_rows if given else max(extra_rows, int(prop.get("minItems") or 0), 1)
    if isinstance(prop.get("maxItems"), int):
        count = max(len(given), min(count, prop["maxItems"]))
    rows = []
    for i in range(count):
        row = given[i] if i < len(given) and isinstance(given[i], Mapping) else {}
        rows.append(tuple(_field(f"{name}.{i}.{sub}", sub, sub_prop, sub in required, row.get(sub), extra_rows)
                          for sub, sub_prop in sub_props.items()))
    return tuple(rows)


def _names(built: Iterable[Field]) -> set[str]:
    names: set[str] = set()
    for f in built:
        names.add(f.name)
        for row in f.children:
            names |= _names(row)
    return names


def _nearest(path: str, names: set[str]) -> str | None:
    parts = path.split(".")
    while parts:
        if ".".join(parts) in names:
            return ".".join(parts)
        parts.pop()
    return None


def _with_errors(f: Field, by_name: Mapping[str, str]) -> Field:
    children = tuple(tuple(_with_errors(c, by_name) for c in row) for row in f.children)
    return replace(f, error=by_name.get(f.name), children=children)


# --- parsing a post ----------------------------------------------------------------------------------------------


class _Posted:
    """The posted form and files, remembering what the schema's fields read so the rest can pass through."""

    def __init__(self, form: Mapping[str, Any] | None, files: Mapping[str, Any] | None) -> None:
        self.form = {name: _getlist(form, name) for name in form or ()}
        self.files = {name: _getlist(files, name) for name in files or ()}
        self.read: set[str] = set()
        self.read_files: set[str] = set()

    def strings(self, name: str) -> list[str]:
        self.read.add(name)
        return [str(s) for s in self.form.get(name, ())]

    def upload(self, name: str) -> Upload | None:
        self.read.add(name)  # without multipart, a browser posts a file input's filename as text: ignore it
        self.read_files.add(name)
        return next(filter(None, (_upload(storage) for storage in self.files.get(name, ()))), None)

    def rows(self, name: str) -> dict[str, dict[str, list[str]]]:
        """Rows posted as `name.<i>.<sub>` → {i: {sub: strings}}, in numeric order; `01` stays apart from `1`.

        Files count too (a row may hold only an upload). One pass over the post, however many rows.
        """
        pattern = re.compile(re.escape(name) + r"\.([0-9]+)\.([^.]+)")
        rows: dict[str, dict[str, list[str]]] = {}
        for posted in [*self.form, *self.files]:
            if match := pattern.fullmatch(posted):
                subs = rows.setdefault(match.group(1), {})
                if posted in self.form:
                    subs[match.group(2)] = self.form[posted]
        return dict(sorted(rows.items(), key=lambda item: (int(item[0]), item[0])))

    def unread(self) -> dict[str, list[str]]:
        unread = {name: [str(s) for s in strings if str(s).strip()]
                  for name, strings in self.form.items() if name not in self.read}
        return {name: strings for name, strings in unread.items() if strings}

    def unread_files(self) -> dict[str, Upload]:
        return {name: upload for name in self.files if name not in self.read_files
                if (upload := self.upload(name)) is not None}


def _getlist(posted: Any, name: str) -> list[Any]:
    if hasattr(posted, "getlist"):
        return list(posted.getlist(name))
    value = posted[name]
    return list(value) if isinstance(value, list | tuple) else [value]


def _upload(storage: Any) -> Upload | None:
    """A chosen file; a file input left empty posts an empty filename. IE posts a full path: keep its last part."""
    filename = str(getattr(storage, "filename", None) or "")
    if not filename:
        return None
    basename = re.split(r"[\\/]", filename)[-1] or filename
    media_type = getattr(storage, "mimetype", None) or getattr(storage, "content_type", None) or OCTET_STREAM
    return Upload(basename, str(media_type), storage.read())


def _parse_value(name: str, prop: Mapping[str, Any], posted: _Posted, uploads: dict[str, Upload]) -> Any:
    widget = widget_of(prop)
    if widget == "file":
        upload = posted.upload(name)
        if upload is not None:
            uploads[name] = upload
        return _MISSING  # the engine puts the stored document's reference in the data
    if widget == "rows":
        return _parse_rows(name, prop, posted, uploads)
    strings = posted.strings(name)
    if widget == "checkboxes":
        chosen = [s.strip() for s in strings if s.strip()]
        return chosen or _MISSING
    if widget == "lines":
        lines = [line.strip() for s in strings for line in s.splitlines() if line.strip()]
        return lines or _MISSING
    given = [v for v in (_scalar(widget, s) for s in strings) if v is not _MISSING]
    if len(given) > 1:
        return given  # never choose between two posted values: the validator refuses the list by name
    return given[0] if given else _MISSING


def _scalar(widget: str, raw: str) -> Any:
    """One posted value; what does not read as its type stays a string for the validator to refuse."""
    if widget == "textarea":  # keep the writer's layout (full-width indents); browsers post CRLF
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        return text if text.strip() else _MISSING
    text = raw.strip()
    if not text:
        return _MISSING
    if widget == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if widget == "number":  # amounts (a fine in yuan): a decimal, or the text for the validator to refuse
        try:
            value = float(text)
        except ValueError:
            return text
        return int(value) if value.is_integer() and "." not in text else value
    if widget == "checkbox":
        return {"true": True, "false": False}.get(text, text)
    return text


def _parse_rows(name: str, prop: Mapping[str, Any], posted: _Posted, uploads: dict[str, Upload]) -> Any:
    """Rows in posted order; a row left wholly blank (the spare rows) is skipped and the rest renumbered."""
    sub_props = _properties(prop["items"]) if isinstance(prop.get("items"), Mapping) else {}
    rows: list[dict[str, Any]] = []
    for index, subs in posted.rows(name).items():
        prefix, row_uploads, row = f"{name}.{index}.", {}, {}
        for sub, sub_prop in sub_props.items():
            value = _parse_value(prefix + sub, sub_prop, posted, row_uploads)
            if value is not _MISSING:
                row[sub] = value
        for sub, strings in subs.items():  # a sub-field the rows lack: additionalProperties names it
            given = [str(s) for s in strings if str(s).strip()]
            if sub not in sub_props and given:
                posted.read.add(prefix + sub)
                row[sub] = given[0] if len(given) == 1 else given
        if row or row_uploads:
            renumbered = f"{name}.{len(rows)}."
            uploads.update({renumbered + key[len(prefix):]: upload for key, upload in row_uploads.items()})
            rows.append(row)
    return rows or _MISSING


# --- showing completed data --------------------------------------------------------------------------------------


def _shown(key: str, prop: Mapping[str, Any], value: Any) -> Shown:
    label = str(prop.get("title") or key)
    if value is None:
        return Shown(key, label, "empty")
    if _is_document(value):
        return Shown(key, label, "document", str(value["filename"]), detail=str(value["sha256"]))
    if isinstance(value, bool):
        return Shown(key, label, "boolean", value)
    if isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
        if value and all(isinstance(row, Mapping) for row in value):
            return _table(key, label, items, value)
        return Shown(key, label, "list", tuple(_label(prop, items, v) for v in value))
    if isinstance(value, Mapping):
        return Shown(key, label, "text", json.dumps(value, ensure_ascii=False, sort_keys=True))
    text = _label(prop, {}, value)
    if re.match(r"https?://", text) and (prop.get("format") == "uri" or not prop):
        return Shown(key, label, "link", text)  # only http(s): a stored javascript: URL stays text
    long = "\n" in text or (prop.get("type") == "string" and widget_of(prop) == "textarea")
    return Shown(key, label, "longtext" if long else "text", text)


def _table(key: str, label: str, items: Mapping[str, Any], rows: list[Mapping[str, Any]]) -> Shown:
    sub_props = _properties(items)
    keys = list(sub_props) + list(dict.fromkeys(k for row in rows for k in row if k not in sub_props))
    cells = tuple(tuple(_shown(k, sub_props.get(k, {}), row.get(k)) for k in keys) for row in rows)
    return Shown(key, label, "table", columns=tuple(str(sub_props.get(k, {}).get("title") or k) for k in keys),
                 rows=cells)


def _label(prop: Mapping[str, Any], items: Mapping[str, Any], value: Any) -> str:
    labels = {**(prop.get("x-labels") or {}), **(items.get("x-labels") or {})}
    if not isinstance(value, str):
        return str(value)
    names = prop.get("x-names") or items.get("x-names")
    if names in NAMED:  # a unit code or a username typed into a form reads as the unit's or person's name
        from webapp import names as registry

        return registry.org_name(value) if names == "organisation" else registry.person(value)
    return str(labels.get(value, value))


NAMED = ("organisation", "person")
"""The `x-names` a form may give a string field holding a unit code or a username (issue 22 item 4)."""


def _is_document(value: Any) -> bool:
    return isinstance(value, Mapping) and "sha256" in value and "filename" in value

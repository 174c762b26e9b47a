"""Step forms: a JSON Schema per user task, checked before anything changes (invariant 2).

Schemas live in `processes/forms/<form>.json` and are stored with the definition
version they were deployed with, so a running procedure keeps its forms. A field
marked `"x-document": true` holds an uploaded document; the engine fills it with the
stored document's reference, never the client. A document field may narrow the types it
accepts with `"x-accept": ["pdf", "ofd"]` (engine/doctypes.py; the default list otherwise).
A date field says how it relates to time with `"x-df-date"` (engine/form_dates.py, DF-DATE).
An object may hold one number to another with `"x-df-at-most": {"members_present": "members_total"}`:
the first may not exceed the second (12 of 9 members present is a typing error, not a lack of quorum).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import SchemaError, ValidationError

from engine import doctypes
from engine.domain import inputs
from engine.domain.errors import DocumentNotUploaded, FormInvalid
from engine.form_dates import DateField, date_fields
from engine.form_names import NamedField, named_fields
from engine.services.views import Upload

DOCUMENT_REF: dict[str, Any] = {
    "type": "object",
    "required": ["sha256", "filename", "size", "media_type"],
    "properties": {
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "filename": {"type": "string", "maxLength": 255},
        "size": {"type": "integer", "minimum": 0},
        "media_type": {"type": "string", "maxLength": 127},
        "sm3": {"type": "string", "pattern": "^sm3:[0-9a-f]{64}$"},
    },
    "additionalProperties": False,
}

FORMATS = FormatChecker()
"""JSON Schema's formats, with `date` held to the days the engine can count (engine.domain.inputs)."""


@FORMATS.checks("date")
def _is_day(value: object) -> bool:
    return not isinstance(value, str) or inputs.date_problem(value) is None


def _at_most(validator: Any, bounds: Mapping[str, str], instance: Any, schema: Mapping[str, Any]) -> Any:
    """`x-df-at-most`: each named number no greater than the number of its bound field, the error on the first."""
    if not isinstance(instance, Mapping):
        return
    for field, bound in bounds.items():
        value, limit = instance.get(field), instance.get(bound)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (value, limit))
        if numbers and value > limit:  # type: ignore[operator]
            yield ValidationError(f"{value!r} is more than {bound} ({limit!r})", path=[field],
                                  validator="x-df-at-most", validator_value=(bound, limit), instance=value,
                                  schema=schema)


FormValidator = validators.extend(Draft202012Validator, {"x-df-at-most": _at_most})
"""Draft 2020-12 with the engine's cross-field keyword."""

_ZH = {
    "required": "必填项缺失",
    "additionalProperties": "表单中没有该字段",
    "type": "类型不正确，应为 {expected}",
    "enum": "取值须为以下之一：{expected}",
    "const": "取值须为 {expected}",
    "minLength": "内容过短（至少 {expected} 个字符）",
    "maxLength": "内容过长（最多 {expected} 个字符）",
    "minimum": "不得小于 {expected}",
    "maximum": "不得大于 {expected}",
    "minItems": "至少需要 {expected} 项",
    "maxItems": "最多 {expected} 项",
    "pattern": "格式不正确",
    "not": "按所作选择，此项不应填写",  # `{"not": {}}` under an if/then: a field the other choice excludes
    "format": "格式不正确（{expected}）",
}


def document_fields(schema: Mapping[str, Any]) -> frozenset[str]:
    """Document fields: `name`, or `rows.*.name` for a document in each row of an array of objects
    (an expert's conflict-of-interest declaration, MD-19b)."""
    found = set()
    for name, prop in schema.get("properties", {}).items():
        if not isinstance(prop, dict):
            continue
        if prop.get("x-document"):
            found.add(name)
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, dict):
            found.update(f"{name}.*.{sub}" for sub, p in items.get("properties", {}).items()
                         if isinstance(p, dict) and p.get("x-document"))
    return frozenset(found)


def _field_schema(schema: Mapping[str, Any], pattern: str) -> Mapping[str, Any]:
    """The schema of a document field named by `document_fields`."""
    parts = pattern.split(".")
    if len(parts) == 1:
        return schema["properties"][pattern]
    return schema["properties"][parts[0]]["items"]["properties"][parts[2]]


def document_pattern(path: str) -> str:
    """The document field a posted path fills: `experts.2.declaration` → `experts.*.declaration`."""
    parts = path.split(".")
    if len(parts) == 3 and parts[1].isdigit():
        return f"{parts[0]}.*.{parts[2]}"
    return path


def place_documents(data: Mapping[str, Any], refs: Mapping[str, Any]) -> dict[str, Any]:
    """The data with each stored document's reference at its path; rows are copied, never mutated.

    A reference for a row that the data does not have is refused naming the path: a document
    always belongs to a row the user filled in."""
    values = dict(data)
    for path, ref in refs.items():
        parts = path.split(".")
        if len(parts) == 1:
            values[path] = ref
            continue
        rows = values.get(parts[0])
        index = int(parts[1])
        if not isinstance(rows, list) or index >= len(rows) or not isinstance(rows[index], dict):
            raise FormInvalid(field=path, problem="the document belongs to a row that was not filled in",
                              problem_zh="该文件所属的行未填写")
        rows = list(rows)
        rows[index] = {**rows[index], parts[2]: ref}
        values[parts[0]] = rows
    return values


def schema_problem(schema: object) -> str | None:
    """Why a form schema cannot be used, or None. Checked at deploy."""
    if not isinstance(schema, dict):
        return "the form is not a JSON object"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return f"invalid JSON Schema: {error.message}"
    if schema.get("type") != "object":
        return 'the form must have "type": "object"'
    if schema.get("additionalProperties") is not False:
        return 'the form must set "additionalProperties": false so unknown fields are refused'
    return _accept_problem(schema)


def _accept_problem(schema: Mapping[str, Any]) -> str | None:
    """`x-accept` only on a document field, and only naming known types."""
    documents = document_fields(schema)
    for name, prop in schema.get("properties", {}).items():
        items = prop.get("items") if isinstance(prop, dict) else None
        rows = items.get("properties", {}) if isinstance(items, dict) else {}
        for path, field in [(name, prop), *((f"{name}.*.{sub}", p) for sub, p in rows.items())]:
            if not isinstance(field, dict) or "x-accept" not in field:
                continue
            if path not in documents:
                return f"field {path}: x-accept is for document fields (x-document) only"
            problem = doctypes.accept_problem(field["x-accept"])
            if problem:
                return f"field {path}: {problem}"
    return None


@dataclass(frozen=True)
class Form:
    """A compiled form: its validator, which fields are documents (with the types each accepts) and
    which are dates."""

    id: str
    schema: dict[str, Any]
    documents: frozenset[str]
    validator: Any  # a FormValidator (Draft 2020-12 extended)
    accepts: Mapping[str, tuple[str, ...]]
    dates: tuple[DateField, ...] = ()
    names: tuple[NamedField, ...] = ()
    """Fields naming a unit or a person the registry must hold (engine/form_names.py)."""

    @classmethod
    def compile(cls, form_id: str, schema: dict[str, Any]) -> Form:
        expanded = copy.deepcopy(schema)
        docs = document_fields(schema)
        for name in docs:
            parts = name.split(".")
            holder = expanded["properties"] if len(parts) == 1 else expanded["properties"][parts[0]]["items"][
                "properties"]
            key = parts[-1]
            extra = {k: v for k, v in holder[key].items() if k in ("title", "description")}
            holder[key] = {**DOCUMENT_REF, **extra}
        accepts = {name: tuple(_field_schema(schema, name).get("x-accept") or doctypes.DEFAULT) for name in docs}
        return cls(form_id, schema, docs, FormValidator(expanded, format_checker=FORMATS), accepts,
                   date_fields(schema), named_fields(schema))

    def admit(self, path: str, upload: Upload) -> Upload:
        """The upload for document field `path` with the media type its content shows; a type the
        field does not accept is refused naming the field (DF-DOCUMENT)."""
        return doctypes.admit(path, upload, self.accepts.get(document_pattern(path), doctypes.DEFAULT))

    def validate(self, data: Mapping[str, Any], uploaded: frozenset[str]) -> None:
        """Refuse data that does not match the form, naming the first bad field; `errors` in the
        refusal's context lists every problem (each missing field apart), so a page shows them all at once."""
        for name in self.documents & set(data):
            if name not in uploaded:
                raise DocumentNotUploaded(field=name)
        for path in _row_documents(self.documents, data):
            if path not in uploaded:
                raise DocumentNotUploaded(field=path)
        require_json_object(data)
        errors = sorted(self.validator.iter_errors(dict(data)), key=_error_order)
        if errors:
            described = [entry for e in errors for entry in _describe_all(e)]  # allOf may repeat a subschema's
            raise _form_invalid(errors[0], [dict(t) for t in dict.fromkeys(tuple(d.items()) for d in described)])


def _row_documents(documents: frozenset[str], data: Mapping[str, Any]) -> list[str]:
    """Paths of row documents present in the data (each must have been uploaded)."""
    paths = []
    for pattern in documents:
        parts = pattern.split(".")
        rows = data.get(parts[0]) if len(parts) == 3 else None
        if isinstance(rows, list):
            paths.extend(f"{parts[0]}.{i}.{parts[2]}" for i, row in enumerate(rows)
                         if isinstance(row, dict) and parts[2] in row)
    return paths


def require_json_object(data: object, field: str = "(form)") -> None:
    """History hashes RFC 8785 JSON: refuse what it cannot represent, and text the engine does not
    store (engine.domain.inputs), before anything runs."""
    if not isinstance(data, Mapping):
        raise FormInvalid(field=field, problem="expected an object of named fields",
                          problem_zh="应为由字段名和取值组成的对象")
    for path, problem, problem_zh in inputs.unfit_text(dict(data), ""):
        raise FormInvalid(field=path, problem=problem, problem_zh=problem_zh)
    for name, value in data.items():
        if not isinstance(name, str):
            raise FormInvalid(field=str(name), problem="field names must be strings",
                              problem_zh="字段名须为字符串")
        try:
            rfc8785.dumps(value)
        except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
            raise FormInvalid(field=name, problem=f"not representable as JSON: {error}",
                              problem_zh="取值无法表示为 JSON（数值超出范围或类型不支持）") from error


def _error_order(error: ValidationError) -> tuple[int, str]:
    return (len(error.path), _field_of(error))


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        prefix = ".".join(str(p) for p in error.absolute_path)
        return f"{prefix}.{missing[0]}" if prefix else missing[0]
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in (error.instance or {}) if k not in allowed)
        prefix = ".".join(str(p) for p in error.absolute_path)
        name = extra[0] if extra else "?"
        return f"{prefix}.{name}" if prefix else name
    return ".".join(str(p) for p in error.absolute_path) or "(form)"


def _describe_all(error: ValidationError) -> list[dict[str, str]]:
    """One entry per field a schema error concerns: `required` names each missing field, not only the first."""
    if error.validator != "required" or not isinstance(error.instance, Mapping):
        return [_describe(error)]
    prefix = ".".join(str(p) for p in error.absolute_path)
    zh = _ZH["required"]
    return [{"field": f"{prefix}.{name}" if prefix else str(name), "problem": f"{name!r} is a required property",
             "problem_zh": zh} for name in error.validator_value if name not in error.instance]


def _describe(error: ValidationError) -> dict[str, str]:
    if error.validator == "x-df-at-most":
        bound, limit = error.validator_value
        title = error.schema.get("properties", {}).get(bound, {}).get("title", bound)
        return {"field": _field_of(error), "problem": error.message, "problem_zh": f"不得多于{title}（{limit}）"}
    if error.validator == "format" and error.validator_value == "date":
        problem, problem_zh = inputs.date_problem(error.instance) or ("not a date", "日期格式不正确")
        return {"field": _field_of(error), "problem": problem, "problem_zh": problem_zh}
    expected = error.validator_value
    if isinstance(expected, list):
        expected = "、".join(str(v) for v in expected)
    zh = _ZH.get(str(error.validator), "取值不符合要求").format(expected=expected)
    return {"field": _field_of(error), "problem": error.message, "problem_zh": zh}


def _form_invalid(first: ValidationError, errors: list[dict[str, str]]) -> FormInvalid:
    described = _describe(first)
    return FormInvalid(field=described["field"], problem=described["problem"],
                       problem_zh=described["problem_zh"], errors=errors)

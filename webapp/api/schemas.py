"""Marshmallow schemas of the REST API: what it accepts and what it answers.

Response schemas mirror the engine's views; request schemas refuse unknown fields
(marshmallow's RAISE), so a typo in a client is a 422 naming the field, never ignored.
Every limit the server applies is a validator here, so the OpenAPI document states it
(length, range, enum, pattern) and a request the document calls valid is not refused for
its shape: text and dates follow engine.domain.inputs, stated as patterns.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.domain import inputs

STATUSES = ("running", "completed", "withdrawn")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class FitText(validate.Validator):
    """Text the engine stores (engine.domain.inputs); `regex` is how apispec states it as the `pattern`."""

    def __init__(self, filled: bool) -> None:
        self.regex = re.compile(inputs.FILLED_PATTERN if filled else inputs.TEXT_PATTERN)

    def __call__(self, value: str) -> str:
        problem = inputs.text_problem(value)
        if problem:
            raise ValidationError(problem[0])
        if not self.regex.search(value):
            raise ValidationError("must hold a character that is not white space")
        return value


class FitDay(validate.Validator):
    """A date within the working-day calendar's years (engine.domain.inputs), stated as a `pattern`."""

    regex = re.compile(inputs.DATE_PATTERN)

    def __call__(self, value: date) -> date:
        problem = inputs.date_problem(value)
        if problem:
            raise ValidationError(problem[0])
        return value


def text(max_length: int, *, filled: bool = True, **kwargs: Any) -> fields.String:
    """A string of fit text, at most `max_length` long; `filled`: not empty or white space alone."""
    return fields.String(validate=[validate.Length(min=1 if filled else None, max=max_length), FitText(filled)],
                         **kwargs)


def day(**kwargs: Any) -> fields.Date:
    return fields.Date(validate=FitDay(), **kwargs)


class FieldProblemSchema(Schema):
    field = fields.String(required=True)
    problem = fields.String(required=True)


class MissingStepSchema(Schema):
    """A statutory step not yet done that the named rule requires before the step attempted (MD-39)."""

    step_kind = fields.String(required=True)
    title = fields.String(required=True)
    rule = fields.String()
    article = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the rule and article of a refusal."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    rule = fields.String()
    article = fields.String()
    field = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(FieldProblemSchema))
    missing = fields.List(fields.Nested(MissingStepSchema), metadata={
        "description": "of a step out of turn (MD-39): the statutory steps still missing before it"})
    waiting_for = fields.List(fields.Nested(MissingStepSchema), metadata={
        "description": "of a step out of turn that no statute rule explains: the open steps the procedure waits on"})
    correlation_id = fields.String(metadata={"description": "of a 500: quote it, it names the log entry"})


class DefinitionSchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    sha256 = fields.String(required=True)
    deployed_by = fields.String(required=True)
    deployed_at = fields.DateTime(required=True)
    created = fields.Boolean()


class DefinitionSourceSchema(DefinitionSchema):
    bpmn = fields.String(required=True)
    forms = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)


class DefinitionQuerySchema(Strict):
    version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class DefinitionUploadSchema(Strict):
    bpmn = text(5_000_000, required=True)
    forms = fields.Dict(keys=fields.String(), values=fields.Dict(), load_default=dict, metadata={
        "description": "form schemas by form id; only the forms the BPMN names are kept"})


class CheckResultSchema(Schema):
    ok = fields.Boolean(required=True)
    key = fields.String(allow_none=True)
    statute = fields.String(allow_none=True)
    problems = fields.List(fields.String(), required=True)
    rules_checked = fields.List(fields.String(), required=True)


class WorkItemSchema(Schema):
    task_id = fields.String(required=True)
    procedure_id = fields.Integer(required=True)
    spec = fields.String(required=True)
    title = fields.String(required=True)
    step_kind = fields.String(required=True)
    role = fields.String(required=True)
    org = fields.String(allow_none=True)
    status = fields.String(required=True)
    assignee = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    procedure_title = fields.String(allow_none=True, metadata={"description": "the procedure's title (inbox rows)"})


class TimerSchema(Schema):
    spec = fields.String(required=True)
    name = fields.String(required=True)
    due_at = fields.DateTime(required=True)


class ProcedureSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    sponsor_org = fields.String(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)
    definition_key = fields.String(required=True)
    definition_version = fields.Integer(required=True)
    started_by = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(allow_none=True)
    open_items = fields.List(fields.Nested(WorkItemSchema), required=True)
    timers = fields.List(fields.Nested(TimerSchema), required=True)


class ProcedureStartSchema(Strict):
    definition = text(100, required=True)
    title = text(300, required=True)
    sponsor_org = text(64)
    facts = fields.Dict(keys=fields.String(), load_default=dict)


class ProcedureQuerySchema(Strict):
    title = text(300, filled=False)
    sponsor_org = text(64, filled=False)
    status = fields.String(validate=validate.OneOf(STATUSES))
    started_from = day()
    started_before = day()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    after = fields.String(validate=validate.Length(max=400), metadata={
        "description": "the cursor `next` of the previous page: the page after it, sought on the key (issue 21)"})


class ProcedurePageSchema(Schema):
    total = fields.Integer(required=True, metadata={
        "description": "the number of matches, counted up to 1,000 (`total_exact` false: more than that)"})
    total_exact = fields.Boolean(required=True, metadata={
        "description": "false when the count stopped at 1,000: narrow the filters to count them all"})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    items = fields.List(fields.Nested(ProcedureSchema), required=True)
    next = fields.String(allow_none=True, metadata={"description": "the cursor of the next page, null on the last"})


class CursorArgs(Strict):
    """A keyset page of a collection: its size and the cursor of the page before it."""

    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    after = fields.String(validate=validate.Length(max=400), metadata={
        "description": "the cursor the previous page gave in its Link: rel=\"next\" header"})


class WithdrawSchema(Strict):
    reason = text(4000, required=True)


class EventSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    kind = fields.String(required=True)
    task_id = fields.String(allow_none=True)
    payload = fields.Dict(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class VerifySchema(Schema):
    procedure_id = fields.Integer(required=True)
    ok = fields.Boolean(required=True)
    events = fields.Integer(required=True)
    first_bad_seq = fields.Integer(allow_none=True)
    reason = fields.String(required=True)


class CompleteSchema(Strict):
    data = fields.Dict(keys=fields.String(), required=True)
    expected_version = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    procedure_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "the procedure the step belongs to: a step of it that is not open yet is then refused "
                       "naming the steps still missing before it (MD-39), not as an unknown id"})


class StepResultSchema(Schema):
    procedure_id = fields.Integer(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    ready = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class CatalogueItemSchema(Schema):
    year = fields.Integer(required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    sponsor_org = fields.String(required=True)
    status = fields.String(required=True)


class IncidentalReviewSchema(Schema):
    procedure_id = fields.Integer(required=True, metadata={"description": "the reconsideration case"})
    requested_on = fields.String(allow_none=True)
    handling = fields.String(allow_none=True, metadata={"description": "handle, forward, or null while undecided"})
    conclusion = fields.String(allow_none=True, metadata={"description": "lawful, unlawful, or null while pending"})
    clauses = fields.String(allow_none=True, metadata={"description": "the clauses no longer applied"})
    concluded_on = fields.String(allow_none=True)


class RegistryEntrySchema(Schema):
    procedure_id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"description": "the unified registration number (ND-6)"})
    title = fields.String(required=True)
    organisation = fields.String(required=True)
    registered_on = fields.String(allow_none=True)
    published_on = fields.String(allow_none=True)
    effective_from = fields.String(allow_none=True)
    valid_until = fields.String(allow_none=True)
    trial = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={
        "description": "in_force, expired, repealed, amending or not_yet_published"})
    filed_government = fields.String(allow_none=True)
    filed_npc = fields.String(allow_none=True)
    document_sha256 = fields.String(allow_none=True)
    cleanup_procedure_id = fields.Integer(allow_none=True)
    cleanup_published_on = fields.String(allow_none=True)
    cleanup_decision = fields.String(allow_none=True)
    incidental_reviews = fields.List(fields.Nested(IncidentalReviewSchema), required=True)


class ListedDocumentSchema(Schema):
    procedure_id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)


class CleanupSchema(Schema):
    procedure_id = fields.Integer(required=True)
    title = fields.String(required=True)
    published_on = fields.String(required=True)
    continuing = fields.List(fields.Nested(ListedDocumentSchema), required=True)
    amending = fields.List(fields.Nested(ListedDocumentSchema), required=True)
    repealed = fields.List(fields.Nested(ListedDocumentSchema), required=True)
    lapsed = fields.List(fields.Nested(ListedDocumentSchema), required=True)
    document_sha256 = fields.String(allow_none=True)


class TokenSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class CheckpointSchema(Schema):
    """One signed checkpoint as listed: its number, time (UTC), Merkle root, signing key and leaves (DF-CHECKPOINT)."""

    seq = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": "UTC, RFC 3339 with microseconds"})
    root = fields.String(required=True, metadata={"description": "RFC 6962 Merkle root, hex"})
    key_id = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "leaves: every procedure and the admin log"})
    prev_hash = fields.String(required=True, metadata={"description": "SHA-256 of the previous checkpoint's body"})


class SignedCheckpointSchema(Schema):
    """The checkpoint file as written, byte for byte: `checkpoint` (the body: format, seq, at, prev_hash, key_id,
    tree, procedures as [id, seq, hash], admin_log) and `signature` (Ed25519 over the body's RFC 8785 bytes)."""

    checkpoint = fields.Dict(required=True)
    signature = fields.Dict(required=True)


class IndicatorQuerySchema(Strict):
    start = day(data_key="from", metadata={"description": "first day of the period (local date); "
                                                          "by default 1 January of this year"})
    end = day(data_key="to", metadata={"description": "last day of the period, included; by default today"})
    unit = text(64, metadata={"description": "only this sponsoring unit (organisation code)"})


class IndicatorFigureSchema(Schema):
    value = fields.Float(allow_none=True, metadata={"description": "None when there is nothing to measure"})
    numerator = fields.Integer(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    procedures = fields.List(fields.Integer(), required=True,
                             metadata={"description": "the ids of the procedures behind the figure"})
    breakdown = fields.Dict(keys=fields.String(), values=fields.Nested(lambda: IndicatorFigureSchema()))


class IndicatorLineSchema(IndicatorFigureSchema):
    id = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    group = fields.String(required=True)
    rules = fields.List(fields.String(), required=True, metadata={"description": "rule ids of docs/rules.md"})
    index_item = fields.String(required=True, metadata={"description": "the 法治指数 item it reports"})
    unit = fields.String(required=True)
    period = fields.String(required=True)
    target_min = fields.Float(allow_none=True)
    meets = fields.Boolean(allow_none=True)


class IndicatorUnitSchema(Schema):
    unit = fields.String(required=True)
    name = fields.String(required=True)
    met = fields.Integer(required=True, metadata={"description": "targets met (目标考核)"})
    missed = fields.Integer(required=True)
    indicators = fields.List(fields.Nested(IndicatorLineSchema), required=True)


class IndicatorCheckpointSchema(Schema):
    seq = fields.Integer(allow_none=True)
    at = fields.String(allow_none=True)
    root = fields.String(allow_none=True)
    procedures_moved_after = fields.List(fields.Integer(), required=True, metadata={
        "description": "procedures counted whose chain moved after the checkpoint"})


class IndicatorReportSchema(Schema):
    start = fields.String(required=True, data_key="from")
    end = fields.String(required=True, data_key="to")
    unit = fields.String(allow_none=True)
    procedures = fields.Integer(required=True)
    checkpoint = fields.Nested(IndicatorCheckpointSchema, required=True)
    indicators = fields.List(fields.Nested(IndicatorLineSchema), required=True)
    units = fields.List(fields.Nested(IndicatorUnitSchema), required=True,
                        metadata={"description": "per unit, ranked by targets met (目标考核)"})

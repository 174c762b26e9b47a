"""The decision catalogue (决策事项目录): the year's major decisions, loaded from a data file.

MD-3c: the organ fixes its catalogue, publishes it after the same-level party committee
agrees, and may adjust it. SC-3: every addition or change carries who proposed it, who
approved it and when. An item is selectable at initiation only when it is published:
the file is published (`published_on`) with the party committee's approval, and an item
added in the year has its own approvals. Anything else is `draft` or `party_approved`
and a launch must rest on the decision organ's determination instead.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from engine.domain.errors import FormInvalid

DRAFT, PARTY_APPROVED, PUBLISHED = "draft", "party_approved", "published"
CATEGORIES = ("public_policy", "economic_social_plan", "resources_policy", "public_construction", "other_major")

_APPROVAL = {"type": "object", "required": ["by", "on"], "additionalProperties": False,
             "properties": {"by": {"type": "string", "minLength": 1}, "on": {"type": "string", "format": "date"},
                            "reference": {"type": "string"}}}
SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["year", "decision_organ", "items"], "additionalProperties": False,
    "properties": {
        "year": {"type": "integer", "minimum": 2019, "maximum": 2100},
        "decision_organ": {"type": "string", "minLength": 1, "maxLength": 64},
        "title": {"type": "string", "maxLength": 300},
        "party_approval": {"oneOf": [_APPROVAL, {"type": "null"}]},
        "published_on": {"oneOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
        "items": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["code", "title", "category", "sponsor_org"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$"},
                "title": {"type": "string", "minLength": 1, "maxLength": 300},
                "category": {"enum": list(CATEGORIES)},
                "sponsor_org": {"type": "string", "minLength": 1, "maxLength": 64},
                "added": {"type": "object", "required": ["proposed_by", "approved_by", "approved_on"],
                          "additionalProperties": False,
                          "properties": {"proposed_by": {"type": "string", "minLength": 1},
                                         "approved_by": {"type": "string", "minLength": 1},
                                         "approved_on": {"type": "string", "format": "date"},
                                         "party_approval": {"oneOf": [_APPROVAL, {"type": "null"}]}}}}}},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(data: object) -> None:
    """Refuse a malformed catalogue file, naming the first bad field."""
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        field = ".".join(str(p) for p in first.absolute_path) or "(file)"
        raise FormInvalid(field=field, problem=first.message, problem_zh="决策事项目录文件格式不正确")
    codes = [item["code"] for item in data["items"]]  # type: ignore[index]
    if len(codes) != len(set(codes)):
        raise FormInvalid(field="items", problem="item codes repeat", problem_zh="目录事项编号重复")


def status_of(catalogue: dict[str, Any], item: dict[str, Any]) -> str:
    """Published only with the party committee's approval and publication (MD-3c, SC-3)."""
    added = item.get("added")
    party = (added or {}).get("party_approval") if added else catalogue.get("party_approval")
    if not party:
        return DRAFT
    return PUBLISHED if catalogue.get("published_on") else PARTY_APPROVED

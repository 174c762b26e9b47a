"""URL converters that keep unusable path values from the database: anything else is 404.

`<id:…>`: a database id is 1 … 2**31 − 1. Flask's `int` converter takes any number, and on
PostgreSQL a number past the integer column's range fails inside the query as a 500. Every
route with an id uses this converter instead, so no page or API operation needs its own range check.

`<string:…>` (and a bare `<…>`): a path segment without control characters, which no stored
key, task id or hash holds (engine.domain.inputs); PostgreSQL fails on a NUL in a query.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

MAX_ID = 2**31 - 1
SEGMENT_PATTERN = r"^[^/\x00-\x1f\x7f]+$"


class IdConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def openapi_schema(_converter: IdConverter) -> dict[str, Any]:
    """How flask-smorest documents an `<id:…>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class SegmentConverter(UnicodeConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]")


def segment_schema(_converter: SegmentConverter) -> dict[str, Any]:
    """How flask-smorest documents a `<string:…>` path parameter."""
    return {"type": "string", "pattern": SEGMENT_PATTERN}

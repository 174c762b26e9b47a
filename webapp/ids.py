"""The `<id:…>` URL converter: a database id is 1 … 2**31 − 1, anything else is 404.

Flask's `int` converter takes any number, and on PostgreSQL a number past the integer
column's range fails inside the query as a 500. Every route with an id uses this
converter instead, so no page or API operation needs its own range check.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def openapi_schema(_converter: IdConverter) -> dict[str, Any]:
    """How flask-smorest documents an `<id:…>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}

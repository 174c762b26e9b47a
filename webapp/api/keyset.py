"""A keyset page as an API response: the body stays the plain list it always was, and the next page, when
there is one, is named in a `Link: <…?after=…>; rel="next"` header (RFC 8288), as the inbox does (issue 21)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from engine.services.paging import Page


def linked(page: Page[Any], endpoint: str, **args: Any) -> Any:
    """The page's rows, with the link to the next page carrying `args` (the filters and `per_page`)."""
    if page.next is None:
        return list(page.items)
    link = url_for(endpoint, after=page.next, **{k: v for k, v in args.items() if v is not None})
    return list(page.items), 200, {"Link": f'<{link}>; rel="next"'}

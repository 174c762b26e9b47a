"""A rule code on a page always comes with the rule's statement (issue 22 item 5).

"MD-25a" alone means nothing to an official; `rule` renders the code with the statement as its
title (read on hover and by screen readers), or written out beside it where a page has room (`full`).
In English the English statement is used. An unknown code is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from engine.domain.rulebook import RULES
from webapp.i18n import select_locale


def statement(code: str) -> str:
    found = RULES.get(code)
    if found is None:
        return ""
    return found.en if select_locale() == "en" else found.zh


def rule(code: str, full: bool = False) -> Markup:
    said = statement(code)
    if not said:
        return Markup("<code>{}</code>").format(code)
    if full:
        return Markup('<code class="rule">{}</code> <span class="rule-statement">{}</span>').format(code, said)
    return Markup('<abbr class="rule" title="{}"><code>{}</code></abbr>').format(said, code)


def rules(codes: Iterable[str], sep: str = "、") -> Markup:
    return escape(sep).join(rule(code) for code in codes)

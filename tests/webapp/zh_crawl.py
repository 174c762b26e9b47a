"""A crawler over the Chinese pages, and the checks it runs on each page's visible text (issue 22 item 5).

From a start page it follows every same-site link (GET only, skipping logout, downloads and the API),
at most `PER_PATTERN` pages per route shape (ids replaced) and `MAX_PAGES` in all, so a demo with
many procedures is crawled in seconds. On each page it reads what a person sees (text, button labels,
placeholders, titles; not scripts, styles or typed input) and reports:
- English words outside the allow-list (product and format names, ids, hashes, dates, numbers, URLs,
  and the demo's own entered data);
- form field keys (snake_case identifiers) shown as text;
- rule codes (MD-…, DF-…) with no Chinese statement of that rule beside them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from engine.domain.rulebook import RULES

MAX_PAGES = 150
PER_PATTERN = 2
SKIP = re.compile(r"/logout|/documents/|/download|\.(zip|pdf|docx|csv|json|xml|bpmn|svg|png|ofd)\b|^/api/|/static/"
                  r"|/annex\.|/statement\.html|/lang")
ALLOWED = frozenset({
    "DecisionFlow", "BPMN", "PDF", "DOCX", "API", "SM2", "SM3", "SM4", "OFD", "XLSX", "PNG", "JPEG", "ZIP",
    "JSON", "CSV", "SHA", "HTTP", "HTTPS", "URL", "TSA", "UTC", "GB", "T", "OpenAPI", "CSRF", "ID", "MB", "KB",
    "Ed25519", "English",
})
"""Names a Chinese official reads as they are: the product, formats, units and standards; and "English",
the language switch's offer of the other language, named in that language."""
DEMO_DATA = frozenset({"finance"})
"""Words the demo's users typed into their forms (data, not interface)."""
STRIP = re.compile(r"https?://\S+|\S+\.(?i:pdf|docx|ofd|xlsx|png|jpe?g|zip|json|csv|py|md)\b|[\w.+-]+@[\w-]+\.[\w.]+|\b[0-9a-f]{8,}\b|\S*\d\S*")
WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]|[A-Za-z]")
FIELD_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
RULE_CODE = re.compile(r"\b(?:MD|SC|ND|ER|RC|DF)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
SENTENCE = 12
"""Chinese characters that make a sentence around a cited code (a statement, not a label)."""
HIDDEN = {"script", "style", "textarea", "template", "noscript", "title"}
BLOCKS = {"p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "label", "option",
          "summary", "legend", "button", "figcaption", "div", "section", "article", "header", "footer", "nav",
          "form", "fieldset", "details", "table", "tr", "ul", "ol", "dl", "main", "body", "html", "aside"}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SHOWN_ATTRS = ("title", "placeholder", "alt", "aria-label")


@dataclass
class Block:
    """The visible text of one block element (a cell, a list item, a paragraph)."""

    text: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


class _Visible(HTMLParser):
    """Splits a page into blocks of visible text, and collects its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, Block | None]] = []
        self._hidden = 0

    def _current(self) -> Block:
        for _, block in reversed(self._stack):
            if block is not None:
                return block
        block = Block()
        self.blocks.append(block)
        self._stack.append(("#root", block))
        return block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag in VOID:
            if not self._hidden and tag == "input" and values.get("type") in ("submit", "button"):
                self._current().text.append(values.get("value", ""))
            if not self._hidden:
                self._current().titles += [values[a] for a in SHOWN_ATTRS if values.get(a)]
            return
        hidden = tag in HIDDEN or "hidden" in values or values.get("type") == "hidden"
        self._hidden += hidden
        block = Block() if tag in BLOCKS else None
        if block is not None:
            self.blocks.append(block)
        self._stack.append((tag, block))
        if not self._hidden:
            shown = [values[a] for a in SHOWN_ATTRS if values.get(a)]
            self._current().titles += shown

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                for name, _ in self._stack[i:]:
                    if name in HIDDEN:
                        self._hidden -= 1
                del self._stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self._current().text.append(data)


def _words(text: str) -> list[str]:
    return WORD.findall(STRIP.sub(" ", RULE_CODE.sub(" ", text)))


def _states_rule(code: str, block: Block) -> bool:
    """The rule's own statement is beside the code (in the text or the code's title), or the code cites
    a Chinese sentence that says what it requires (more than the article's name and number)."""
    rule = RULES.get(code)
    if rule is None:
        return False
    if rule.zh[:8] in " ".join(block.text + block.titles):
        return True
    sentence = RULE_CODE.sub("", " ".join(block.text))
    for cited in RULE_CODE.findall(" ".join(block.text)):
        if cited in RULES:
            sentence = sentence.replace(RULES[cited].article, "")
    return len(CJK.findall(sentence)) >= SENTENCE


def problems(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What on this page is not Chinese for a Chinese reader: one line per finding."""
    parser = _Visible()
    parser.feed(html)
    found: list[str] = []
    for block in parser.blocks:
        own = " ".join(block.text)
        for text in (own, *block.titles):
            for key in FIELD_KEY.findall(STRIP.sub(" ", text)):
                if key not in allowed:
                    found.append(f"field key {key!r} in {text.strip()[:80]!r}")
            for word in _words(text):
                if word not in ALLOWED | DEMO_DATA | allowed and not FIELD_KEY.fullmatch(word):
                    found.append(f"English {word!r} in {text.strip()[:80]!r}")
        for code in RULE_CODE.findall(own):
            if not _states_rule(code, block):
                found.append(f"rule code {code} without its statement in {own.strip()[:80]!r}")
    return found


def links(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.links


def _pattern(path: str) -> str:
    split = urlsplit(path)
    shape = re.sub(r"/\d+(?=/|$)", "/N", split.path)
    shape = re.sub(r"/[0-9a-f]{16,}(?=/|$)", "/H", shape)
    keys = sorted(part.split("=", 1)[0] for part in split.query.split("&") if part)
    return shape + ("?" + "&".join(keys) if keys else "")


def crawl(get: Callable[[str], tuple[int, str, str]], start: str) -> dict[str, str]:
    """Visit the site from `start`; return each visited HTML page's path and body.

    `get(path)` returns (status, mimetype, body); a redirect is not followed (its target is
    found through the links of the pages that lead there).
    """
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    todo, pages = [start], {}
    while todo and len(pages) < MAX_PAGES:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        shape = _pattern(path)
        if shapes[shape] >= PER_PATTERN:
            continue
        shapes[shape] += 1
        status, mimetype, body = get(path)
        assert status < 500, f"{path} answered {status}"
        if mimetype != "text/html" or status >= 300:
            continue
        pages[path] = body
        for href in links(body):
            target, _ = urldefrag(urljoin(path, href))
            split = urlsplit(target)
            if split.scheme or split.netloc or not split.path.startswith("/"):
                continue
            local = split.path + (f"?{split.query}" if split.query else "")
            if not SKIP.search(local) and local not in seen:
                todo.append(local)
    return pages

"""The zh_CN catalogue covers every UI string, Flask-Babel loads it, and the .mo is the compiled .po.

Strings are extracted from webapp/ at test time with babel.cfg and the keywords of
scripts/i18n.sh, so a string added without a translation fails here by name. Fix: run
`bash scripts/i18n.sh`, fill the empty msgstr in the .po, and run it again. The catalogue
lives in translations/zh_Hans_CN: Flask-Babel turns the selected "zh_CN" into
Locale("zh", "CN", script="Hans"), and gettext looks for that name (or "zh"), never "zh_CN".
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel, gettext

from webapp.settings import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "webapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None}  # scripts/i18n.sh: -k lazy_gettext
PLACEHOLDER = re.compile(r"%\((\w+)\)")
FIX = f"run `bash scripts/i18n.sh`, translate them in {(CATALOGUE / 'messages.po').relative_to(ROOT)}, run it again"


def _po() -> Catalog:
    with open(CATALOGUE / "messages.po", "rb") as f:
        return read_po(f)


def _extracted() -> dict[str, list[str]]:
    """Each msgid in webapp/ (python and templates, as babel.cfg maps them) with where it occurs."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def _messages(catalog: Catalog) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in catalog if m.id}


def test_extraction_finds_the_ui_strings():
    found = _extracted()
    assert "Log in" in found
    assert "%(n)s working days left" in found  # progress_text.py: gettext
    assert "Refused" in found  # errors.py: lazy_gettext
    assert not [where for wheres in found.values() for where in wheres if not where.startswith("webapp/")]


def test_flask_babel_loads_the_catalogue_for_the_default_language():
    app = Flask("webapp", root_path=str(ROOT / "webapp"))  # create_app's root_path; no database needed
    app.config.update(DEFAULTS)
    Babel(app, locale_selector=lambda: DEFAULTS["LANGUAGES"][0])
    with app.test_request_context():
        assert gettext("Log in") == "登录"
        assert gettext("%(n)s working days left", n=3) == "还剩 3 个工作日"


def test_every_ui_string_has_a_zh_cn_translation():
    catalog = _po()
    missing = {msgid: where for msgid, where in _extracted().items()
               if msgid not in catalog or not catalog[msgid].string or catalog[msgid].fuzzy}
    listing = "\n".join(f"  {msgid!r} ({', '.join(where)})" for msgid, where in missing.items())
    assert not missing, f"{len(missing)} UI string(s) without a zh_CN translation ({FIX}):\n{listing}"


def test_no_catalogue_entry_is_fuzzy_or_empty():
    bad = [m.id for m in _po() if m.id and (m.fuzzy or not m.string)]
    assert not bad, f"fuzzy or empty entries ({FIX}): {bad}"


def test_the_committed_mo_is_the_compiled_po():
    with open(CATALOGUE / "messages.mo", "rb") as f:
        compiled = _messages(read_mo(f))
    source = _messages(_po())
    stale = sorted(set(source.items()) ^ set(compiled.items()))
    assert not stale, f"messages.mo differs from messages.po; run `bash scripts/i18n.sh`: {stale[:10]}"


def test_translations_keep_the_placeholders():
    wrong = []
    for m in _po():
        if not m.id:
            continue
        names = set(PLACEHOLDER.findall(m.id))
        if set(PLACEHOLDER.findall(m.string)) != names:
            wrong.append((m.id, m.string))
            continue
        # Templates use newstyle gettext, which always applies `%`: a msgstr must format as its msgid does.
        values = dict.fromkeys(names, "x")
        try:
            m.id % values
        except (ValueError, TypeError, KeyError):
            continue
        try:
            m.string % values
        except (ValueError, TypeError, KeyError):
            wrong.append((m.id, m.string))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"

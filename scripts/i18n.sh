#!/usr/bin/env bash
# Refresh the web UI's Simplified Chinese catalogue: extract the English msgids from webapp/ into
# webapp/translations/messages.pot, merge them into the Simplified Chinese .po (no fuzzy guesses: a new
# string arrives untranslated), and compile the .mo Flask-Babel loads. Idempotent: when no
# string changed, no file changes (the POT-Creation-Date alone does not count as a change).
# Then translate every empty msgstr in the .po and run this again;
# tests/webapp/test_translations.py fails while any is missing.
#
# The directory is zh_Hans_CN, not zh_CN: Flask-Babel parses the selected "zh_CN" with
# babel.Locale.parse, which adds the script (zh_Hans_CN), and gettext then looks only in
# translations/zh_Hans_CN and translations/zh.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=webapp/translations
POT=$DIR/messages.pot
PO=$DIR/zh_Hans_CN/LC_MESSAGES/messages.po
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# `.` with the root-relative patterns of babel.cfg: only webapp/ is read; tests/, .git and
# other dot- or underscore-directories are never extracted.
pybabel --quiet extract -F babel.cfg -k lazy_gettext -c TRANSLATORS: --sort-by-file \
    --project DecisionFlow --copyright-holder DecisionFlow \
    -o "$tmp/messages.pot" . > /dev/null

without_date() { grep -v '^"POT-Creation-Date: ' "$1"; }
if [[ -f $POT ]] && cmp -s <(without_date "$POT") <(without_date "$tmp/messages.pot"); then
    echo "messages.pot unchanged"
else
    mv "$tmp/messages.pot" "$POT"
    echo "messages.pot updated"
fi

if [[ -f $PO ]]; then
    cp "$PO" "$tmp/messages.po"
    pybabel --quiet update -i "$POT" -d "$DIR" -l zh_Hans_CN --no-fuzzy-matching --ignore-obsolete > /dev/null
    if cmp -s <(without_date "$PO") <(without_date "$tmp/messages.po"); then
        cp "$tmp/messages.po" "$PO"   # keep the old date too: nothing changed
    fi
else
    pybabel --quiet init -i "$POT" -d "$DIR" -l zh_Hans_CN > /dev/null
fi

pybabel compile -d "$DIR" -l zh_Hans_CN --statistics
untranslated=$(python3 - "$PO" <<'PY'
import sys
from babel.messages.pofile import read_po
with open(sys.argv[1], "rb") as f:
    catalog = read_po(f)
print(sum(1 for m in catalog if m.id and (not m.string or m.fuzzy)))
PY
)
if [[ $untranslated != 0 ]]; then
    echo "$untranslated message(s) in $PO still need a translation" >&2
fi

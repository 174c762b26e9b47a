#!/usr/bin/env bash
# The whole suite, from a fresh machine with Python 3.11: install the test
# dependencies, start PostgreSQL 15 and install Chromium where missing, lint, and run every test on SQLite and PostgreSQL.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k md25`).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
. scripts/postgres.sh
# Browser tests drive Debian's Chromium (nothing downloads a browser); archive PDFs need
# WeasyPrint's Pango and a Chinese font. Install what is missing.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi -e "wenquanyi" -e "noto sans cjk" || missing+=(fonts-wqy-zenhei)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" > /dev/null
fi
export DF_REQUIRE_POSTGRES=1   # a PostgreSQL test fails, never skips, when the server is missing here

python3 -m ruff check .
decisionflow rules --check > /dev/null   # every decision-making MD rule is enforced and tested
python3 -m pytest -n 2 "$@"

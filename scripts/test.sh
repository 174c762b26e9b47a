#!/usr/bin/env bash
# The whole suite, from a fresh machine with Python 3.11: make a new virtual environment from the lock
# (requirements-test.lock, hashes checked), start PostgreSQL 15, install Chromium, Pango and a Chinese
# font where missing, lint, and run every test on SQLite and PostgreSQL.
# A new environment every run, so a missing pin or install step fails here and not on a user's machine;
# pip's cache keeps it quick. It works inside a virtual environment and without one.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k md25`).
# DF_TEST_VENV names the environment's folder (default .venv-test, replaced on each run).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${DF_TEST_VENV:-.venv-test}
started=$SECONDS
python3 -m venv --clear "$venv"
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)
"${pip[@]}" install --require-hashes --no-deps -r requirements-test.lock
"${pip[@]}" install --no-deps --no-build-isolation -e .   # the project itself, from this checkout
"${pip[@]}" check
export PATH="$PWD/$venv/bin:$PATH" VIRTUAL_ENV="$PWD/$venv"
hash -r
echo "test.sh: $venv made from requirements-test.lock in $((SECONDS - started)) s ($(python -m pytest --version 2>&1))" >&2

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

python -m ruff check .
decisionflow rules --check > /dev/null   # every decision-making MD rule is enforced and tested
python -m pytest -n 2 "$@"

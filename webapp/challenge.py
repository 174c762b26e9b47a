"""A question challenge for public forms: no third-party service, no JavaScript.

The page asks a small sum in Chinese ("7 加 5 等于几？"); the answer travels only as an
HMAC inside a signed, expiring token, so the server keeps no state and a bot must at least
read the page. It slows scripts down; the per-address rate limits and duplicate detection
do the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 2 * 3600
SALT = "decisionflow-opinion-challenge"


def issue(secret: str) -> tuple[str, str]:
    """(question, token) for one form."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(8)
    token = URLSafeTimedSerializer(secret, salt=SALT).dumps({"n": nonce, "h": _mac(secret, nonce, a + b)})
    return f"{a} 加 {b} 等于几？", token


def check(secret: str, token: str, answer: str) -> bool:
    try:
        data = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=MAX_AGE)
        given = int(answer.strip())
    except (BadSignature, ValueError, TypeError, AttributeError):
        return False
    return hmac.compare_digest(str(data.get("h", "")), _mac(secret, str(data.get("n", "")), given))


def client_hash(secret: str, address: str) -> str:
    """Who sent an opinion, as far as limits need: a keyed hash of the address, never the address."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def _mac(secret: str, nonce: str, answer: int) -> str:
    return hmac.new(secret.encode(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()

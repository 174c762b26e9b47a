"""A question challenge for public forms: no third-party service, no JavaScript.

The page asks a small sum in Chinese ("7 加 5 等于几？"); the answer travels only as an
HMAC inside a signed, expiring token, so a bot must at least read the page. Each token
carries a random nonce and is good for one opinion: the consultation service records the
nonce when it stores the opinion and refuses it a second time (one answer was once reused
for 405 opinions). It slows scripts down; the per-address rate limits and duplicate
detection do the rest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE = 2 * 3600
LIFETIME = timedelta(seconds=MAX_AGE)
SALT = "decisionflow-opinion-challenge"


def issue(secret: str) -> tuple[str, str]:
    """(question, token) for one form."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_hex(16)
    token = URLSafeTimedSerializer(secret, salt=SALT).dumps({"n": nonce, "h": _mac(secret, nonce, a + b)})
    return f"{a} 加 {b} 等于几？", token


def check(secret: str, token: str, answer: str) -> str | None:
    """The token's nonce when the answer is right and the token unexpired (the engine spends it), else None."""
    try:
        data = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=MAX_AGE)
        given = int(answer.strip())
        nonce = str(data["n"])
    except (BadSignature, ValueError, TypeError, AttributeError, KeyError):
        return None
    return nonce if hmac.compare_digest(str(data.get("h", "")), _mac(secret, nonce, given)) else None


def client_hash(secret: str, address: str) -> str:
    """Who sent an opinion, as far as limits need: a keyed hash of the address, never the address."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def _mac(secret: str, nonce: str, answer: int) -> str:
    return hmac.new(secret.encode(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()

"""Who calls the API: a bearer token, never the session cookie.

Cookies are not accepted here, so a page on another site cannot make a logged-in
browser call the API (no CSRF surface); every request names its user by token, and the
user's roles are read from the database per request, as for pages.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from engine.domain.actors import Actor
from engine.domain.errors import UserNotFound
from webapp.api import problems


def authenticate() -> Any:
    """`before_request` of every API blueprint: 401 unless a live token names an active user (OPTIONS aside)."""
    from flask import request

    if request.method == "OPTIONS":  # Flask answers it with the Allow header alone: no data, no token needed
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return problems.respond(401, "A bearer token is required (Authorization: Bearer df_…)")
    engine = current_app.extensions["decisionflow"]
    username = engine.tokens.authenticate(secret.strip())
    if username is None:
        return problems.respond(401, "The token is unknown, expired or revoked")
    try:
        g.api_actor = engine.people.actor(username)
    except UserNotFound:
        return problems.respond(401, "The token's user is no longer active")
    return None


def actor() -> Actor:
    return g.api_actor

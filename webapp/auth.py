"""Who is asking: Flask-Login sessions over the engine's people, argon2 passwords, role checks.

The session holds only the username. Roles are read from the database on every request
(`people.actor`), so a revoked role or a deactivated account stops working at once.
Passwords are hashed with argon2 here; the engine only ever stores the hash.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app
from flask_login import UserMixin, current_user

from engine.domain.actors import Actor
from engine.domain.errors import UserNotFound
from engine.domain.roles import ROLES
from webapp.extensions import login_manager

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("timing-equaliser")
F = TypeVar("F", bound=Callable[..., Any])

STEP_ROLES = frozenset(ROLES) - {"auditor", "admin", "public", "supervisor"}
"""Roles that do steps of a procedure, and so have an inbox."""


class WebUser(UserMixin):
    """The logged-in user: the engine's Actor plus what pages show."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.id = actor.username

    @property
    def roles(self) -> frozenset[str]:
        return self.actor.roles

    @property
    def has_inbox(self) -> bool:
        return bool(self.actor.roles & STEP_ROLES)

    def holds(self, *roles: str) -> bool:
        return any(self.actor.holds(r) for r in roles)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Argon2 verification; an unknown user costs the same time as a wrong password."""
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


@login_manager.user_loader
def load_user(username: str) -> WebUser | None:
    try:
        return WebUser(current_app.extensions["decisionflow"].people.actor(username))
    except UserNotFound:
        return None  # deactivated or removed: the session ends


def actor() -> Actor:
    """The current user's Actor (pages are behind `login_required`)."""
    return cast(WebUser, current_user).actor


def requires(*roles: str) -> Callable[[F], F]:
    """Allow users holding any of `roles`; everyone else gets 403, anonymous users the login page."""
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not cast(WebUser, current_user).holds(*roles):
                abort(403)
            return view(*args, **kwargs)
        return cast(F, wrapped)
    return decorate

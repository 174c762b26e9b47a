"""Rate limits per client address (Flask-Limiter): login attempts and public opinions; one limiter per app.

A refusal says how long to wait (`retry_after`, also sent as Retry-After).

Behind a reverse proxy, set DECISIONFLOW_TRUSTED_PROXIES so the client address is the
one the proxy saw (werkzeug's ProxyFix), not the proxy's own.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> Limiter:
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    for endpoint, setting in (("auth.login", "LOGIN_RATE_LIMIT"), ("public.submit", "PUBLIC_RATE_LIMIT")):
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(app.config[setting], methods=["POST"])(view)
    app.extensions["decisionflow_limiter"] = limiter
    return limiter


def retry_after() -> int | None:
    """Seconds until the limit this request broke lets the next one through, if a limit was broken."""
    limiter = current_app.extensions.get("decisionflow_limiter")
    current = limiter.current_limit if limiter is not None else None
    if current is None or not current.breached:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))

"""Rate limits: login attempts per client address (Flask-Limiter), one limiter per app.

Behind a reverse proxy, set DECISIONFLOW_TRUSTED_PROXIES so the client address is the
one the proxy saw (werkzeug's ProxyFix), not the proxy's own.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> Limiter:
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    login = app.view_functions["auth.login"]
    app.view_functions["auth.login"] = limiter.limit(app.config["LOGIN_RATE_LIMIT"], methods=["POST"])(login)
    return limiter

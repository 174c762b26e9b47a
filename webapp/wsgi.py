"""The WSGI entry point for production: `gunicorn -c deploy/gunicorn.conf.py webapp.wsgi:app`.

Configuration comes only from the environment (docs/deployment.md). With
DECISIONFLOW_ENV=production, `create_app` refuses to start on an unsafe configuration,
so a worker with a missing secret key or on SQLite never serves a request.
"""

from __future__ import annotations

from webapp import create_app

app = create_app()

"""The WSGI entry point for production: `gunicorn -c deploy/gunicorn.conf.py webapp.wsgi:app`.

Configuration comes only from the environment (docs/deployment.md). With
DECISIONFLOW_ENV=production, `create_app` refuses to start on an unsafe configuration,
so a worker with a missing secret key or on SQLite never serves a request.
"""

from __future__ import annotations

import gc

from webapp import create_app

app = create_app()
# What the worker built to start (modules, mappers, templates, the app) lives as long as it does: moved out
# of the collector's generations, a full collection no longer walks it. Measured (docs/benchmarks.md, "The
# inbox's per-request cost"): the API inbox's worst p99 72.7 ms without, 20.6 ms with, a pause a full
# collection made in one request of twenty.
gc.collect()
gc.freeze()

"""gunicorn settings for DecisionFlow: `gunicorn -c deploy/gunicorn.conf.py webapp.wsgi:app`.

`decisionflow serve --production` runs gunicorn with this file and `--bind HOST:PORT`.
Every value can be overridden on gunicorn's command line or with GUNICORN_CMD_ARGS.
Workers share nothing in memory: sessions are signed cookies, state is in PostgreSQL,
rate-limit counters go to DECISIONFLOW_RATELIMIT_STORAGE_URI (e.g. redis://) when set.
"""

import multiprocessing
import os

from webapp.production import require_safe

bind = os.environ.get("DECISIONFLOW_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DECISIONFLOW_WEB_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = int(os.environ.get("DECISIONFLOW_WEB_TIMEOUT", "120"))  # archive PDFs take a few seconds to render
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then; jitter keeps them from restarting together
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("DECISIONFLOW_LOG_LEVEL", "info")
# nginx on the same host sets X-Forwarded-*; the app trusts them through DECISIONFLOW_TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("DECISIONFLOW_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "decisionflow-web"
# gunicorn 25.1+ opens a control socket under $HOME by default; systemd (kill -HUP, restart) does that job,
# and a second instance on the machine would collide on the path. Older gunicorn ignores the setting.
control_socket_disable = True


def on_starting(server: object) -> None:
    """Refuse in the master, once, with the reasons, before any worker boots (DECISIONFLOW_ENV=production)."""
    require_safe()


def child_exit(server: object, worker: object) -> None:
    """prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR): forget a dead worker's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]

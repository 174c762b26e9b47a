"""The Flask extensions that hold no per-app state, bound to each app by `create_app`.

The rate limiter is made per app instead (webapp/limits.py): its counters are state, and
two apps in one process (tests, or a worker thread) must not share them.
"""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

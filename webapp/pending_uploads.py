"""Files chosen on a step form, held while the user reads the confirmation page (issue 22, item 3).

A browser cannot re-post a file from a page it did not pick it on, so the files posted with the form
wait here, in a directory named by a random token that only the user's signed session knows, for
the task they were posted for. 确认提交 takes them back (and removes them); a file chosen again replaces
the one held for its field.
They are not part of the record until the step completes. The directory is local to one server
process host: behind several hosts, requests of one session must reach the same host (sticky sessions).
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
from pathlib import Path

from flask import current_app, session

from engine.services.views import Upload

SESSION_KEY = "pending_uploads"


def _root() -> Path:
    configured = current_app.config.get("PENDING_UPLOADS_DIR")
    root = Path(configured) if configured else Path(tempfile.gettempdir()) / "decisionflow-pending"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def hold(task_id: str, posted: dict[str, Upload]) -> dict[str, Upload]:
    """Keep the files posted for `task_id` in this session, with those held before that were not chosen
    again (返回修改 cannot refill a file input); returns all that is now held."""
    uploads = {**take(task_id), **posted}
    if not uploads:
        return uploads
    token = secrets.token_hex(16)
    folder = _root() / token
    folder.mkdir(mode=0o700)
    index = {}
    for number, (name, upload) in enumerate(uploads.items()):
        (folder / str(number)).write_bytes(upload.content)
        index[str(number)] = {"name": name, "filename": upload.filename, "media_type": upload.media_type}
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    session[SESSION_KEY] = {**session.get(SESSION_KEY, {}), task_id: token}
    return uploads


def take(task_id: str) -> dict[str, Upload]:
    """The uploads held for `task_id` in this session (none if there are none), no longer held."""
    folder = _folder(task_id)
    if folder is None:
        return {}
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    uploads = {entry["name"]: Upload(entry["filename"], entry["media_type"], (folder / number).read_bytes())
               for number, entry in index.items()}
    discard(task_id)
    return uploads


def discard(task_id: str) -> None:
    """Forget and delete what is held for `task_id` in this session."""
    folder = _folder(task_id)
    held = dict(session.get(SESSION_KEY, {}))
    if held.pop(task_id, None) is not None:
        session[SESSION_KEY] = held
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _folder(task_id: str) -> Path | None:
    token = session.get(SESSION_KEY, {}).get(task_id)
    if not isinstance(token, str) or len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        return None
    folder = _root() / token
    return folder if (folder / "index.json").is_file() else None

"""The panel's settings: defaults here, overridden by create_app(config) or the command line."""

import logging
import os
import secrets
import sys
from pathlib import Path

from sigmavault.files import write_atomically

# The panel's command as typed on this box, whichever virtual environment holds it.
PANEL_COMMAND = f"{sys.executable} -m sigmavault_panel"

DEFAULTS = {
    # Who may sign in: members of these groups (checked on every request, so removal takes effect at once).
    "ADMIN_GROUP": "sigmavault-admin",
    "VIEW_GROUP": "sigmavault-view",
    # Salt writes /etc/pam.d/sigmavault-panel (states/sigmavault/panel); before the first apply PAM uses 'other'.
    "PAM_SERVICE": "sigmavault-panel",
    "SESSION_IDLE_SECONDS": 15 * 60,
    "SESSION_MAX_SECONDS": 8 * 3600,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_SECONDS": 15 * 60,
    "LOGIN_ATTEMPTS_PER_WINDOW": 20,
    "LOGIN_WINDOW_SECONDS": 5 * 60,
    # Reads through Salt: how long a page waits, how long a value stays fresh, when the breaker opens.
    "SALT_WAIT_SECONDS": 2.0,
    "SALT_CACHE_SECONDS": 10.0,
    "SALT_GRACE_SECONDS": 30.0,     # a little older: shown at once while Salt is asked again in the background
    "SALT_BREAKER_FAILURES": 3,
    "SALT_BREAKER_COOLDOWN_SECONDS": 30.0,
    "DASHBOARD_REFRESH_SECONDS": 5,  # a dashboard showing a stale reading reloads itself after this
    # A save is judged by the whole verdict, the box included (the disks it names are attached …), as
    # `sigmavault validate` and Salt's first state judge it. Off only where the box is not the one the pillar
    # describes (the panel's unit tests run against a fake Salt, without the disks their pillar names).
    "PILLAR_CHECKS_THE_BOX": True,
    # The agent service's events (Salt's minion event bus) go into the panel's event stream. Off only where no
    # agent service can run (the panel's fake-Salt tests).
    "AGENT_EVENTS_FROM_SALT": True,
    "PILLAR_FILE": None,            # None: sigmavault.sls, or the one .sls file with a sigmavault key
    "SSE_HEARTBEAT_SECONDS": 15.0,
    "SSE_MAX_SECONDS": 300.0,       # a stream ends after this; browsers reconnect with Last-Event-ID
    "SSE_MAX_STREAMS": 24,          # each open stream holds a server thread
    "SESSION_COOKIE_NAME": "sigmavault_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    "SESSION_COOKIE_SECURE": False,  # True: always Secure; otherwise Secure whenever the request came over https
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}


SECRET_KEY_BYTES = 32


def panel_dir(state_dir: Path) -> Path:
    return state_dir / "panel"


def secret_key(directory: Path) -> bytes:
    """The key that signs session cookies: made once per box, readable by root only. A key cut short (a crash,
    a full disk) would sign with a guessable key: it is replaced, which only signs every browser out."""
    path = directory / "secret_key"
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = None
    if key is not None and len(key) >= SECRET_KEY_BYTES:
        return key
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = secrets.token_bytes(SECRET_KEY_BYTES)
    if key is not None:
        logging.getLogger(__name__).warning("%s held %d bytes, not a whole key: a new one signs every browser out",
                                            path, len(key))
        write_atomically(path, fresh, 0o600)
        return fresh
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(fresh)
    return fresh

"""Health: live (the process answers), ready (it can do its work), status (Salt, jobs, pillar)."""

import os
import shutil

from flask import jsonify

from sigmavault.salt_bridge.call import salt_call_binary
from sigmavault_panel.api import bp
from sigmavault_panel.config import panel_dir
from sigmavault_panel.panel import panel


@bp.get("/health/live")
def health_live():
    return jsonify({"status": "alive"})


def readiness() -> dict[str, str | None]:
    """Each check's problem, or None when it passes."""
    services = panel()
    state = panel_dir(services.site.state_dir)
    salt = salt_call_binary()
    return {
        "state_dir": None if os.access(state, os.W_OK) else f"{state} is not writable",
        "pillar": None if os.access(services.store.path, os.R_OK) else f"cannot read {services.store.path}",
        "salt": None if shutil.which(salt) or os.access(salt, os.X_OK) else f"{salt} is not installed",
        "git": None if shutil.which("git") else "git is not installed (the pillar's history needs it)",
    }


@bp.get("/health/ready")
def health_ready():
    checks = readiness()
    ready = not any(checks.values())
    body = {"ready": ready, "checks": {name: problem or "ok" for name, problem in checks.items()}}
    return jsonify(body), 200 if ready else 503


@bp.get("/health/status")
def health_status():
    services = panel()
    readings = services.reader.read("system", "host", "storage")
    running = services.runner.running()
    snapshot = services.store.read()
    return jsonify({
        "salt": {"breaker": services.reader.breaker(),
                 "readings": {k: {"stale": r.stale, "problem": r.problem, "fetched_at": r.fetched_at}
                              for k, r in readings.items()}},
        "job": running.as_dict() if running else None,
        "pillar": {"version": snapshot.version, "etag": snapshot.etag, "problem": snapshot.problem,
                   "read_only": services.store.read_only_reason},
        "event_streams": {"open": services.streams.open, "limit": services.streams.limit},
    })

"""Run salt-call for a site, reading per-state progress from its log lines and the result as JSON."""

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.salt_bridge.site import Site

_COMPLETED = re.compile(r"^INFO\|Completed state \[(?P<name>.*)\] at time \S+ \(duration_in_ms=(?P<ms>[\d.]+)\)")


class SaltUnavailable(RuntimeError):
    pass


@dataclass
class SaltReply:
    returncode: int
    data: object            # what the function returned (the 'local' value)
    stderr: str


def salt_call_binary() -> str:
    """The salt-call installed beside the Python that runs us (the project's virtual environment)."""
    candidate = Path(sys.executable).parent / "salt-call"
    return str(candidate) if candidate.exists() else "salt-call"


def salt_call(site: Site, *args: str, on_state_done: Callable[[str, float], None] | None = None) -> SaltReply:
    config_dir = write_config_dir(site)
    argv = [salt_call_binary(), "--config-dir", str(config_dir), "--local", "--out", "json",
            "--retcode-passthrough", "--log-level", "info" if on_state_done else "error", *args]
    # The JSON result goes to a file: a large result in a pipe would block salt-call while we read its log.
    with tempfile.TemporaryFile("w+") as result:
        try:
            process = subprocess.Popen(argv, stdout=result, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            raise SaltUnavailable(f"cannot run salt-call: {error}; run `make setup` first") from error
        stderr_lines = []
        for line in process.stderr:
            stderr_lines.append(line)
            match = _COMPLETED.match(line)
            if match and on_state_done:
                on_state_done(match["name"], float(match["ms"]) / 1000)
        returncode = process.wait()
        result.seek(0)
        stdout = result.read()
    try:
        data = json.loads(stdout)["local"] if stdout.strip() else None
    except (ValueError, KeyError, TypeError):
        data = stdout
    return SaltReply(returncode, data, "".join(stderr_lines))

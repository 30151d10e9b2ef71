"""Run salt-call for a site: the result as JSON, and per-state progress from Salt's event bus.

A run followed with on_state_done runs without --local (the config's file_client: local keeps it
masterless) and with state_events=True, while state_events.listening() holds Salt's event bus for the
site: each state reports itself as it completes. Where the bus cannot listen (another followed run holds
it, or its socket path is too long), progress is read from salt-call's log lines instead
("Completed state [...]"), as --local runs print them.
"""

import json
import logging
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sigmavault.agents import boxlock
from sigmavault.salt_bridge import job_records, state_events
from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.site import Site

log = logging.getLogger(__name__)
_COMPLETED = re.compile(r"^INFO\|Completed state \[(?P<name>.*)\] at time \S+ \(duration_in_ms=(?P<ms>[\d.]+)\)")
EVENT_BUS, LOG_LINES = "event bus", "log lines"
# How long an apply waits for running agent work that holds the box to reach a safe point.
APPLY_WAITS_FOR_BOX_SECONDS = 120.0
APPLY_FUNCTIONS = ("state.apply", "state.highstate", "state.sls")


class SaltUnavailable(RuntimeError):
    pass


@dataclass
class SaltReply:
    returncode: int
    data: object            # what the function returned (the 'local' value)
    stderr: str
    progress_from: str | None = None   # EVENT_BUS or LOG_LINES when the run was followed
    notes: list[str] = field(default_factory=list)   # what was repaired before the run (stale job records)


def salt_call_binary() -> str:
    """The salt-call installed beside the Python that runs us (the project's virtual environment)."""
    candidate = Path(sys.executable).parent / "salt-call"
    return str(candidate) if candidate.exists() else "salt-call"


def changes_the_box(args: tuple[str, ...]) -> bool:
    """A real apply (not its test=True preview): it holds the box, so no agent work runs beside it."""
    return bool(args) and args[0] in APPLY_FUNCTIONS and "test=True" not in args[1:]


def salt_call(site: Site, *args: str, on_state_done: Callable[[str, float], None] | None = None,
              box_wait_seconds: float = APPLY_WAITS_FOR_BOX_SECONDS) -> SaltReply:
    """Salt's reply; raises RecordDamaged when a damaged Salt job record stops Salt and cannot go yet, and
    BoxBusy when an apply cannot have the box (agent work holding it did not stop in time): nothing ran.

    Every apply goes through here (the CLI, the panel's jobs, the drift agent's converge), so one place
    makes applies and box-holding agent tasks exclusive (agents/boxlock.py)."""
    if changes_the_box(args):
        with boxlock.for_apply(site, wait_seconds=box_wait_seconds):
            return _salt_call(site, args, on_state_done)
    return _salt_call(site, args, on_state_done)


def _salt_call(site: Site, args: tuple[str, ...], on_state_done: Callable[[str, float], None] | None) -> SaltReply:
    config_dir = write_config_dir(site)
    cachedir = Path(yaml.safe_load((config_dir / "minion").read_text())["cachedir"])
    notes = job_records.remove_stale_damaged(cachedir, config_dir)
    reply = _followed(config_dir, args, on_state_done)
    if not reply.data:
        blocked = job_records.blocking(cachedir, config_dir)
        if blocked:
            raise blocked
    reply.notes = notes
    return reply


def _followed(config_dir: Path, args: tuple[str, ...],
              on_state_done: Callable[[str, float], None] | None) -> SaltReply:
    base = [salt_call_binary(), "--config-dir", str(config_dir), "--out", "json", "--retcode-passthrough"]
    if on_state_done is None:
        return _run([*base, "--local", "--log-level", "error", *args])
    with state_events.listening(config_dir / "minion", lambda e: on_state_done(e.id, e.seconds)) as bus:
        if isinstance(bus, state_events.Listener):
            reply = _run([*base, "--log-level", "error", *args, "state_events=True"])
            bus.drain()
            reply.progress_from = EVENT_BUS
            return reply
        log.info("per-state progress comes from salt-call's log: %s", bus)

    def from_log(line: str) -> None:
        match = _COMPLETED.match(line)
        if match:
            on_state_done(match["name"], float(match["ms"]) / 1000)

    reply = _run([*base, "--local", "--log-level", "info", *args], on_line=from_log)
    reply.progress_from = LOG_LINES
    return reply


def _run(argv: list[str], on_line: Callable[[str], None] | None = None) -> SaltReply:
    # The JSON result goes to a file: a large result in a pipe would block salt-call while we read its log.
    with tempfile.TemporaryFile("w+") as result:
        try:
            process = subprocess.Popen(argv, stdout=result, stderr=subprocess.PIPE, text=True)
        except OSError as error:
            raise SaltUnavailable(f"cannot run salt-call: {error}; run `make setup` first") from error
        stderr_lines = []
        for line in process.stderr:
            stderr_lines.append(line)
            if on_line:
                on_line(line)
        returncode = process.wait()
        result.seek(0)
        stdout = result.read()
    try:
        data = json.loads(stdout)["local"] if stdout.strip() else None
    except (ValueError, KeyError, TypeError):
        data = stdout
    return SaltReply(returncode, data, "".join(stderr_lines))

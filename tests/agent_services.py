"""Agent services a test started: a converge of a pillar without `agents.enabled: false` starts the real
`sigmavault-agents` for the test's state dir (detached, as on a box without systemd), and it must not outlive
the test that owns that state dir — its self-heal would otherwise watch daemons other tests start."""

import os
import signal
import time
from pathlib import Path

PROGRAMS = ("sigmavault-agents", "sigmavault.cli.agents_service")
STOP_SECONDS = 30.0


def running() -> dict[int, Path]:
    """pid -> state dir of every agent service on the machine."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if any(arg.endswith(PROGRAMS) for arg in argv[:3]) and "--state-dir" in argv:
            position = argv.index("--state-dir") + 1
            if position < len(argv):
                found[int(entry.name)] = Path(argv[position])
    return found


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


def stop(pid: int) -> None:
    """SIGTERM (the service stops its tasks and exits), SIGKILL if it has not gone in STOP_SECONDS."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sent)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline:
            if _gone(pid):
                return
            time.sleep(0.05)


def stop_those_under(folder: Path, spared: set[int]) -> list[Path]:
    """Stop every agent service (but the spared pids) whose state dir lies under folder; their state dirs."""
    stopped = []
    for pid, state_dir in running().items():
        if pid not in spared and state_dir.resolve().is_relative_to(folder.resolve()):
            stop(pid)
            stopped.append(state_dir)
    return stopped

"""The daemons SigmaVault configures: started and reloaded through systemd on a box, directly elsewhere.

Where systemd is not PID 1 (containers, the test host) a daemon is started by its own command and
found by its pid file, so the same plan converges both.
"""

import contextlib
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from sigmavault.command import run, run_result


@dataclass(frozen=True)
class Daemon:
    unit: str                          # systemd unit
    start: tuple[str, ...]             # how to start it without systemd
    pidfile: Path                      # where that start leaves its pid
    reload: tuple[str, ...]            # how to make it reread its config without systemd; {pid} is its pid
    program: str = ""                  # what its process runs, when start[0] only launches it (default start[0])


def systemd_runs() -> bool:
    return Path("/run/systemd/system").is_dir()


def unit_active(unit: str) -> bool:
    return run_result(["systemctl", "is-active", "--quiet", unit]).returncode == 0


def running(daemon: Daemon) -> bool:
    if systemd_runs():
        return unit_active(daemon.unit)
    try:
        os.kill(int(_pid(daemon)), 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def enabled(daemon: Daemon) -> bool:
    """Starts at boot; without systemd there is no boot to start at, so yes."""
    if not systemd_runs():
        return True
    return run_result(["systemctl", "is-enabled", "--quiet", daemon.unit]).returncode == 0


def start_commands(daemon: Daemon) -> list[list[str]]:
    if systemd_runs():
        return [["systemctl", "enable", "--now", daemon.unit]]
    # The daemon forks and writes its pid file a moment later; the next plan looks for that file.
    wait = f"until test -s {daemon.pidfile}; do sleep 0.1; done"
    return [list(daemon.start), ["timeout", "15", "sh", "-c", wait]]


def reload_commands(daemon: Daemon) -> list[list[str]]:
    """Make a running daemon read its new config."""
    if systemd_runs():
        return [["systemctl", "reload-or-restart", daemon.unit]]
    return [[part.replace("{pid}", _pid(daemon)) for part in daemon.reload]]


def stop_commands(daemon: Daemon) -> list[list[str]]:
    if systemd_runs():
        return [["systemctl", "disable", "--now", daemon.unit]]
    pid = _pid(daemon)
    return [["kill", "-TERM", pid], ["timeout", "15", "sh", "-c", f"while kill -0 {pid}; do sleep 0.1; done"]]


def restart(daemon: Daemon, grace_seconds: float = 5.0) -> None:
    """Stop a daemon that no longer answers, however it is stuck, and start it again (self-heal).
    CommandError when it does not start."""
    if systemd_runs():
        # systemd's stop sends SIGCONT right after SIGTERM, and SIGKILL after the unit's TimeoutStopSec.
        run(["systemctl", "restart", daemon.unit])
        return
    _stop_stuck(daemon, grace_seconds)
    for argv in start_commands(daemon):
        run(argv)


def _stop_stuck(daemon: Daemon, grace_seconds: float) -> None:
    """SIGTERM, then SIGCONT so a stopped (SIGSTOP) daemon can act on it; SIGKILL for its process group (its
    helpers share its listening sockets) when it is still there after the grace time. Its pid file goes too,
    so the start that follows waits for the new daemon's own. A pid file left by a crash may name a process
    the kernel has since given that pid: only the daemon's own program is signalled."""
    try:
        pid = int(_pid(daemon))
    except (OSError, ValueError, IndexError):
        pid = 0
    if pid > 1 and _alive(pid) and runs_program(pid, daemon.program or daemon.start[0]):
        for sig in (signal.SIGTERM, signal.SIGCONT):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        if not _gone_within(pid, grace_seconds):
            for kill in (os.killpg, os.kill):    # killpg: only when it leads its group, as a daemon does
                with contextlib.suppress(ProcessLookupError):
                    kill(pid, signal.SIGKILL)
            _gone_within(pid, 10)
    daemon.pidfile.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Running or stopped; a zombie (killed, not yet reaped by its parent) no longer counts."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def process_argv(pid: int) -> list[bytes]:
    """pid's command line; empty when there is no such process, or none to read (a zombie, or a process in
    the middle of its exec)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return argv.rstrip(b"\0").split(b"\0") if argv else []


def runs_program(pid: int, program: str) -> bool:
    """Whether pid runs program (a name looked up on PATH, or a path): its executable is that file, or an
    argument names it (a script an interpreter runs, a module `python -m` runs). False for a pid the kernel
    gave to another program since a pid file was written."""
    found = shutil.which(program)
    if found and os.path.realpath(f"/proc/{pid}/exe") == os.path.realpath(found):
        return True
    name = Path(program).name
    return any(Path(os.fsdecode(arg)).name == name for arg in process_argv(pid))


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _pid(daemon: Daemon) -> str:
    return daemon.pidfile.read_text().split()[0]


def converge_commands(daemon: Daemon, config_changed: bool, wanted: bool = True) -> list[list[str]]:
    """What brings the daemon to wanted (running with the current config, or stopped); [] when it is."""
    is_running = running(daemon)
    if not wanted:
        return stop_commands(daemon) if is_running else []
    if not is_running:
        return start_commands(daemon)
    commands = [] if enabled(daemon) else [["systemctl", "enable", daemon.unit]]
    return commands + (reload_commands(daemon) if config_changed else [])

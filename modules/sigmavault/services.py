"""The daemons SigmaVault configures: started and reloaded through systemd on a box, directly elsewhere.

Where systemd is not PID 1 (containers, the test host) a daemon is started by its own command and
found by its pid file, so the same plan converges both.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from sigmavault.command import run_result


@dataclass(frozen=True)
class Daemon:
    unit: str                          # systemd unit
    start: tuple[str, ...]             # how to start it without systemd
    pidfile: Path                      # where that start leaves its pid
    reload: tuple[str, ...]            # how to make it reread its config without systemd; {pid} is its pid


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


# A daemon that does not answer may be stopped (SIGSTOP) or hung: SIGTERM, then SIGCONT so a stopped one can
# act on it, and SIGKILL for the whole process group if it is still there after the grace time. Its pid file
# goes too, so the start that follows waits for the new daemon's own. $1: pid file, $2: grace in tenths of s.
_STOP_STUCK = """pid=$(cut -d' ' -f1 "$1" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"; kill -CONT "$pid"; i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i+1)); [ "$i" -eq "$2" ] && kill -KILL -- "-$pid" "$pid" 2>/dev/null; sleep 0.1
  done
fi
rm -f "$1"
"""


def restart_commands(daemon: Daemon, grace_seconds: float = 5.0) -> list[list[str]]:
    """Stop a daemon that no longer answers, however it is stuck, and start it again (self-heal)."""
    if systemd_runs():
        # systemd's stop sends SIGCONT after SIGTERM and SIGKILL after the unit's TimeoutStopSec.
        return [["systemctl", "restart", daemon.unit]]
    tenths = str(max(1, round(grace_seconds * 10)))
    stop = ["timeout", str(int(grace_seconds) + 15), "sh", "-c", _STOP_STUCK, "stop", str(daemon.pidfile), tenths]
    return [stop, *start_commands(daemon)]


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

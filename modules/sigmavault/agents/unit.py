"""The systemd unit of the agent service, and how the service is started where systemd is not PID 1.

The service does heavy and privileged work on the box's behalf (a converge when drift is found, restarts of
smbd, key rotation, btrfs on the pools), so the unit leaves out every option that gives it a mount namespace
of its own (PrivateTmp, ProtectSystem, ProtectHome, ReadWritePaths …): a pool mounted by a converge from
inside such a namespace would never appear on the box. What it keeps costs the service nothing it does.
"""

from pathlib import Path

from sigmavault.services import Daemon
from sigmavault.site import Site

UNIT_NAME = "sigmavault-agents.service"
BINARY_NAME = "sigmavault-agents"
WATCHDOG_SECONDS = 30
READY_SECONDS = 60      # how long a start without systemd waits for the service's READY=1


def unit_path(site: Site) -> Path:
    return site.etc / "systemd" / "system" / UNIT_NAME


def pid_path(state_dir: Path) -> Path:
    return state_dir / "agents" / "agents.pid"


def log_path(state_dir: Path) -> Path:
    """Where the service's output goes when no journal takes it (started without systemd)."""
    return state_dir / "agents" / "agents.log"


def _quoted(text: str, program: bool = False) -> str:
    """One word of ExecStart as systemd reads it back: `%` starts a specifier wherever it stands and `$` a
    variable in every word but the program's (doubled, each is itself); inside double quotes `"` and the
    backslash are backslash-escaped."""
    text = text.replace("%", "%%") if program else text.replace("%", "%%").replace("$", "$$")
    if not any(c.isspace() or c in "\"'\\;" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unit_text(command: tuple[str, ...], state_dir: Path) -> str:
    """command: what runs the service, before its own options (the program, or python -m its module)."""
    exec_start = " ".join([_quoted(command[0], program=True), *map(_quoted, (*command[1:], "--state-dir",
                                                                            str(state_dir)))])
    return f"""\
# Written by SigmaVault (states/sigmavault/agents); `sigmavault apply` puts it back as it is here.
[Unit]
Description=SigmaVault maintenance agents (schedules, task queue, self-heal, drift watch)
After=local-fs.target sigmavault-unlock.service
Wants=local-fs.target

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec_start}
Restart=on-failure
RestartSec=5
WatchdogSec={WATCHDOG_SECONDS}
# The service asks its running tasks to stop at a safe point and kills those still running after a few
# seconds (its stop grace); TimeoutStopSec bounds the whole exit. What is left once it has exited is killed.
KillMode=mixed
TimeoutStopSec=90
LockPersonality=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
Environment=PYTHONUNBUFFERED=1

[Install]
WantedBy=multi-user.target
"""


def daemon(command: tuple[str, ...], state_dir: Path) -> Daemon:
    """The service as services.py starts and stops it: its unit on a systemd box; elsewhere detached by
    start-stop-daemon, which waits for its READY=1 (the same sd_notify message systemd reads) so a service
    that cannot start fails the state instead of seeming started."""
    pidfile = pid_path(state_dir)
    start = ("start-stop-daemon", "--start", "--background", "--make-pidfile", "--pidfile", str(pidfile),
             "--chdir", "/", "--output", str(log_path(state_dir)),
             "--notify-await", "--notify-timeout", str(READY_SECONDS),
             "--startas", command[0], "--", *command[1:], "--state-dir", str(state_dir))
    # Nothing to reload: the service rereads config.json itself when it changes.
    return Daemon(UNIT_NAME, start, pidfile, ("true",), program=command[0])

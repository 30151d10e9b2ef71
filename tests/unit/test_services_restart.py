"""services.restart on real processes: a daemon that ignores SIGTERM, or is stopped, is gone
after the restart's stop (SIGKILL for its whole process group after the grace time) and a new one runs."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sigmavault import services
from sigmavault.command import run
from sigmavault.services import Daemon

# A daemon in its own session that ignores SIGTERM, with a helper child in its process group.
STUBBORN = """
import os, signal, sys, time
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)    # as a daemon does: whoever started it is not kept waiting on its output
signal.signal(signal.SIGTERM, signal.SIG_IGN)
if os.fork() == 0:
    time.sleep(600)
    os._exit(0)
with open(sys.argv[1] + ".tmp", "w") as out:
    out.write(f"{os.getpid()}\\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
"""


@pytest.fixture
def stubborn(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "systemd_runs", lambda: False)
    pidfile = tmp_path / "stubborn.pid"
    daemon = Daemon("stubborn", ("setsid", "-f", sys.executable, "-c", STUBBORN, str(pidfile)), pidfile, (),
                    program=sys.executable)
    for argv in services.start_commands(daemon):
        run(argv)
    yield daemon
    with contextlib.suppress(OSError, ValueError):
        os.killpg(int(pidfile.read_text().split()[0]), signal.SIGKILL)


def pid_of(daemon: Daemon) -> int:
    return int(Path(daemon.pidfile).read_text().split()[0])


def group_members(group: int) -> list[int]:
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry))
    return found


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"   # killed; its parent (init here) reaps it in its own time


@pytest.mark.parametrize("stop_it_first", [False, True])
def test_a_daemon_that_ignores_sigterm_is_killed_with_its_group_and_started_again(stubborn, stop_it_first):
    old = pid_of(stubborn)
    deadline = time.monotonic() + 10
    while len(group_members(old)) < 2 and time.monotonic() < deadline:   # its helper is forked
        time.sleep(0.05)
    helpers = [pid for pid in group_members(old) if pid != old]
    assert helpers
    if stop_it_first:
        os.kill(old, signal.SIGSTOP)
    services.restart(stubborn, grace_seconds=0.5)
    new = pid_of(stubborn)
    assert new != old
    assert gone(old) and all(gone(pid) for pid in helpers)
    assert not gone(new)


def test_a_daemon_that_is_not_running_is_just_started(stubborn):
    old = pid_of(stubborn)
    os.killpg(old, signal.SIGKILL)
    services.restart(stubborn, grace_seconds=0.5)
    assert pid_of(stubborn) != old and not gone(pid_of(stubborn))


def test_a_pid_file_naming_another_program_does_not_get_that_program_signalled(stubborn):
    """After a crash the kernel may give the daemon's pid to anything: that process is left alone."""
    old = pid_of(stubborn)
    os.killpg(old, signal.SIGKILL)
    bystander = subprocess.Popen(["sleep", "600"])
    try:
        stubborn.pidfile.write_text(f"{bystander.pid}\n")
        services.restart(stubborn, grace_seconds=0.5)
        assert bystander.poll() is None
        assert pid_of(stubborn) not in (old, bystander.pid) and not gone(pid_of(stubborn))
    finally:
        bystander.kill()
        bystander.wait()


def test_the_daemons_program_is_told_from_another_by_its_executable_or_its_script():
    bystander = subprocess.Popen(["sleep", "600"])
    try:
        assert services.runs_program(bystander.pid, "sleep")
        assert not services.runs_program(bystander.pid, "smbd")
        assert services.runs_program(os.getpid(), sys.executable)
        assert not services.runs_program(2 ** 22 + 1, "sleep")    # above any pid_max: no such process
    finally:
        bystander.kill()
        bystander.wait()

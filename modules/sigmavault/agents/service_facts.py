"""Facts of the agent service on this box: how it is run (its program), whether it runs and since when, its
folder, config and unit as they are. Read by the agents state (service_plan), the CLI and demo-clean."""

import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sigmavault import services
from sigmavault.agents.config import agents_dir, config_path
from sigmavault.agents.unit import BINARY_NAME, UNIT_NAME, daemon, pid_path, unit_path
from sigmavault.command import run_result
from sigmavault.files import read_text
from sigmavault.site import Site

SERVICE_MODULE = "sigmavault.cli.agents_service"


@dataclass(frozen=True)
class Program:
    """How the service is run: its console script where SigmaVault is installed with one, else Python with
    the service's module (the image puts the library on the path without installing its scripts)."""
    command: tuple[str, ...]          # before the service's own options
    file: Path                        # the file whose change means a running service runs old code


@dataclass(frozen=True)
class ServiceFacts:
    systemd: bool
    program: Program | None           # None: the service cannot be run here
    program_changed: float | None     # the newest mtime of its code (code_files)
    folder_mode: int | None           # <S>/agents permission bits (None: no folder)
    config_text: str | None           # config.json as it is
    unit_text: str | None             # the unit file as it is (systemd boxes)
    running: bool
    enabled: bool                     # starts at boot (always true without systemd: there is no boot)
    started: float | None             # when the running service started (epoch seconds)
    planned_by_service: bool = False  # this process descends from the running service (drift's converge)


def installed_program() -> Program | None:
    """sigmavault-agents beside the Python that runs us (the project's environment) or on PATH; else
    `python -m sigmavault.cli.agents_service`."""
    folders = [Path(sys.executable).parent, *(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)]
    script = next((folder / BINARY_NAME for folder in folders if (folder / BINARY_NAME).is_file()), None)
    if script is not None:
        return Program((str(script),), script)
    spec = importlib.util.find_spec(SERVICE_MODULE)
    if spec is None or not spec.origin:
        return None
    return Program((sys.executable, "-m", SERVICE_MODULE), Path(spec.origin))


def service_pid(site: Site) -> int | None:
    """The running service's pid (its unit's main process, or the one in its pid file); None: not running."""
    return _systemd_main_pid() if services.systemd_runs() else _our_pid(site.state_dir)


def read_facts(site: Site, program: Program | None = None) -> ServiceFacts:
    program = program or installed_program()
    systemd = services.systemd_runs()
    folder = agents_dir(site)
    pid = service_pid(site)
    return ServiceFacts(
        systemd=systemd,
        program=program,
        program_changed=newest_change(code_files(program)) if program else None,
        folder_mode=folder.stat().st_mode & 0o7777 if folder.is_dir() else None,
        config_text=read_text(config_path(site)),
        unit_text=read_text(unit_path(site)) if systemd else None,
        running=pid is not None,
        enabled=services.enabled(daemon((BINARY_NAME,), site.state_dir)),
        started=process_start_time(pid) if pid else None,
        planned_by_service=pid is not None and descends_from(os.getpid(), pid, parent_pid),
    )


def code_files(program: Program) -> list[Path]:
    """What the service runs, whose change means it runs old code: its entry point and the agents package
    (the image installs no console script, so its entry point is agents_service.py)."""
    entry = importlib.util.find_spec(SERVICE_MODULE)
    package = importlib.util.find_spec("sigmavault.agents")
    files = [program.file] + ([Path(entry.origin)] if entry and entry.origin else [])
    for folder in package.submodule_search_locations or [] if package else []:
        files += Path(folder).rglob("*.py")
    return files


def newest_change(files: Iterable[Path]) -> float | None:
    """The newest mtime among files (those that exist); None when none does."""
    times = []
    for file in files:
        try:
            times.append(file.stat().st_mtime)
        except OSError:
            continue
    return max(times, default=None)


def descends_from(pid: int, ancestor: int, parent_of: Callable[[int], int | None]) -> bool:
    """Whether ancestor is pid or one of its forebears (parent_of: a process's parent, None at the top)."""
    seen: set[int] = set()
    current: int | None = pid
    while current and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parent_of(current)
    return False


def parent_pid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) or None
    except (OSError, IndexError, ValueError):
        return None


def _systemd_main_pid() -> int | None:
    done = run_result(["systemctl", "show", "--property", "MainPID", "--value", UNIT_NAME])
    pid = int(done.stdout.strip() or 0) if done.returncode == 0 and done.stdout.strip().isdigit() else 0
    return pid or None


def _our_pid(state_dir: Path) -> int | None:
    """The pid in the pid file, if that process is alive and is this state dir's service (not a pid the
    kernel has since given to another program)."""
    try:
        pid = int((read_text(pid_path(state_dir)) or "").split()[0])
    except (ValueError, IndexError):
        return None
    program = services.runs_program(pid, BINARY_NAME) or services.runs_program(pid, SERVICE_MODULE)
    ours = program and os.fsencode(str(state_dir)) in services.process_argv(pid)
    return pid if ours else None


def process_start_time(pid: int) -> float | None:
    """When pid started, in epoch seconds (boot time + its start in clock ticks since boot)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, IndexError, StopIteration, ValueError):
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")

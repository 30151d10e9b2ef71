"""Salt's records of running jobs (``<cachedir>/proc/<jid>``), made safe before a salt-call starts.

Every salt-call reads all of them to refuse a second run of the same job, and one that does not decode
(a crash or a full disk cut it short) makes every state.apply stop with a traceback before it starts. A
record only matters while its job runs, so a damaged one is removed when no salt-call of this site is
running; while one runs, the damaged record may be its own, half-written, and is left alone.
"""

import contextlib
import os
from pathlib import Path

import msgpack

from sigmavault.records import RecordDamaged


def proc_dir(cachedir: Path) -> Path:
    return Path(cachedir) / "proc"


def _damaged(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return False             # gone meanwhile (its job ended), or not Salt's: not ours to judge
    if not data:
        return False             # Salt removes an empty record itself
    try:
        record = msgpack.unpackb(data, raw=False, strict_map_key=False)
    except (ValueError, msgpack.UnpackException):
        return True
    return not isinstance(record, dict) or "pid" not in record


def damaged_records(cachedir: Path) -> list[Path]:
    folder = proc_dir(cachedir)
    return sorted(p for p in folder.iterdir() if _damaged(p)) if folder.is_dir() else []


def salt_calls_running(config_dir: Path) -> list[int]:
    """Process ids of salt-calls started with this site's --config-dir (the CLI's, the panel's)."""
    # Salt retitles its processes: the arguments then stand in one string, joined by spaces.
    wanted, found = b" " + str(config_dir).encode() + b" ", []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if wanted in b" " + Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ") + b" ":
                found.append(int(entry))
    return found


def remove_stale_damaged(cachedir: Path, config_dir: Path) -> list[str]:
    """Remove damaged job records when no salt-call of the site runs; what was removed, as notes."""
    damaged = damaged_records(cachedir)
    if not damaged or salt_calls_running(config_dir):
        return []
    notes = []
    for path in damaged:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            notes.append(f"removed {path}: a damaged record of a Salt job that no longer runs")
    return notes


def blocking(cachedir: Path, config_dir: Path) -> RecordDamaged | None:
    """Why Salt could not start, when a damaged job record is the reason: the file and what to do."""
    damaged = damaged_records(cachedir)
    if not damaged:
        return None
    running = salt_calls_running(config_dir)
    remedy = (f"a salt-call of this box is running (pid {', '.join(map(str, running))}) and the record may be "
              "its own: wait until it ends, then run again (a damaged record is then removed)" if running else
              "no Salt job of this box runs, so the file can go: remove it, then run again")
    return RecordDamaged(damaged[0], "is a damaged Salt job record that stops every salt-call from starting",
                         remedy)

"""A job's CPU and I/O priority: nice and ionice for the thread that runs it and everything it starts.

Both are per thread on Linux and inherited by threads and processes created afterwards (zstd's workers,
``btrfs filesystem defragment``), so ``apply_priority`` runs first, on the thread that runs the job.
Writeback of data the kernel flushes later is done by kernel threads, not at this priority.
"""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Priority:
    nice: int  # 0 … 19
    io_class: int  # 2 best-effort, 3 idle (only uses the disk when nothing else does)
    io_level: int  # 0 … 7 within best-effort

    def describe(self) -> str:
        io = "idle" if self.io_class == 3 else f"best-effort {self.io_level}"
        return f"nice {self.nice}, I/O {io}"


PRIORITY = {
    "low": Priority(19, 3, 7),
    "normal": Priority(10, 2, 7),
    "high": Priority(0, 2, 4),
}


def apply_priority(name: str) -> str:
    """Lower (never raise) this thread's CPU priority and set its I/O class; return what now applies."""
    wanted = PRIORITY[name]
    current = os.getpriority(os.PRIO_PROCESS, 0)
    nice = max(current, wanted.nice)
    if nice != current:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    argv = ["ionice", "-c", str(wanted.io_class), *(["-n", str(wanted.io_level)] if wanted.io_class == 2 else []),
            "-p", str(threading.get_native_id())]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        io_ok = done.returncode == 0
    except FileNotFoundError:
        io_ok = False
    applied = Priority(nice, wanted.io_class, wanted.io_level)
    return applied.describe() if io_ok else f"nice {nice}, I/O priority unchanged (ionice failed)"

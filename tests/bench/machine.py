"""Describe the machine a benchmark ran on, so numbers are never quoted without it."""

import os
import platform
import sys
from datetime import datetime, timezone


def machine() -> dict:
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "host": platform.node(),
            "kernel": platform.release(), "cpu": model, "cores": os.cpu_count(),
            "python": sys.version.split()[0]}

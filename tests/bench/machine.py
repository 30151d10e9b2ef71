"""Describe the machine a benchmark ran on, so numbers are never quoted without it."""

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path


def machine() -> dict:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        cpuinfo = []
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown")
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "host": platform.node(),
            "kernel": platform.release(), "cpu": model, "cores": os.cpu_count(),
            "python": sys.version.split()[0]}


def save(results: dict, out: str, name: str) -> None:
    """Write <name>-<date>.json and <name>-latest.json under out; results carry their "machine"."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    stamp = results["machine"]["date"].replace(":", "")
    for file_name in (f"{name}-{stamp}.json", f"{name}-latest.json"):
        (directory / file_name).write_text(text)

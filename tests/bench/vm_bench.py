"""make bench-vm (python -m tests.bench.vm_bench): the image and its first boot, under QEMU TCG.

Reports the ISO's build time and size (written by live-build/build-iso.sh), the time from QEMU's start to
the first-boot converge line on the console, how long the first-boot unit ran, and in the same guest a
second (no-op) converge against bare `salt-call --local test.ping` (Salt's own start-up cost, the peer).
"""

import argparse
import json
import secrets
import time

from sigmavault import tree
from tests.bench.machine import machine, save
from tests.vm.boxes import start_box, wait_until_converged


def guest_seconds(box, command: str) -> float:
    """Wall time of a command measured by the guest's own clock (no ssh start-up in it)."""
    start, end = box.ssh(f"date +%s.%N; {command} >/dev/null 2>&1; date +%s.%N").stdout.split()
    return float(end) - float(start)


def unit_seconds(box, unit: str) -> float:
    shown = box.ssh(f"systemctl show -p ExecMainStartTimestampMonotonic -p ExecMainExitTimestampMonotonic {unit}")
    values = dict(line.split("=", 1) for line in shown.stdout.split())
    return (int(values["ExecMainExitTimestampMonotonic"]) - int(values["ExecMainStartTimestampMonotonic"])) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--arch", default="amd64")
    args = parser.parse_args()
    build = tree.root() / "build"
    iso = build / f"sigmavault-{args.arch}.iso"
    built = json.loads((build / f"iso-{args.arch}.json").read_text())
    work = build / "vm-bench"
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    box = start_box(iso, work, "Bench-" + secrets.token_urlsafe(12))
    try:
        wait_until_converged(box)
        boot_to_converged = time.monotonic() - started
        results = {
            "machine": machine(),
            "command": "python -m tests.bench.vm_bench",
            "guest": " ".join(box.command()[:12]) + " …",
            "iso": {"build_seconds": built["seconds"], "bytes": built["bytes"]},
            "boot_to_converged_seconds": round(boot_to_converged, 1),
            "first_boot_unit_seconds": round(unit_seconds(box, "sigmavault-firstboot"), 1),
            "second_converge_seconds": round(guest_seconds(box, "sigmavault apply"), 1),
            "peer_salt_call_test_ping_seconds": round(guest_seconds(
                box, "/opt/sigmavault/venv/bin/salt-call --local test.ping"), 1),
        }
    finally:
        box.stop()
    save(results, args.out, "vm")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

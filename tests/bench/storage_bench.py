"""make bench (python -m tests.bench.storage_bench): converge of the example site from blank disks,
and a no-op highstate against bare `salt-call --local test.ping` in the same run, on a private copy
of the example site."""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.salt_bridge.call import salt_call_binary
from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.site import Site
from tests.bench.machine import machine, save
from tests.system.loopdisks import LoopDisks


def private_site(root: Path) -> dict:
    """The example pillar's storage with its disks and mountpoints moved under root (no accounts or shares:
    this bench measures storage, and must not add accounts to the machine it runs on)."""
    document = yaml.safe_load((tree.example_pillar_dir() / "sigmavault.sls").read_text())
    document["sigmavault"].update(users={}, shares={})
    storage = document["sigmavault"]["storage"]
    for name, disk in storage["disks"].items():
        disk["backing_file"] = str(root / "disks" / f"{name}.img")
    for pool in storage["pools"].values():
        pool["mountpoint"] = str(root / "mnt") + pool["mountpoint"]
        for dataset in (pool.get("datasets") or {}).values():
            if dataset.get("mountpoint"):
                dataset["mountpoint"] = str(root / "mnt") + dataset["mountpoint"]
    return document


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def salt_argv(config_dir: Path, *args: str) -> list[str]:
    return [salt_call_binary(), "--config-dir", str(config_dir), "--local", "--retcode-passthrough", *args]


def one_converge(rounds_dir: Path) -> tuple[float, Site, LoopDisks]:
    rounds_dir.mkdir(parents=True)
    document = private_site(rounds_dir)
    (rounds_dir / "disks").mkdir()
    disks = LoopDisks(rounds_dir / "disks")
    for name in document["sigmavault"]["storage"]["disks"]:
        image = rounds_dir / "disks" / f"{name}.img"
        subprocess.run(["truncate", "--size", "1G", str(image)], check=True)
        disks.devices.append(subprocess.run(["losetup", "--find", "--show", str(image)], check=True,
                                            capture_output=True, text=True).stdout.strip())
    site = Site(rounds_dir / "pillar", rounds_dir / "state", rounds_dir / "fstab")
    site.pillar_dir.mkdir()
    (site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (site.pillar_dir / "sigmavault.sls").write_text(yaml.safe_dump(document))
    config_dir = write_config_dir(site)
    return timed(salt_argv(config_dir, "state.apply")), site, disks


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = {"machine": machine(), "benchmarks": []}
    with tempfile.TemporaryDirectory(prefix="sv-bench-") as scratch:
        root = Path(scratch)
        converges, site, disks = [], None, []
        try:
            for round_number in range(3):
                seconds, site, round_disks = one_converge(root / f"converge{round_number}")
                disks.append(round_disks)
                converges.append(seconds)
            config_dir = write_config_dir(site)
            noop = [timed(salt_argv(config_dir, "state.apply")) for _ in range(args.rounds)]
            ping = [timed(salt_argv(config_dir, "test.ping")) for _ in range(args.rounds)]
        finally:
            for round_number, round_disks in enumerate(disks):
                round_disks.release(root / f"converge{round_number}")
    results["benchmarks"] = [
        {"name": "converge example site from blank loop disks", "command": "salt-call --local state.apply",
         "median_s": statistics.median(converges), "runs_s": converges},
        {"name": "no-op highstate over the converged example site", "command": "salt-call --local state.apply",
         "median_s": statistics.median(noop), "runs_s": noop},
        {"name": "peer: bare salt-call", "command": "salt-call --local test.ping",
         "median_s": statistics.median(ping), "runs_s": ping},
        {"name": "no-op highstate / test.ping", "ratio": statistics.median(noop) / statistics.median(ping)},
    ]
    save(results, args.out, "storage")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

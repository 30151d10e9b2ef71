"""Processes on one site's minion event bus, for tests that need a second process or a host to kill.

`python -m tests.system.bus_processes subscribe ROOT`: one JSON line [tag, data] per agents' event heard.
`python -m tests.system.bus_processes publish ROOT`: a publisher; prints `hosting true|false`, then fires one
event per stdin line `TAG JSON` and answers `ok true|false`; closes at end of input.
"""

import json
import sys
from pathlib import Path

from sigmavault.salt_bridge import agent_bus
from sigmavault.site import Site


def site_in(root: Path) -> Site:
    return Site(pillar_dir=root / "pillar", state_dir=root / "state", fstab=root / "fstab", etc=root / "etc")


def main(mode: str, root: str) -> None:
    site = site_in(Path(root))
    if mode == "subscribe":
        for tag, data in agent_bus.subscribe(site):
            print(json.dumps([tag, data]), flush=True)
        return
    publisher = agent_bus.publisher(site)
    print(f"hosting {json.dumps(publisher.hosting)}", flush=True)
    for line in sys.stdin:
        tag, _, data = line.strip().partition(" ")
        print(f"ok {json.dumps(publisher.publish(tag, json.loads(data)))}", flush=True)
    publisher.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""Host name and time zone: read what the box has, plan what the pillar declares."""

import os
import socket
from dataclasses import dataclass
from pathlib import Path

from sigmavault.files import read_text
from sigmavault.schema.errors import PillarError, key_path
from sigmavault.steps import Plan
from sigmavault.system.hosts_file import with_host_name

ZONEINFO = Path("/usr/share/zoneinfo")


@dataclass(frozen=True)
class HostFacts:
    hostname: str                 # what the kernel answers now
    hostname_file: str | None     # <etc>/hostname, what the next boot uses
    localtime_target: str | None  # where <etc>/localtime points
    timezone_file: str | None     # <etc>/timezone (Debian keeps the name there too)
    hosts_file: str | None = None  # <etc>/hosts


def read_host_facts(etc: Path) -> HostFacts:
    localtime = etc / "localtime"
    return HostFacts(socket.gethostname(), read_text(etc / "hostname"),
                     os.readlink(localtime) if localtime.is_symlink() else None, read_text(etc / "timezone"),
                     read_text(etc / "hosts"))


def zone_errors(system: dict, zoneinfo: Path = ZONEINFO) -> list[PillarError]:
    zone = system.get("timezone")
    if zone and not (zoneinfo / zone).is_file():
        return [PillarError(key_path("sigmavault", "system", "timezone"),
                            f"{zone!r} is not a time zone this box knows (none under {zoneinfo})")]
    return []


def plan_host(system: dict, facts: HostFacts, etc: Path, zoneinfo: Path = ZONEINFO) -> Plan:
    plan = Plan()
    name = system.get("hostname")
    hosts = with_host_name(facts.hosts_file, name) if name else facts.hosts_file
    hosts_write = ((str(etc / "hosts"), hosts),) if hosts != facts.hosts_file else ()
    if name and (facts.hostname != name or (facts.hostname_file or "").strip() != name):
        plan.add(f"set host name to {name}", ["hostname", name],
                 writes=((str(etc / "hostname"), name + "\n"),) + hosts_write)
    elif hosts_write:
        plan.add(f"name {name} on 127.0.1.1 in {etc / 'hosts'}", writes=hosts_write)
    zone = system.get("timezone")
    target = str(zoneinfo / zone) if zone else None
    if zone and (facts.localtime_target != target or (facts.timezone_file or "").strip() != zone):
        plan.add(f"set time zone to {zone}", ["ln", "-sfn", target, str(etc / "localtime")],
                 writes=((str(etc / "timezone"), zone + "\n"),))
    return plan

"""What the host had before `make demo` first ran, so `make demo-clean` undoes only what the demo made.

Applying the example pillar adds its accounts and groups, replaces smb.conf and starts smbd, installs the
panel's PAM file and makes the pools' folders. Before the first apply the demo notes which of these the
host already had (and keeps a copy of each file it will replace); cleaning removes or restores exactly
those, and leaves alone whatever was there before."""

import grp
import os
import pwd
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sigmavault.agents.unit import UNIT_NAME
from sigmavault.records import read_json, write_json
from sigmavault.services import running
from sigmavault.shares.smb_plan import smbd
from sigmavault.site import DEMO_DIR

RECORD = DEMO_DIR / "before-demo.json"
SAVED = DEMO_DIR / "saved"
SMB_CONF = Path("/etc/samba/smb.conf")
PAM_FILE = Path("/etc/pam.d/sigmavault-panel")
AGENTS_UNIT = Path("/etc/systemd/system") / UNIT_NAME   # written on a systemd host by the agents state
REMEDY = f"delete it; `make demo-clean` then removes only the demo's disks (check {SMB_CONF} and accounts by hand)"


@dataclass
class Before:
    accounts: list[str] = field(default_factory=list)      # the demo's accounts the host did not have
    groups: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)       # mountpoints that did not exist
    files: dict[str, str | None] = field(default_factory=dict)   # host file -> saved copy, None: absent
    smbd_running: bool = False


def _exists(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def mountpoints(storage: dict) -> list[str]:
    pools = storage.get("pools", {}).values()
    return sorted({p["mountpoint"] for p in pools} | {
        d["mountpoint"] for p in pools for d in (p.get("datasets") or {}).values() if d.get("mountpoint")})


def take(document: dict) -> Before:
    """The host as it is now, for the pillar the demo is about to apply; copies of the files it replaces."""
    users = document.get("users", {})
    before = Before(
        accounts=sorted(n for n in users.get("accounts", {}) if not _exists(pwd.getpwnam, n)),
        groups=sorted(n for n in users.get("groups", {}) if not _exists(grp.getgrnam, n)),
        folders=[m for m in mountpoints(document.get("storage", {})) if not os.path.lexists(m)],
        smbd_running=running(smbd(SMB_CONF)))
    for path in (SMB_CONF, PAM_FILE, AGENTS_UNIT):
        if path.exists():
            copy = SAVED / str(path).strip("/").replace("/", "-")
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            before.files[str(path)] = str(copy)
        else:
            before.files[str(path)] = None
    return before


def remember(document: dict) -> Before:
    """The record of the first run; a second `make demo` keeps it (the host then already has the demo)."""
    found = recall()
    if found is None:
        found = take(document)
        write_json(RECORD, asdict(found))
    return found


def recall() -> Before | None:
    value = read_json(RECORD, dict, REMEDY, default=None)
    return None if value is None else Before(**{k: v for k, v in value.items() if k in Before.__annotations__})


def before_making(accounts: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> None:
    """Call before the demo makes an account or group of its own (such as the panel's demo admin): those the
    host does not have yet are added to the record, so `make demo-clean` removes them again."""
    found = recall()
    if found is None:
        return   # no demo on this host: nothing to clean later
    found.accounts = sorted(set(found.accounts) | {n for n in accounts if not _exists(pwd.getpwnam, n)})
    found.groups = sorted(set(found.groups) | {n for n in groups if not _exists(grp.getgrnam, n)})
    write_json(RECORD, asdict(found))

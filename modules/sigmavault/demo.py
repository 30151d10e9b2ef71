"""`make demo` and `make demo-clean`: virtual disks for the example site, made from the backing_file
entries of its pillar, and everything applying that pillar added to the host taken away again.

python -m sigmavault.demo up     note what the host has (once), create and attach the loop-backed disks
python -m sigmavault.demo next   the commands to try on the demo box
python -m sigmavault.demo down   undo what the demo made: smb.conf and smbd as they were, pools unmounted,
                                 disks detached and deleted, the demo's accounts, groups, PAM file and folders
"""

import os
import sys
from pathlib import Path

from sigmavault import steps, tree
from sigmavault.agents.service_facts import read_facts
from sigmavault.agents.service_plan import stop_plan
from sigmavault.command import run, run_result
from sigmavault.demo_record import SMB_CONF, Before, mountpoints, recall, remember
from sigmavault.files import write_atomically
from sigmavault.mounts import read_mounts
from sigmavault.pillar_text import read_file
from sigmavault.services import reload_commands, running, stop_commands
from sigmavault.shares.smb_conf import HEADER
from sigmavault.shares.smb_plan import smbd
from sigmavault.site import DEMO_DIR, Site, is_demo_pillar

DISK_SIZE = "1G"


def _document() -> dict:
    return read_file(tree.example_pillar_dir() / "sigmavault.sls").get("sigmavault") or {}


def _attached(image: Path) -> list[str]:
    out = run(["losetup", "--associated", str(image), "--noheadings", "--output", "NAME"])
    return [line.strip() for line in out.splitlines() if line.strip()]


def up(document: dict) -> None:
    remember(document)
    for name, disk in document.get("storage", {}).get("disks", {}).items():
        if not disk.get("backing_file"):
            continue
        image = Path(disk["backing_file"])
        image.parent.mkdir(parents=True, exist_ok=True)
        if not image.exists():
            run(["truncate", "--size", DISK_SIZE, str(image)])
        device = _attached(image) or [run(["losetup", "--find", "--show", str(image)]).strip()]
        print(f"disk {name}: {device[0]} backed by {image}")


def next_steps(_document: dict) -> None:
    """The plain commands when they resolve to the demo's site; else (a box with its own pillar, or
    SIGMAVAULT_* set) the same with the example pillar named, so they still act on the demo."""
    site = Site.from_environment()
    option = ""
    if not (is_demo_pillar(site.pillar_dir) and site.fstab == DEMO_DIR / "fstab"):
        example, here = tree.example_pillar_dir().resolve(), Path.cwd().resolve()
        option = f"--pillar {example.relative_to(here) if example.is_relative_to(here) else example} "
        site = Site.from_environment(pillar_dir=str(example))
    print(f"\nThe demo box is up. These act on it (state in {site.state_dir}, mounts recorded in {site.fstab},"
          " never in this host's /etc/fstab):")
    for verb, what in (("status", "what the box has"), ("plan", "what apply would change"),
                       ("apply", "converge again (0 changes)")):
        print(f"  .venv/bin/sigmavault {option}{verb:<7}# {what}")
    print("Edit pillar/sigmavault.sls and run plan, then apply. `make demo-clean` takes it all away again.")


def _restore_samba(before: Before) -> None:
    """smbd stops serving the demo's shares before their pools go away."""
    saved = before.files.get(str(SMB_CONF))
    if saved and Path(saved).exists():
        write_atomically(SMB_CONF, Path(saved).read_text())
        print(f"restored {SMB_CONF}")
    elif SMB_CONF.exists() and SMB_CONF.read_text().startswith(HEADER):
        SMB_CONF.unlink()
        print(f"removed {SMB_CONF} (the demo wrote it)")
    daemon = smbd(SMB_CONF)
    if not running(daemon):
        return
    commands = reload_commands(daemon) if before.smbd_running and SMB_CONF.exists() else stop_commands(daemon)
    for command in commands:
        run(command)
    print("smbd reloaded with the host's smb.conf" if before.smbd_running else "stopped smbd (the demo started it)")


def _unmount_and_delete_disks(storage: dict) -> None:
    mounted = [m.mountpoint for m in read_mounts()]
    for mountpoint in sorted(set(mountpoints(storage)) & set(mounted), key=len, reverse=True):
        run(["umount", mountpoint])
        print(f"unmounted {mountpoint}")
    for disk in storage.get("disks", {}).values():
        image = Path(disk["backing_file"]) if disk.get("backing_file") else None
        if image and image.exists():
            for device in _attached(image):
                run(["losetup", "--detach", device])
            image.unlink()
            print(f"removed {image}")


def _remove_what_the_demo_added(before: Before) -> None:
    for account in before.accounts:
        if run_result(["id", "-u", account]).returncode == 0:
            run_result(["pdbedit", "--delete", "--user", account])   # its SMB entry, when it had one
            run(["userdel", account])
            print(f"removed the account {account}")
    for group in before.groups:
        if run_result(["getent", "group", group]).returncode == 0:
            run(["groupdel", group])
            print(f"removed the group {group}")
    for path, saved in before.files.items():
        if Path(path) != SMB_CONF and saved is None and os.path.exists(path):
            os.unlink(path)
            print(f"removed {path}")
    for folder in sorted(before.folders, key=len, reverse=True):
        if os.path.isdir(folder) and not os.path.ismount(folder) and not os.listdir(folder):
            os.rmdir(folder)
            print(f"removed the folder {folder}")


def _stop_agents() -> None:
    """The demo's agent service stops before its pools go: a task of it may be working in them."""
    site = Site.from_environment(pillar_dir=str(tree.example_pillar_dir()))
    for done in steps.converge(lambda: stop_plan(site, read_facts(site))):
        print(f"{done} (the demo started it)")


def down(document: dict) -> None:
    _stop_agents()
    before = recall()
    if before:
        _restore_samba(before)
    _unmount_and_delete_disks(document.get("storage", {}))
    if before:
        _remove_what_the_demo_added(before)
    else:
        print("no record of what the demo added to this host: its accounts and smb.conf are left as they are")


def main(argv: list[str]) -> int:
    {"up": up, "next": next_steps, "down": down}[argv[1]](_document())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Boot a SigmaVault box from the image with blank data disks and the owner's pillar on an SVPILLAR medium."""

import os
import subprocess
from pathlib import Path

from sigmavault import tree
from tests.vm.box_pillar import DATA_DISKS, pillar_files
from tests.vm.guest import DirectBoot, Disk, Guest
from tests.vm.images import boot_files, extract_root, make_blank_disk, make_pillar_medium, make_root_disk

CONVERGED = "sigmavault-firstboot: converged"
FAILED = "sigmavault-firstboot: FAILED"


def ssh_key(work: Path) -> Path:
    key = work / "id_ed25519"
    if not key.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    return key


def recovery_key(work: Path) -> tuple[Path, str]:
    """An offline recovery key made on the host with the CLI, as an owner would: (key file, its recipient)."""
    key = work / "recovery.key"
    key.unlink(missing_ok=True)
    made = subprocess.run([str(tree.root() / ".venv" / "bin" / "sigmavault"), "keys", "gen", "--recovery", "--out",
                           str(key)], check=True, capture_output=True, text=True,
                          env={**os.environ, "SIGMAVAULT_STATE_DIR": str(work / "host-state")})
    return key, made.stdout.strip().splitlines()[-1]


def start_box(iso: Path, work: Path, smb_password: str, recovery_recipient: str | None = None) -> Guest:
    """A started (not yet converged) guest: fresh root, blank data disks, the pillar medium last."""
    key = ssh_key(work)
    root = extract_root(iso, work / "image")
    kernel, initrd = boot_files(root)
    disks = [Disk(make_blank_disk(work / f"{serial.lower()}.qcow2"), serial) for serial in DATA_DISKS]
    medium = make_pillar_medium(pillar_files(smb_password, key.with_suffix(".pub").read_text(), recovery_recipient),
                                work / "pillar-medium.img", work)
    disks.append(Disk(medium, "SVPILLAR", fmt="raw"))
    disks.insert(0, Disk(make_root_disk(root, work / "root.img"), "SVROOT", fmt="raw"))
    (work / "console.log").unlink(missing_ok=True)
    guest = Guest(disks=disks, ssh_key=key, console_log=work / "console.log", boot=DirectBoot(kernel, initrd))
    guest.start()
    return guest


def wait_until_converged(guest: Guest) -> None:
    guest.wait_for_console(CONVERGED, timeout=1800, failure=FAILED)
    guest.wait_for_ssh()

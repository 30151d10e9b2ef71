"""Boot a SigmaVault box from the image with blank data disks and the owner's pillar on an SVPILLAR medium."""

import subprocess
from pathlib import Path

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


def start_box(iso: Path, work: Path, smb_password: str) -> Guest:
    """A started (not yet converged) guest: fresh root, blank data disks, the pillar medium last."""
    key = ssh_key(work)
    root = extract_root(iso, work / "image")
    kernel, initrd = boot_files(root)
    disks = [Disk(make_blank_disk(work / f"{serial.lower()}.qcow2"), serial) for serial in DATA_DISKS]
    medium = make_pillar_medium(pillar_files(smb_password, key.with_suffix(".pub").read_text()),
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

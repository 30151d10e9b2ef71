"""The arm64 image boots under emulation (QEMU's virt machine, UEFI firmware, TCG) through its GRUB menu
and converges itself as the amd64 one does: the same recipe, another architecture (`make test-vm-arm64`)."""

import re
from pathlib import Path

import pytest

from sigmavault import tree
from tests.vm.boxes import CONVERGED, FAILED, ssh_key
from tests.vm.guest import Guest

# Debian's qemu-efi-aarch64 package (make vm-prereqs-arm64 installs it)
UEFI = Path("/usr/share/qemu-efi-aarch64/QEMU_EFI.fd")
ISO = tree.root() / "build" / "sigmavault-arm64.iso"


@pytest.mark.timeout(7200)
def test_the_arm64_iso_boots_its_menu_and_converges_live():
    if not ISO.exists():
        pytest.fail(f"{ISO} is missing: `make test-vm-arm64` builds it (or run `make iso-arm64`)")
    work = ISO.parent / "vm-arm64"
    work.mkdir(exist_ok=True)
    log = work / "console.log"
    log.unlink(missing_ok=True)
    # No disk and no key press: the firmware finds the CD, GRUB's default entry boots the live system,
    # whose first boot converges with the starter pillar (2–4 minutes measured on an idle 2-core host; the
    # limit is generous because emulation on a busy host takes far longer).
    guest = Guest(disks=[], ssh_key=ssh_key(work), console_log=log, cdrom=ISO, firmware=UEFI, arch="arm64")
    guest.start()
    try:
        guest.wait_for_console(CONVERGED, timeout=5400, failure=FAILED)
        console = guest.console()
        version = next(line for line in console.splitlines() if "Linux version" in line)
        assert "arm64" in version, version
        command_line = next(line for line in console.splitlines() if "Kernel command line:" in line)
        # GRUB (it passes BOOT_IMAGE), not QEMU, started the kernel, with the arm64 serial console.
        assert "BOOT_IMAGE=" in command_line and "boot=live" in command_line, command_line
        assert "console=ttyAMA0" in command_line, command_line
        summary = console[console.index(CONVERGED):].splitlines()[0]
        assert re.search(r"\b0 failed", summary), summary
    finally:
        guest.kill()

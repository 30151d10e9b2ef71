"""The ISO boots unattended through its own boot menu — isolinux under BIOS, GRUB under UEFI — with the
kernel's console on the serial port, as on a headless box."""

from pathlib import Path

import pytest

from tests.vm.boxes import ssh_key
from tests.vm.guest import Guest

OVMF = Path("/usr/share/ovmf/OVMF.fd")   # Debian's ovmf package (make vm-prereqs installs it)


@pytest.mark.parametrize("firmware", [None, OVMF], ids=["bios-isolinux", "uefi-grub"])
def test_the_iso_boots_its_default_menu_entry_unattended(iso, firmware):
    work = iso.parent / "vm-menu"
    work.mkdir(exist_ok=True)
    log = work / f"{'uefi' if firmware else 'bios'}.log"
    log.unlink(missing_ok=True)
    # No disk: the firmware can only boot the CD, and no key press ever reaches the menu.
    guest = Guest(disks=[], ssh_key=ssh_key(work), console_log=log, cdrom=iso, firmware=firmware)
    guest.start()
    try:
        guest.wait_for_console("login:", timeout=1200)
        command_lines = [line for line in guest.console().splitlines() if "Command line:" in line]
        assert command_lines, guest.tail(80)
        # The menu's boot loader, not QEMU, started this kernel (it passes BOOT_IMAGE), with the live
        # system and the serial console the menu entry declares.
        assert "BOOT_IMAGE=" in command_lines[0] and "boot=live" in command_lines[0]
        assert "console=ttyS0" in command_lines[0]
    finally:
        guest.kill()

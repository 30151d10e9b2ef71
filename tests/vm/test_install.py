"""The installer path: the live image, booted with sigmavault.install=auto, installs itself to the empty disk
and powers off; the firmware then boots that disk through GRUB, and its first boot takes the owner's pillar."""

from tests.vm.box_pillar import medium_files
from tests.vm.boxes import CONVERGED, FAILED, ssh_key
from tests.vm.guest import DirectBoot, Disk, Guest
from tests.vm.images import make_blank_disk, make_pillar_medium

PILLAR = {"sigmavault": {"system": {"hostname": "installed"}}}


def test_the_live_image_installs_itself_and_the_installed_disk_boots_and_converges(iso):
    work = iso.parent / "vm-install"
    work.mkdir(exist_ok=True)
    key = ssh_key(work)
    target = Disk(make_blank_disk(work / "target.qcow2", "8G"), "SVTARGET")
    medium = Disk(make_pillar_medium(medium_files(PILLAR, key.with_suffix(".pub").read_text()),
                                     work / "pillar-medium.img", work), "SVPILLAR", fmt="raw")
    live_boot = DirectBoot(iso.with_suffix(".vmlinuz"), iso.with_suffix(".initrd"),
                           "boot=live sigmavault.install=auto")
    (work / "install.log").unlink(missing_ok=True)
    installer = Guest(disks=[target, medium], ssh_key=key, console_log=work / "install.log", boot=live_boot,
                      cdrom=iso)
    installer.start()
    installer.wait_for_exit(timeout=2400)
    assert "sigmavault-install: installed on /dev/vda" in installer.console(), installer.tail(80)

    (work / "installed.log").unlink(missing_ok=True)
    installed = Guest(disks=[target, medium], ssh_key=key, console_log=work / "installed.log")
    installed.start()
    try:
        installed.wait_for_console(CONVERGED, timeout=1800, failure=FAILED)
        installed.wait_for_ssh()
        # GRUB, not QEMU, started this kernel: it passes BOOT_IMAGE.
        assert "BOOT_IMAGE=" in installed.ssh("cat /proc/cmdline").stdout
        assert installed.ssh("findmnt -n -o SOURCE /").stdout.strip() == "/dev/vda3"
        assert installed.ssh("hostname").stdout.strip() == "installed"
        assert installed.ssh("dpkg -s live-boot", check=False).returncode != 0
        assert installed.ssh("test -d /run/live && echo live || echo installed").stdout.strip() == "installed"
    finally:
        installed.stop()

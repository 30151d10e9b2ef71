"""The image recipe: scripts parse, hooks run, no mirror is written down, the box's packages are listed."""

import re
import subprocess

import pytest

from sigmavault import tree
from sigmavault.system.hosts_file import names_on

RECIPE = tree.root() / "live-build"
SCRIPTS = [RECIPE / "build-iso.sh", RECIPE / "wheels.sh", RECIPE / "auto" / "config",
           *sorted((RECIPE / "config" / "hooks").rglob("*.hook.*")),
           RECIPE / "config" / "includes.chroot" / "usr" / "local" / "lib" / "sigmavault" / "firstboot",
           RECIPE / "config" / "includes.chroot" / "usr" / "local" / "sbin" / "sigmavault-install",
           RECIPE / "config" / "includes.chroot" / "usr" / "local" / "sbin" / "sigmavault"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_script_parses_and_is_executable(script):
    assert script.stat().st_mode & 0o111, f"{script} is not executable"
    shell = "bash" if "bash" in script.read_text().splitlines()[0] else "sh"
    subprocess.run([shell, "-n", str(script)], check=True)


def test_no_mirror_or_host_name_is_written_into_the_recipe():
    for path in RECIPE.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not re.search(r"(deb|ftp|security)\.debian\.org|https?://[a-z0-9.-]+\.[a-z]{2,}/", text), path


def test_the_package_list_carries_what_the_box_runs():
    listed = set((RECIPE / "config" / "package-lists" / "sigmavault.list.chroot").read_text().split())
    for package in ("btrfs-progs", "mdadm", "cryptsetup", "samba", "nfs-kernel-server", "wireguard-tools",
                    "smartmontools", "nftables", "fail2ban", "apparmor", "nginx", "openssh-server", "git",
                    "python3-venv"):
        assert package in listed, package


def test_the_image_boots_unattended_on_the_serial_console():
    config = (RECIPE / "auto" / "config").read_text()
    assert "console=ttyS0,115200n8" in config and "--distribution trixie" in config
    binary_hook = (RECIPE / "config" / "hooks" / "normal" / "0600-boot-unattended.hook.binary").read_text()
    assert "timeout 30" in binary_hook and "set timeout=3" in binary_hook


def test_first_boot_runs_until_it_has_succeeded_once_and_not_while_installing():
    unit = (RECIPE / "config" / "includes.chroot" / "etc" / "systemd" / "system" /
            "sigmavault-firstboot.service").read_text()
    assert "ConditionPathExists=!/var/lib/sigmavault/firstboot.done" in unit
    assert "ConditionKernelCommandLine=!sigmavault.install=auto" in unit
    assert "StandardOutput=journal+console" in unit


def test_the_images_hosts_file_names_the_images_host_name():
    etc = RECIPE / "config" / "includes.chroot" / "etc"
    hostname = (etc / "hostname").read_text().strip()
    assert names_on((etc / "hosts").read_text(), "127.0.1.1") == [hostname]

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


def _lb_config_arguments(arch: str, tmp_path) -> list[str]:
    """What auto/config passes to `lb config` for ARCH (an `lb` that prints its arguments stands in)."""
    (tmp_path / "lb").write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    (tmp_path / "lb").chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "SIGMAVAULT_ARCH": arch, "SIGMAVAULT_MIRROR": "http://mirror.test/d"}
    run = subprocess.run(["sh", str(RECIPE / "auto" / "config")], capture_output=True, text=True, env=env, check=True)
    return run.stdout.splitlines()


@pytest.mark.parametrize(("arch", "serial"), [("amd64", "ttyS0"), ("arm64", "ttyAMA0")])
def test_the_image_boots_unattended_on_the_serial_console(arch, serial, tmp_path):
    arguments = _lb_config_arguments(arch, tmp_path)
    append = arguments[arguments.index("--bootappend-live") + 1]
    assert append == f"boot=live console=tty0 console={serial},115200n8"
    assert arguments[arguments.index("--distribution") + 1] == "trixie"
    assert arguments[arguments.index("--architectures") + 1] == arch
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

"""The pillar is data, never code, on every path that reaches Salt: the CLI, salt-call itself with a file
written straight to disk (bypassing the panel), Salt's own renderer allow-list, and first boot's medium.
Each hostile text would create a marker file if it ever ran; it is refused naming the file, and never runs."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sigmavault import tree
from sigmavault.salt_bridge.call import salt_call, salt_call_binary
from sigmavault.salt_bridge.config import write_config_dir
from tests.system.loopdisks import sh
from tests.unit.test_pillar_text import ALIAS_BOMB

FIRSTBOOT = tree.root() / "live-build" / "config" / "includes.chroot" / "usr" / "local" / "lib" / "sigmavault" / \
    "firstboot"


def hostile(marker: Path) -> dict[str, str]:
    return {
        "py": "#!py\nsigmavault: {}\ndef run():\n"
              f"    open({str(marker)!r}, 'w').close()\n    return {{'sigmavault': {{}}}}\n",
        "jinja": f"#!jinja|yaml\nsigmavault:\n  system:\n    hostname: {{{{ salt['cmd.run']('touch {marker}') }}}}\n",
        "mako": f"#!mako|yaml\n<% import os; os.system('touch {marker}') %>\nsigmavault: {{}}\n",
        "pyobjects": f"#!pyobjects\nFile.managed('{marker}')\n",
    }


KINDS = ("py", "jinja", "mako", "pyobjects")


def write_pillar_text(box, text: str) -> Path:
    box.site.pillar_dir.mkdir(parents=True, exist_ok=True)
    (box.site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - site\n")
    path = box.site.pillar_dir / "site.sls"
    path.write_text(text)
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_cli_validate_and_apply_refuse_code_naming_the_file(box, kind):
    marker = box.root / "MARKER"
    path = write_pillar_text(box, hostile(marker)[kind])
    for command in ("validate", "apply"):
        result = box.cli(command)
        said = result.stdout + result.stderr
        assert result.returncode == 1, said
        assert str(path) in said and "renderer line" in said, said
    assert not marker.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_salt_call_refuses_a_code_pillar_written_straight_to_disk(box, kind):
    marker = box.root / "MARKER"
    path = write_pillar_text(box, hostile(marker)[kind])
    pillar = salt_call(box.site, "pillar.items").data
    assert set(pillar) == {"_errors"}
    applied = salt_call(box.site, "state.apply").data
    assert isinstance(applied, list) and any(str(path) in line and "renderer line" in line for line in applied)
    assert not marker.exists()


def test_salt_itself_refuses_every_renderer_but_jinja_and_yaml(box):
    """Configuration, not only our checks: even a file Salt is asked to render names no other renderer."""
    box.write_pillar({})
    marker = box.root / "MARKER"
    program = box.root / "program.sls"
    program.write_text(hostile(marker)["py"].replace("sigmavault: {}\n", ""))
    config_dir = write_config_dir(box.site)
    result = subprocess.run([salt_call_binary(), "--config-dir", str(config_dir), "--local", "--out", "json",
                             "slsutil.renderer", f"path={program}"], capture_output=True, text=True, check=False)
    assert 'The renderer "py" is disallowed by configuration' in result.stdout + result.stderr
    assert not marker.exists()


def test_an_alias_bomb_is_refused_by_validate_with_a_message(box):
    path = write_pillar_text(box, "sigmavault: {}\n" + ALIAS_BOMB)
    result = box.cli("validate")
    assert result.returncode == 1
    assert str(path) in result.stdout + result.stderr and "holds more than" in result.stdout + result.stderr


def test_deep_nesting_is_refused_by_validate_with_a_message(box):
    path = write_pillar_text(box, "sigmavault: " + "[" * 3000 + "]" * 3000 + "\n")
    result = box.cli("validate")
    assert result.returncode == 1 and "RecursionError" not in result.stdout + result.stderr
    assert str(path) in result.stdout + result.stderr and "nests deeper than" in result.stdout + result.stderr


def test_a_legacy_header_the_panel_wrote_still_validates(box):
    box.write_pillar({})
    path = box.site.pillar_dir / "site.sls"
    path.write_text("#!yaml|sigmavault_sealed\n" + path.read_text())
    result = box.cli("validate")
    assert "renderer line" not in result.stdout + result.stderr


@pytest.fixture
def medium(box):
    """A real filesystem labelled SVPILLAR on a loop disk, mounted for the test to fill, as an owner's USB stick."""
    if shutil.which("blkid") is None or shutil.which("mkfs.ext4") is None:
        pytest.skip("needs blkid and mkfs.ext4")
    sh("udevadm", "settle", check=False)
    if sh("blkid", "-L", "SVPILLAR", check=False).stdout.strip():
        pytest.skip("another filesystem labelled SVPILLAR is attached")
    [(_image, device)] = box.disks.make(1, "16M")
    sh("mkfs.ext4", "-q", "-L", "SVPILLAR", device)
    sh("udevadm", "settle", check=False)
    fill = box.root / "fill"
    fill.mkdir()
    sh("mount", device, str(fill))
    yield fill
    # The label must be gone before the next test looks for a medium: wipe it, then let udev catch up.
    sh("umount", str(fill), check=False)
    sh("umount", str(box.root / "medium"), check=False)
    sh("wipefs", "--all", "--quiet", device, check=False)
    sh("udevadm", "settle", check=False)


def take_owner_pillar(box, medium_files: Path) -> subprocess.CompletedProcess:
    sh("umount", str(medium_files))
    script = (f"source {FIRSTBOOT}\npillar={box.root / 'etc-pillar'}\nmedium={box.root / 'medium'}\n"
              f"python={sys.executable}\ntake_owner_pillar")
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("kind", KINDS)
def test_first_boot_refuses_a_code_pillar_on_the_medium_before_copying_it(box, medium, kind):
    marker = box.root / "MARKER"
    (medium / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (medium / "sigmavault.sls").write_text(hostile(marker)[kind])
    result = take_owner_pillar(box, medium)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "REFUSED the owner's pillar" in result.stdout
    assert "sigmavault.sls: line 1: starts with a renderer line" in result.stdout
    assert not (box.root / "etc-pillar" / "sigmavault.sls").exists()
    assert not marker.exists()
    assert not any(m for m in Path("/proc/mounts").read_text().splitlines() if str(box.root / "medium") in m)


def test_first_boot_takes_a_data_pillar_from_the_medium(box, medium):
    (medium / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (medium / "sigmavault.sls").write_text("sigmavault:\n  system: {hostname: nas}\n")
    result = take_owner_pillar(box, medium)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pillar taken from the medium labelled SVPILLAR" in result.stdout
    assert "hostname: nas" in (box.root / "etc-pillar" / "sigmavault.sls").read_text()


def test_first_boot_takes_the_files_top_names_in_folders_and_refuses_code_there(box, medium):
    (medium / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n    - site.box\n")
    (medium / "sigmavault.sls").write_text("sigmavault:\n  system: {hostname: nas}\n")
    (medium / "site").mkdir()
    (medium / "site" / "box.sls").write_text("sigmavault:\n  system: {timezone: UTC}\n")
    (medium / "site" / "old.sls").write_text(hostile(box.root / "MARKER")["py"])
    result = take_owner_pillar(box, medium)
    assert result.returncode == 1 and "site/old.sls: line 1: starts with a renderer line" in result.stdout

    sh("mount", box.disks.devices[-1], str(medium))   # the medium again, to take the bad file away
    (medium / "site" / "old.sls").unlink()
    result = take_owner_pillar(box, medium)
    assert result.returncode == 0, result.stdout + result.stderr
    taken = box.root / "etc-pillar"
    assert "timezone: UTC" in (taken / "site" / "box.sls").read_text()
    assert all(path.stat().st_mode & 0o077 == 0 for path in [taken, *taken.rglob("*")])

"""Encrypted pools on loop disks: what this host can prove without device-mapper.

The real highstate refuses cleanly here (no dm-crypt: nothing is formatted) and keeps the consent rule;
the pool plan's own format step, run on a loop disk, makes a LUKS2 volume whose sealed key opens it with
the node key and with the recovery key; `sigmavault unlock` finds it by its label. Opening it and the file
system on /dev/mapper/sv-<pool>-<n> are proven in the VM tier (tests/vm/checks/encrypted_pool.md).
"""

import shutil
import subprocess

import pytest

from sigmavault.crypto import generate_identity, parse_identity, recipient_of
from sigmavault.encryption import luks, nodekey
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.steps import perform
from sigmavault.storage import converge, luks_facts
from sigmavault.verdict import validate_pillar
from tests.system.conftest import disks_pillar
from tests.system.loopdisks import sh, signature

pytestmark = [pytest.mark.skipif(not shutil.which("cryptsetup"), reason="cryptsetup is not installed"),
              pytest.mark.skipif(luks_facts.device_mapper_present(),
                                 reason="this kernel has device-mapper: the VM tier's check applies")]


def site(box, images, wipe: bool = False) -> dict:
    disks = disks_pillar(images)
    disks["d0"]["wipe"] = wipe
    return {"storage": {"disks": disks, "pools": {"tank": {"devices": ["d0"], "mountpoint": box.path("tank"),
                                                           "encrypted": True}}}}


def test_without_device_mapper_the_highstate_refuses_and_formats_nothing(box):
    images = box.disks.make(1, "128M")
    box.write_pillar(site(box, images))
    refused = box.cli("apply")
    assert refused.returncode == 1
    assert "sigmavault.storage.pools.tank.encrypted" in refused.stdout and "no device-mapper" in refused.stdout
    assert signature(images[0][1]) == "" and not VolumeKeys(box.site.state_dir).exists("tank")


def test_a_disk_holding_data_is_not_encrypted_without_wipe(box):
    images = box.disks.make(1, "128M")
    sh("mkfs.ext4", "-q", images[0][1])
    box.write_pillar(site(box, images))
    refused = box.cli("apply")
    assert refused.returncode == 1 and "sigmavault.storage.disks.d0" in refused.stdout
    assert "set sigmavault.storage.disks.d0.wipe: true" in refused.stdout
    assert signature(images[0][1]) == "ext4"


def test_the_plans_format_step_makes_a_luks2_volume_its_sealed_key_opens(box, monkeypatch):
    (image, device), = box.disks.make(1, "128M")
    recovery = generate_identity()
    nodekey.generate(box.site.state_dir)
    keys = VolumeKeys(box.site.state_dir, (recipient_of(recovery),))
    storage = validate_pillar({"sigmavault": site(box, [(image, device)])}).document["storage"]
    monkeypatch.setattr(luks_facts, "device_mapper_present", lambda: True)

    plan = converge.pool_plan(storage, "tank", box.site, keys)
    assert [s.summary.split(" ")[0] for s in plan.steps[:3]] == ["encrypt", "open", "format"]
    perform(plan.steps[0])

    header = luks.dump(device)
    assert signature(device) == "crypto_LUKS" and luks.label(device) == "sv-tank-0"
    assert list(header["keyslots"]) == ["0"] and header["keyslots"]["0"]["kdf"]["type"] == "argon2id"
    key = keys.load("tank")
    tested = subprocess.run(["cryptsetup", "open", "--test-passphrase", "--key-file", "-", device], input=key,
                            capture_output=True, check=False)
    assert tested.returncode == 0, tested.stderr
    assert luks.key_opens(device, keys.load("tank", [parse_identity(recovery)]))
    assert not luks.key_opens(device, luks.new_volume_key())
    assert oct(keys.path("tank").stat().st_mode & 0o777) == "0o600"

    again = converge.pool_plan(storage, "tank", box.site, keys)
    assert [list(c) for s in again.steps for c in s.commands] == [luks.open_argv(device, "sv-tank-0")]

    unlocked = box.cli("unlock")       # finds the volume by its label; opening it needs device-mapper
    assert unlocked.returncode == 1 and f"sv-tank-0 ({device})" in unlocked.stderr
    assert "cryptsetup open --type luks2 --key-file - " in unlocked.stderr

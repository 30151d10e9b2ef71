"""LUKS2 on a loop disk with a volume key sealed in the pillar: format, add a key slot, read the header,
and prove the sealed key still unlocks after rotation and on a fresh box (open itself needs the VM tier)."""

import base64
import shutil
import subprocess

import pytest

from sigmavault.encryption import actions, luks, nodekey
from tests.system.loopdisks import signature

VOLUME_KEY = "sigmavault.encryption.volume_keys.tank"

pytestmark = pytest.mark.skipif(not shutil.which("cryptsetup"), reason="cryptsetup is not installed")


def cli(box, *args: str, state_dir=None) -> str:
    argv = box.cli_argv(*args)
    if state_dir:
        argv[argv.index("--state-dir") + 1] = str(state_dir)
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def sealed_volume_key(box, state_dir) -> bytes:
    value = actions.unseal_from_file(box.site.pillar_dir / "site.sls", ("sigmavault", "encryption", "volume_keys",
                                                                        "tank"), state_dir=state_dir)
    return base64.b64decode(value)


def test_sealed_volume_key_formats_and_unlocks_luks2_after_rotation_and_on_a_fresh_box(box):
    (_image, device), = box.disks.make(1, "128M")
    recovery = box.root / "recovery.key"
    recipient = cli(box, "keys", "gen", "--recovery", "--out", str(recovery)).strip().splitlines()[-1]
    box.write_pillar({"encryption": {"recovery_recipients": [recipient]}})
    cli(box, "keys", "gen")
    cli(box, "seal", "site.sls", VOLUME_KEY, "--random", "64")
    key = sealed_volume_key(box, box.site.state_dir)

    luks.format_volume(device, key, "tank")
    spare = luks.new_volume_key()
    luks.add_key(device, key, spare)
    header = luks.dump(device)
    assert signature(device) == "crypto_LUKS" and luks.label(device) == "tank"
    assert sorted(header["keyslots"]) == ["0", "1"] and header["keyslots"]["0"]["kdf"]["type"] == "argon2id"
    assert luks.key_opens(device, key) and luks.key_opens(device, spare)
    assert not luks.key_opens(device, luks.new_volume_key())

    cli(box, "reseal")
    assert luks.key_opens(device, sealed_volume_key(box, box.site.state_dir))

    fresh = box.root / "fresh-box"
    cli(box, "keys", "recover", "--identity", str(recovery), state_dir=fresh)
    assert nodekey.load(fresh) is not None
    assert luks.key_opens(device, sealed_volume_key(box, fresh))

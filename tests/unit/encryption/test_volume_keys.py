"""Encrypted pools' key files: sealed to the node and recovery keys, rewrapped by reseal, used by unlock."""

import pytest

from sigmavault.encryption import nodekey, rotation
from sigmavault.encryption.errors import CannotOpen
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.storage import unlock


@pytest.fixture
def keys(tmp_path, recovery) -> VolumeKeys:
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "site.sls").write_text(f"sigmavault:\n  encryption:\n    recovery_recipients:\n"
                                     f"    - {recovery.recipient}\n")
    nodekey.generate(tmp_path / "state")
    return VolumeKeys(tmp_path / "state", (recovery.recipient,))


def test_a_pool_key_is_made_once_root_only_and_opens_with_the_node_or_the_recovery_key(keys, recovery):
    key = keys.ensure("tank")
    assert keys.ensure("tank") == key and len(key) == 64
    assert oct(keys.path("tank").stat().st_mode & 0o777) == "0o600"
    assert oct(keys.path("tank").parent.stat().st_mode & 0o777) == "0o700"
    assert key not in keys.path("tank").read_bytes()
    assert keys.load("tank", recovery.opener()()) == key


def test_reseal_rewraps_pool_keys_for_the_new_node_key_and_retires_the_old(keys, tmp_path):
    key, old = keys.ensure("tank"), nodekey.load(keys.state_dir)
    report = rotation.reseal_site(tmp_path / "pillar", keys.state_dir)
    assert report.volume_keys == 1 and report.retired == old.recipient
    assert keys.load("tank") == key
    with pytest.raises(CannotOpen):
        keys.load("tank", [old.identity()])


def test_unlock_opens_each_closed_volume_of_ours_with_the_key_on_stdin(keys, monkeypatch, tmp_path):
    key = keys.ensure("my-pool")
    ran = []
    monkeypatch.setattr(unlock, "run", lambda argv, stdin=None: ran.append((argv, stdin)))
    monkeypatch.setattr(unlock, "mapper_path", lambda name: str(tmp_path / name))
    (tmp_path / "sv-tank-0").touch()    # open already
    devices = [{"path": "/dev/sdb", "signature": {"type": "crypto_LUKS", "label": "sv-my-pool-1"}},
               {"path": "/dev/sdc", "signature": {"type": "crypto_LUKS", "label": "sv-tank-0"}},
               {"path": "/dev/sdd", "signature": {"type": "crypto_LUKS", "label": "sv-other-0"}},
               {"path": "/dev/sde", "signature": {"type": "crypto_LUKS", "label": "somebody-else"}},
               {"path": "/dev/sdf", "signature": {"type": "ext4", "label": "sv-x-0"}}]
    report = unlock.unlock(keys, devices=devices)
    assert report.opened == ["sv-my-pool-1"] and report.already_open == ["sv-tank-0"]
    assert report.failed == [f"sv-other-0 (/dev/sdd): no key file {keys.path('other')}"]
    assert ran == [(["cryptsetup", "open", "--type", "luks2", "--key-file", "-", "/dev/sdb", "sv-my-pool-1"], key)]

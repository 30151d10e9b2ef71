"""Damaged records through the real CLI and salt-call: a message naming the file and what to do, nothing
half-done, and a repair where it is safe (a stale Salt job record)."""

import pwd
import subprocess
import time
from pathlib import Path

import pytest

from sigmavault.encryption import nodekey
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.salt_bridge import job_records
from sigmavault.salt_bridge.call import salt_call_binary
from sigmavault.salt_bridge.config import write_config_dir
from tests.system.sandbox import private_host_files
from tests.system.test_secrets_pillar import TOKEN, seal

MANAGED = Path("users") / "managed.json"


@pytest.fixture
def sandboxed_box(box):
    """The box, with /etc and /home private: accounts an apply makes do not reach the host."""
    with private_host_files(box.root / "host"):
        yield box


def _account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize(("damage", "problem"), [
    ('["alice", "bo', "is not valid JSON"),
    ('{"alice": true}', "holds a mapping (JSON object) where a list belongs"),
])
def test_damaged_managed_accounts_record_fails_the_accounts_state_and_changes_nothing(sandboxed_box, damage,
                                                                                       problem):
    box = sandboxed_box
    box.write_pillar({"users": {"accounts": {"svdamaged": {}}, "groups": {"svdamagedgroup": {}}}})
    record = box.site.state_dir / MANAGED
    record.parent.mkdir(parents=True)
    record.write_text(damage)
    passwd_before = Path("/etc/passwd").read_text()

    done = box.cli("apply")

    assert done.returncode == 1
    assert f"{record}: {problem}" in done.stdout and "JSON list of names" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert not _account_exists("svdamaged") and Path("/etc/passwd").read_text() == passwd_before
    assert "svdamagedgroup" not in Path("/etc/group").read_text()
    assert record.read_text() == damage


def test_damaged_salt_job_record_is_removed_when_no_job_runs_and_apply_goes_on(box):
    box.write_pillar({})
    assert box.cli("apply").returncode == 0
    proc = box.site.state_dir / "salt" / "cache" / "proc"
    damaged = proc / "20261203165000000000"
    damaged.write_bytes(b"\x93\xa3ab")   # msgpack cut short

    done = box.cli("apply")

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"removed {damaged}: a damaged record of a Salt job that no longer runs" in done.stderr
    assert not damaged.exists() and "0 failed" in done.stdout


def test_damaged_salt_job_record_while_a_salt_call_runs_names_the_file_and_what_to_wait_for(box):
    box.write_pillar({})
    config_dir = write_config_dir(box.site)
    damaged = box.site.state_dir / "salt" / "cache" / "proc" / "20261203165000000000"
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_bytes(b"\x93\xa3ab")
    # A real salt-call of this site, busy: the damaged record might be its own, half-written.
    busy = subprocess.Popen([salt_call_binary(), "--config-dir", str(config_dir), "--local", "test.sleep", "300"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Salt retitles its process as it starts: wait until it is seen as this site's salt-call.
        deadline = time.monotonic() + 120
        while not job_records.salt_calls_running(config_dir) and busy.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert job_records.salt_calls_running(config_dir) == [busy.pid]
        done = box.cli("apply")
    finally:
        busy.kill()
        busy.wait()

    assert done.returncode == 1
    assert f"{damaged}: is a damaged Salt job record" in done.stderr
    assert f"a salt-call of this box is running (pid {busy.pid}" in done.stderr and "wait until it ends" in done.stderr
    assert "salt-call returned nothing" not in done.stderr and damaged.exists()
    assert box.cli("apply").returncode == 0 and not damaged.exists()   # once it ended, the next run repairs


def test_keys_path_that_is_a_file_is_a_clear_message_and_no_key_is_made(box):
    box.write_pillar({})
    keys = box.site.state_dir / "keys"
    keys.parent.mkdir(parents=True)
    keys.write_text("not a folder\n")

    done = box.cli("apply")

    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert f"{keys} is a file where the folder of the keys belongs" in done.stdout
    assert "generate_node_key" in done.stdout and keys.read_text() == "not a folder\n"
    gen = box.cli("keys", "gen")
    assert gen.returncode == 1 and "is a file where the folder of the keys belongs" in gen.stderr
    assert "Traceback" not in gen.stderr


def test_deleted_node_key_with_sealed_values_is_refused_and_the_restored_key_opens_them(box):
    box.write_pillar({"encryption": {"secrets": {}}})
    assert box.cli("apply").returncode == 0
    seal(box, TOKEN, "sv-sealed-secret")
    node = nodekey.node_path(box.site.state_dir)
    kept = node.read_bytes()
    node.unlink()

    applied, gen = box.cli("apply"), box.cli("keys", "gen")

    assert applied.returncode == 1 and "sigmavault keys recover" in applied.stderr
    assert gen.returncode == 1 and "site.sls" in gen.stderr and "sigmavault keys recover --identity FILE" in gen.stderr
    assert not node.exists() and not nodekey.next_path(box.site.state_dir).exists()
    node.write_bytes(kept)
    node.chmod(0o600)
    assert box.cli("unseal", "site.sls", TOKEN).stdout.strip() == "sv-sealed-secret"
    assert box.cli("apply").returncode == 0


def test_deleted_node_key_with_a_sealed_pool_key_fails_the_key_state_and_makes_none(box):
    box.write_pillar({})
    assert box.cli("apply").returncode == 0
    pool_key = VolumeKeys(box.site.state_dir).ensure("tank")
    node = nodekey.node_path(box.site.state_dir)
    kept = node.read_bytes()
    node.unlink()

    done = box.cli("apply")

    assert done.returncode == 1
    assert f"{node} is missing" in done.stdout and "keys/volumes/tank.age" in done.stdout
    assert "none was made" in done.stdout and "sigmavault keys recover --identity FILE" in done.stdout
    assert not node.exists()
    node.write_bytes(kept)
    assert VolumeKeys(box.site.state_dir).load("tank") == pool_key


def test_deleted_node_key_with_nothing_sealed_is_made_again_and_reported_as_a_change(box):
    box.write_pillar({})
    assert box.cli("apply").returncode == 0
    node = nodekey.node_path(box.site.state_dir)
    old = nodekey.load(box.site.state_dir).recipient
    node.unlink()

    results = box.highstate()

    made = results["generate_node_key"]
    assert made.result is True and made.changes["done"][0].startswith("generate a mlkem768x25519 node key")
    assert nodekey.load(box.site.state_dir).recipient != old



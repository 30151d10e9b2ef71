"""A node key is made only when nothing waits for a lost one; a keys path that is a file is a message."""

import pytest
from click.testing import CliRunner

from sigmavault.cli.main import cli
from sigmavault.encryption import checks, keyfile, nodekey, orphans
from sigmavault.encryption.datakey import fingerprint
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.sealfile import VERSION
from sigmavault.encryption.volumekeys import VolumeKeys

BLOCK = f"sigmavault_sealed:\n  version: {VERSION}\n  data_key: x\n  recipients: [{{}}]\n"


def _sealed_file(pillar, *recipients: str) -> None:
    pillar.mkdir(exist_ok=True)
    (pillar / "site.sls").write_text("sigmavault: {}\n" + BLOCK.format(", ".join(recipients)))


def test_nothing_sealed_lets_the_first_key_be_made(tmp_path):
    made = orphans.make_first_node_key(tmp_path / "state", "mlkem768x25519", [tmp_path / "pillar"])
    assert nodekey.load(tmp_path / "state").recipient == made.recipient


def test_a_pillar_file_sealed_to_a_node_key_refuses_a_new_one(tmp_path):
    _sealed_file(tmp_path / "pillar", "sha256:0123456789abcdef")
    outcome = checks.node_key_outcome(tmp_path / "state", "mlkem768x25519", 30, test=False,
                                      pillar_dirs=[tmp_path / "pillar"])
    assert outcome.result is False and "site.sls" in outcome.comment and "none was made" in outcome.comment
    assert "sigmavault keys recover --identity FILE" in outcome.comment
    assert not nodekey.node_path(tmp_path / "state").exists()
    predicted = checks.node_key_outcome(tmp_path / "state", "mlkem768x25519", 30, test=True,
                                        pillar_dirs=[tmp_path / "pillar"])
    assert predicted.result is False


def test_a_file_sealed_only_to_recovery_keys_waits_for_no_node_key(tmp_path, recovery):
    pillar = tmp_path / "pillar"
    _sealed_file(pillar, fingerprint(recovery.recipient))
    (pillar / "enc.sls").write_text(
        f"sigmavault:\n  encryption:\n    recovery_recipients: ['{recovery.recipient}']\n")
    assert orphans.refusal(tmp_path / "state", [pillar]) is None


def test_a_pool_key_refuses_a_new_node_key_and_opens_once_the_old_is_back(tmp_path):
    state = tmp_path / "state"
    nodekey.generate(state)
    pool_key = VolumeKeys(state).ensure("tank")
    kept = nodekey.node_path(state).read_bytes()
    nodekey.node_path(state).unlink()
    with pytest.raises(orphans.SealedToMissingKey, match="tank.age"):
        orphans.make_first_node_key(state, "mlkem768x25519", [])
    nodekey.node_path(state).write_bytes(kept)
    assert VolumeKeys(state).load("tank") == pool_key


def test_a_rotation_stopped_half_way_is_finished_not_replaced(tmp_path):
    state = tmp_path / "state"
    nodekey.generate(state)
    VolumeKeys(state).ensure("tank")
    nodekey.node_path(state).rename(nodekey.next_path(state))
    refused = orphans.refusal(state, [])
    assert refused and "a rotation stopped half-way" in str(refused) and "sigmavault reseal" in str(refused)


def test_keys_path_that_is_a_file_names_it_on_read_and_write(tmp_path):
    (tmp_path / "keys").write_text("oops\n")
    with pytest.raises(SealedError, match="keys is a file where the folder of the keys belongs"):
        nodekey.load(tmp_path)
    with pytest.raises(SealedError, match="keys is a file where the folder of the keys belongs"):
        nodekey.generate(tmp_path)
    outcome = checks.node_key_outcome(tmp_path, "mlkem768x25519", 30, test=False)
    assert outcome.result is False and "move that file aside" in outcome.comment


def test_a_key_file_that_is_not_text_is_a_message(tmp_path):
    path = tmp_path / "keys" / "node.age"
    path.parent.mkdir()
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SealedError, match="not a key file"):
        keyfile.read(path)


def test_the_recovery_the_refusal_names_opens_what_waited_under_a_new_node_key(tmp_path, recovery):
    state, pillar = tmp_path / "state", tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "site.sls").write_text(
        f"sigmavault:\n  encryption:\n    recovery_recipients: ['{recovery.recipient}']\n")
    identity = tmp_path / "recovery.age"
    keyfile.write(identity, recovery.secret, own_folder=False)
    old = nodekey.generate(state)
    pool_key = VolumeKeys(state, (recovery.recipient,)).ensure("tank")
    nodekey.node_path(state).unlink()

    def run(*args: str):
        return CliRunner().invoke(cli, ["--pillar", str(pillar), "--state-dir", str(state), *args])

    refused = run("keys", "gen")
    assert refused.exit_code == 1 and "sigmavault keys recover --identity FILE" in refused.output
    recovered = run("keys", "recover", "--identity", str(identity))
    assert recovered.exit_code == 0, recovered.output
    new = nodekey.load(state)
    assert new.recipient != old.recipient
    assert VolumeKeys(state).load("tank", [new.identity()]) == pool_key

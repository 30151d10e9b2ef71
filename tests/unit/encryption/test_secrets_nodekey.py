"""The node key: made once, root-only, in age-keygen's format, and its age against the rotation policy."""

import stat
from datetime import UTC, datetime, timedelta

import pytest

from sigmavault.crypto import recipient_of
from sigmavault.encryption import checks, keyfile, nodekey
from sigmavault.encryption.errors import NoNodeKey, SealedError
from sigmavault.outcome import Outcome


@pytest.mark.parametrize("profile, prefix", [("mlkem768x25519", "AGE-SECRET-KEY-PQ-1"),
                                             ("mlkem1024p384", "SIGMAVAULT-SECRET-KEY-PQHIGH-1")])
def test_node_key_is_a_root_only_age_keygen_file(tmp_path, profile, prefix):
    node = nodekey.generate(tmp_path, profile)
    path = nodekey.node_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# created: ") and lines[1] == f"# public key: {node.recipient}"
    assert lines[2].startswith(prefix) and recipient_of(lines[2]) == node.recipient
    assert keyfile.profile_of(node.recipient) == profile


def test_node_key_is_made_once(tmp_path):
    nodekey.generate(tmp_path)
    with pytest.raises(SealedError, match="sigmavault reseal"):
        nodekey.generate(tmp_path)


def test_classical_node_keys_are_refused(tmp_path):
    with pytest.raises(SealedError, match="post-quantum"):
        nodekey.generate(tmp_path, "x25519")


def test_missing_node_key_says_how_to_make_one(tmp_path):
    assert nodekey.load(tmp_path) is None and nodekey.identities(tmp_path) == []
    with pytest.raises(NoNodeKey, match="sigmavault keys gen"):
        nodekey.require(tmp_path)


def test_a_rotation_in_flight_opens_with_both_keys(tmp_path):
    nodekey.generate(tmp_path)
    keyfile.write(nodekey.next_path(tmp_path), nodekey.new_secret("mlkem768x25519"))
    assert len(nodekey.identities(tmp_path)) == 2


def test_the_secret_never_shows_in_a_repr(tmp_path):
    node = nodekey.generate(tmp_path)
    assert node.secret not in repr(node)


@pytest.mark.parametrize("days, due", [(0, False), (29, False), (30, True), (400, True)])
def test_rotation_is_due_after_the_policy_days(tmp_path, days, due):
    node = nodekey.generate(tmp_path)
    info = nodekey.info(node, 30, now=node.created + timedelta(days=days, hours=1))
    assert info.age_days == days and info.rotation_due is due
    assert node.secret not in str(info.as_dict())


def test_created_date_is_read_back_from_the_file(tmp_path):
    made = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    keyfile.write(nodekey.node_path(tmp_path), nodekey.new_secret("mlkem768x25519"), created=made)
    assert nodekey.load(tmp_path).created == made


def test_retired_key_is_gone(tmp_path):
    nodekey.generate(tmp_path)
    keyfile.retire(nodekey.node_path(tmp_path))
    assert not nodekey.node_path(tmp_path).exists()


def test_state_predicts_then_makes_the_node_key_then_reports_no_change(tmp_path):
    predicted = checks.node_key_outcome(tmp_path, "mlkem768x25519", 30, test=True)
    assert predicted.result is None and predicted.changes == {"would": ["generate a mlkem768x25519 node key"]}
    assert not nodekey.node_path(tmp_path).exists()
    made = checks.node_key_outcome(tmp_path, "mlkem768x25519", 30, test=False)
    assert made.result is True and made.changes["done"][0].startswith("generate a mlkem768x25519 node key (sha256:")
    again = checks.node_key_outcome(tmp_path, "mlkem768x25519", 30, test=False)
    assert again == Outcome(True, again.comment) and "0 day(s) old" in again.comment
    assert nodekey.load(tmp_path).secret not in str(made) + str(again)


def test_state_says_when_rotation_is_due(tmp_path):
    keyfile.write(nodekey.node_path(tmp_path), nodekey.new_secret("mlkem768x25519"),
                  created=datetime.now(UTC) - timedelta(days=45))
    outcome = checks.node_key_outcome(tmp_path, "mlkem768x25519", 30, test=False)
    assert outcome.result is True and "rotation is due" in outcome.comment

"""Rotation (reseal) and recovery: all or nothing, old key retired only once everything opens with the new."""

import pytest

from sigmavault.crypto import parse_identity
from sigmavault.encryption import actions, checks, keyfile, nodekey, rotation, sealfile
from sigmavault.encryption.errors import CannotOpen

TOKEN = ("sigmavault", "encryption", "secrets", "api_token")
PIN = ("sigmavault", "encryption", "secrets", "pin")


@pytest.fixture
def site(tmp_path, recovery):
    """A pillar folder with two sealed files, sealed to the node key and a recovery recipient."""
    pillar, state = tmp_path / "pillar", tmp_path / "state"
    pillar.mkdir()
    (pillar / "top.sls").write_text("base:\n  '*':\n    - site\n    - more\n")
    (pillar / "site.sls").write_text(f"sigmavault:\n  encryption:\n    recovery_recipients:\n"
                                     f"    - {recovery.recipient}\n    secrets: {{}}\n")
    nodekey.generate(state)
    actions.seal_in_file(pillar / "site.sls", TOKEN, "s3cret", state_dir=state, pillar_dir=pillar)
    actions.seal_in_file(pillar / "more.sls", PIN, "1234", state_dir=state, pillar_dir=pillar)
    return pillar, state


def values(pillar, opener):
    return {p.name: sealfile.opened(p.read_text(), opener, p.name) for p in sorted(pillar.glob("*.sls"))}


def test_reseal_rotates_the_node_key_and_retires_the_old_one(site):
    pillar, state = site
    old = nodekey.load(state)
    before = values(pillar, lambda: [old.identity()])
    report = rotation.reseal_site(pillar, state)
    new = nodekey.load(state)
    assert new.recipient != old.recipient and report.retired == old.recipient
    assert report.values == 2 and len(report.files) == 2
    assert not nodekey.next_path(state).exists() and sorted(p.name for p in nodekey.key_dir(state).iterdir()) == [
        "node.age"]
    assert values(pillar, lambda: [new.identity()]) == before
    with pytest.raises(CannotOpen):
        values(pillar, lambda: [old.identity()])


def test_resealed_files_stay_sealed_to_the_recovery_key(site, recovery):
    pillar, state = site
    rotation.reseal_site(pillar, state)
    assert values(pillar, recovery.opener())["site.sls"]["sigmavault"]["encryption"]["secrets"]["api_token"] == "s3cret"
    assert all(r.ok for r in checks.sealed_file_reports([pillar], state, [recovery.recipient]))


def test_reseal_changes_nothing_when_a_file_does_not_open(site):
    pillar, state = site
    text = (pillar / "more.sls").read_text()
    (pillar / "more.sls").write_text(text.replace("data:", "data:AAAA", 1))
    old = nodekey.load(state)
    site_text = (pillar / "site.sls").read_text()
    with pytest.raises(CannotOpen):
        rotation.reseal_site(pillar, state)
    assert nodekey.load(state) == old and not nodekey.next_path(state).exists()
    assert (pillar / "site.sls").read_text() == site_text


def test_an_interrupted_rotation_is_resumed_with_its_new_key(site):
    pillar, state = site
    pending = keyfile.write(nodekey.next_path(state), nodekey.new_secret("mlkem768x25519"))
    report = rotation.reseal_site(pillar, state)
    assert report.new_recipient == pending.recipient == nodekey.load(state).recipient


def test_recovery_on_a_fresh_box_opens_everything_with_the_offline_key(site, tmp_path, recovery):
    pillar, _old_state = site
    fresh = tmp_path / "fresh-state"
    with pytest.raises(CannotOpen, match="sigmavault keys recover"):
        rotation.reseal_site(pillar, fresh)
    report = rotation.reseal_site(pillar, fresh, [parse_identity(recovery.secret)])
    assert report.values == 2 and report.retired is None
    node = nodekey.load(fresh)
    assert values(pillar, lambda: [node.identity()])["more.sls"]["sigmavault"]["encryption"]["secrets"] == {
        "pin": "1234"}


def test_a_file_missing_the_recovery_key_is_reported(site, stranger):
    pillar, state = site
    outcome = checks.sealed_files_outcome([pillar], state, [stranger.recipient])
    assert outcome.result is False and "not sealed to recovery key sha256:" in outcome.comment
    assert "sigmavault reseal" in outcome.comment

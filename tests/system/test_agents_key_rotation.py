"""The key rotation agent's drill on a real site: a node key aged past encryption.rotation_days (its
record's time set back, no sleeping) is rotated by the agent through the crash-safe reseal; sealed values
still open through Salt and the next apply changes nothing. A sealed file the box cannot open stops it,
said in its outcome, with nothing changed."""

from datetime import UTC, datetime, timedelta

import pytest

from sigmavault.agents.builtin import key_rotation
from sigmavault.encryption import keyfile, nodekey
from sigmavault.salt_bridge.call import salt_call
from tests.agent_host import RecordingHost, context
from tests.system.test_secrets_rotation import cli

SECRETS = {"api_token": "sv-agent-token-77e1", "backup_pass": "sv-agent-pass-3c09"}
ROTATION_DAYS = 30


def pillar(recipient: str) -> dict:
    # The agent is run by the test itself: no agent service on this box.
    return {"encryption": {"recovery_recipients": [recipient], "secrets": {}, "rotation_days": ROTATION_DAYS},
            "agents": {"enabled": False}}


@pytest.fixture
def sealed_box(box):
    recipient = cli(box, "keys", "gen", "--recovery", "--out", str(box.root / "recovery.key")).stdout.split()[-1]
    box.write_pillar(pillar(recipient))
    box.highstate()
    for name, value in SECRETS.items():
        cli(box, "seal", "site.sls", f"sigmavault.encryption.secrets.{name}", input=value)
    assert all(r.result is True for r in box.highstate().values())
    return box


def age_node_key(box, days: int) -> None:
    """The node key's record says it was made days ago (its '# created:' line), as a key that old would."""
    node = nodekey.load(box.site.state_dir)
    keyfile.write(node.path, node.secret, created=datetime.now(UTC).replace(microsecond=0) - timedelta(days=days))


def rotate(box):
    document = salt_call(box.site, "sigmavault_pillar.document").data
    settings = key_rotation.settings(document, box.site)
    assert settings == {"rotation_days": ROTATION_DAYS}
    return key_rotation.run_key_rotation(context(RecordingHost(), settings, box.site, agent="key_rotation"))


def test_a_young_node_key_is_left_alone(sealed_box):
    before = nodekey.load(sealed_box.site.state_dir)
    outcome = rotate(sealed_box)
    assert outcome.ok and outcome.summary == f"node key is 0 day(s) old; rotation is due at {ROTATION_DAYS}"
    assert nodekey.load(sealed_box.site.state_dir) == before


def test_an_aged_node_key_is_rotated_values_still_open_and_the_next_apply_changes_nothing(sealed_box):
    box = sealed_box
    age_node_key(box, ROTATION_DAYS + 1)
    old = nodekey.load(box.site.state_dir)
    site_file = box.site.pillar_dir / "site.sls"
    before = site_file.read_text()
    outcome = rotate(box)
    assert outcome.ok, outcome
    assert outcome.summary.startswith(f"rotated the node key (node key was {ROTATION_DAYS + 1} day(s) old): "
                                      "2 value(s) in 1 file(s) resealed for sha256:")
    new = nodekey.load(box.site.state_dir)
    assert new.recipient != old.recipient and outcome.details["new_recipient"] == new.recipient
    assert outcome.details["retired"] == old.recipient
    assert [p.name for p in nodekey.key_dir(box.site.state_dir).iterdir()] == ["node.age"]
    assert site_file.read_text() != before
    assert salt_call(box.site, "sigmavault_pillar.document").data["encryption"]["secrets"] == SECRETS
    results = box.highstate()
    assert all(r.result is True for r in results.values()), {k: r.comment for k, r in results.items()}
    assert [k for k, r in results.items() if r.changes] == []
    assert rotate(box).summary == f"node key is 0 day(s) old; rotation is due at {ROTATION_DAYS}"


def test_a_sealed_file_the_box_cannot_open_stops_the_rotation_and_changes_nothing(sealed_box):
    box = sealed_box
    foreign = box.root / "another-box"
    nodekey.generate(foreign)    # another box's key: what it seals, this box cannot open
    cli(box, "seal", str(box.site.pillar_dir / "foreign.sls"), "sigmavault.encryption.secrets.other",
        input="not ours", state_dir=foreign)
    age_node_key(box, ROTATION_DAYS + 5)
    keys = nodekey.key_dir(box.site.state_dir)
    files = {p: p.read_bytes() for p in [*box.site.pillar_dir.iterdir(), *keys.iterdir()]}
    outcome = rotate(box)
    assert not outcome.ok and not outcome.retry
    assert outcome.summary.startswith(f"cannot rotate the node key ({ROTATION_DAYS + 5} day(s) old): ")
    assert "foreign.sls" in outcome.summary, outcome.summary
    assert {p: p.read_bytes() for p in files} == files
    assert sorted(p.name for p in keys.iterdir()) == ["node.age"]

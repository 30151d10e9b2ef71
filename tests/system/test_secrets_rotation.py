"""Rotation and recovery drills through the CLI and real salt-call."""

import dataclasses
import json
import subprocess

import pytest

from sigmavault.cli.state_results import parse_state_results
from sigmavault.crypto import parse_identity
from sigmavault.encryption import nodekey, sealfile
from sigmavault.encryption.errors import CannotOpen
from sigmavault.salt_bridge.call import salt_call

SECRETS = {"api_token": "sv-rotate-token-5f2c", "backup_pass": "sv-rotate-pass-91ad"}


def cli(box, *args: str, input: str | None = None, state_dir=None) -> subprocess.CompletedProcess:
    argv = box.cli_argv(*args)
    if state_dir:
        argv[argv.index("--state-dir") + 1] = str(state_dir)
    done = subprocess.run(argv, input=input, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def sealed_box(box):
    """A converged site with a recovery recipient and two sealed secrets; yields (box, recovery key file)."""
    recovery_file = box.root / "recovery.key"
    recipient = cli(box, "keys", "gen", "--recovery", "--out", str(recovery_file)).stdout.strip().splitlines()[-1]
    box.write_pillar({"encryption": {"recovery_recipients": [recipient], "secrets": {}}})
    box.highstate()
    for name, value in SECRETS.items():
        cli(box, "seal", "site.sls", f"sigmavault.encryption.secrets.{name}", input=value)
    return box, recovery_file


def converges(box, site=None) -> None:
    results = box.highstate() if site is None else {r.id: r for r in parse_state_results(
        salt_call(site, "state.apply").data)[0]}
    assert results and all(r.result is True for r in results.values()), {k: r.comment for k, r in results.items()}
    document = salt_call(site or box.site, "sigmavault_pillar.document").data
    assert document["encryption"]["secrets"] == SECRETS


def test_rotation_drill_reseals_retires_the_old_key_and_still_converges(sealed_box):
    box, _ = sealed_box
    converges(box)
    old = nodekey.load(box.site.state_dir)
    site_file = box.site.pillar_dir / "site.sls"
    before = site_file.read_text()
    done = cli(box, "reseal")
    assert "resealed 2 value(s) in 1 file(s)" in done.stdout and "retired sha256:" in done.stdout
    new = nodekey.load(box.site.state_dir)
    assert new.recipient != old.recipient
    assert [p.name for p in nodekey.key_dir(box.site.state_dir).iterdir()] == ["node.age"]
    key_bytes = b"".join(p.read_bytes() for p in box.site.state_dir.rglob("*") if p.is_file())
    assert old.secret.encode() not in key_bytes
    after = site_file.read_text()
    assert after != before and all(v not in after for v in SECRETS.values())
    with pytest.raises(CannotOpen):
        sealfile.opened(after, lambda: [parse_identity(old.secret)], "site.sls")
    converges(box)
    assert salt_call(box.site, "grains.get", "sigmavault_node_key:recipient").data == new.recipient


def test_recovery_drill_a_fresh_box_opens_the_pillar_with_the_offline_key(sealed_box):
    box, recovery_file = sealed_box
    fresh = dataclasses.replace(box.site, state_dir=box.root / "fresh-state")
    results, errors = parse_state_results(salt_call(fresh, "state.apply").data)
    assert results == [] and any("no key to open it with" in e for e in errors)
    done = cli(box, "keys", "recover", "--identity", str(recovery_file), state_dir=fresh.state_dir)
    assert "recovered 2 sealed value(s) in 1 file(s)" in done.stdout
    converges(box, fresh)
    shown = json.loads(cli(box, "keys", "show", "--json", state_dir=fresh.state_dir).stdout)
    assert [f["ok"] for f in shown["sealed_files"]] == [True]

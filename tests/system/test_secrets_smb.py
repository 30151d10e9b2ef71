"""A highstate whose SMB password is a sealed pillar value: smbd takes the password, its plaintext lands in no
output, log, cache or state file, a sealed value the box cannot open changes nothing, and after a rotation
(new node key, old one deleted) the box still converges and the password still works.

The rotation comes last: it changes the node key for the tests after it."""

import secrets
import shutil

import pytest
import yaml

from sigmavault.encryption import nodekey
from tests.system.leaks import files_holding, verbose_highstate
from tests.system.loopdisks import sh
from tests.system.sharebox import applied_share_box, changed_count, smbclient

PASSWORD = "sv-sealed-smb-" + secrets.token_hex(8)
KEY = "sigmavault.users.accounts.alice.smb_password"


def site(box) -> dict:
    return {"storage": box.pool({"media": {}}), "users": {"accounts": {"alice": {}}},
            "shares": {"smb": {"media": {"dataset": "tank/media", "valid_users": ["alice"]}}}}


@pytest.fixture(scope="module")
def nas():
    yield from applied_share_box(site, sealed={"alice": PASSWORD})


def passdb_entry() -> str:
    return sh("pdbedit", "-s", "/dev/null", "-L", "-w", "-u", "alice").stdout


def test_the_pillar_holds_only_ciphertext_and_smbd_takes_the_sealed_password(nas):
    assert PASSWORD not in (nas.site.pillar_dir / "secrets.sls").read_text()
    assert "ENC[AES256_GCM," in (nas.site.pillar_dir / "secrets.sls").read_text()
    assert smbclient("media", "alice", "ls", password=PASSWORD).returncode == 0
    wrong = smbclient("media", "alice", "ls", password="not-" + PASSWORD)
    assert wrong.returncode != 0 and "NT_STATUS_LOGON_FAILURE" in wrong.stdout


def test_the_plaintext_is_in_no_output_changes_log_cache_or_state(nas):
    verbose = verbose_highstate(nas.site)
    plan = nas.cli("plan")
    again = nas.cli("apply")
    assert verbose.returncode == 0 and plan.returncode == 0 and again.returncode == 0, again.stdout + again.stderr
    assert changed_count(again.stdout) == 0
    for shown in (nas.first_apply.stdout, nas.first_apply.stderr, verbose.stdout, verbose.stderr,
                  plan.stdout, plan.stderr, again.stdout, again.stderr):
        assert PASSWORD not in shown
    assert (nas.site.state_dir / "salt" / "cache").is_dir() and (nas.site.state_dir / "salt" / "minion.log").exists()
    # The state dir holds Salt's cache and log; host/ the box's /etc and Samba's state, logs and caches.
    assert files_holding(PASSWORD, nas.site.state_dir, nas.site.pillar_dir, nas.site.etc, nas.root / "host") == []


@pytest.mark.parametrize("lost", ["node key missing", "sealed for another box"])
def test_a_sealed_password_that_does_not_open_fails_the_render_and_changes_nothing(nas, lost):
    secret_file = nas.site.pillar_dir / "secrets.sls"
    kept, node = nas.root / "secrets.sls.kept", nodekey.node_path(nas.site.state_dir)
    shutil.copy2(secret_file, kept)
    smb_conf, passdb = nas.smb_conf.read_text(), passdb_entry()
    if lost == "node key missing":
        node.rename(nas.root / "node.age.away")
    else:
        other = nas.cli("keys", "gen", "--recovery", "--out", str(nas.root / "other-box.key"))
        secret_file.write_text(yaml.safe_dump({"sigmavault": {"users": {"accounts": {}}}}))
        sealed = nas.cli("seal", "secrets.sls", KEY, "--recipient", other.stdout.strip().splitlines()[-1],
                         input="a-password-this-box-cannot-open")
        assert sealed.returncode == 0, sealed.stderr
    try:
        refused = nas.cli("apply")
        assert refused.returncode == 1
        assert "sealed values do not open, nothing was read" in refused.stderr, refused.stderr
        assert "secrets.sls: " in refused.stderr and PASSWORD not in refused.stdout + refused.stderr
        assert nas.smb_conf.read_text() == smb_conf and passdb_entry() == passdb
        assert smbclient("media", "alice", "ls", password=PASSWORD).returncode == 0
    finally:
        if lost == "node key missing":
            (nas.root / "node.age.away").rename(node)
        kept.replace(secret_file)
    assert nas.cli("apply").returncode == 0



def test_rotation_drill_the_password_still_works_after_reseal_and_the_old_key_is_gone(nas):
    old = nodekey.load(nas.site.state_dir)
    passdb = passdb_entry()
    resealed = nas.cli("reseal")
    assert resealed.returncode == 0 and "resealed 1 value(s) in 1 file(s)" in resealed.stdout, resealed.stderr
    assert [p.name for p in nodekey.key_dir(nas.site.state_dir).iterdir()] == ["node.age"]
    assert nodekey.load(nas.site.state_dir).recipient != old.recipient
    assert files_holding(old.secret, nas.site.state_dir) == []
    applied = nas.apply()
    assert changed_count(applied.stdout) == 0 and passdb_entry() == passdb
    assert smbclient("media", "alice", "ls", password=PASSWORD).returncode == 0

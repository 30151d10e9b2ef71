"""SMB shares from pillar, proven with smbclient and smbtorture against the smbd the states configured.

One box for the module (building it is the slow part); the tests that change the pillar come last.
"""

import filecmp
import os
import subprocess
from pathlib import Path

import pytest

from tests.system.loopdisks import sh
from tests.system.sharebox import PASSWORDS, applied_share_box, changed_count, smbclient

SNAPSHOT = "@GMT-2026.01.02-03.04.05"


def site(box, docs: bool = True, bob: bool = True) -> dict:
    accounts = {"alice": {"groups": ["family"]}, **({"bob": {}} if bob else {})}
    smb = {"media": {"dataset": "tank/media", "valid_groups": ["family"], "recycle_bin": True,
                     "previous_versions": True},
           "public": {"dataset": "tank/public", "guest": True, "read_only": True},
           "bobs": {"dataset": "tank/bobs", "valid_users": ["bob"]} if bob else None,
           "docs": {"dataset": "tank/docs", "valid_users": ["alice"], "read_only": True} if docs else None}
    datasets = {"media": {}, "public": {}, "bobs": {}, "docs": {}}
    return {"storage": box.pool(datasets), "users": {"accounts": accounts, "groups": {"family": {}}},
            "shares": {"smb": {name: share for name, share in smb.items() if share}}}


@pytest.fixture(scope="module")
def nas():
    yield from applied_share_box(site, PASSWORDS)


def test_allowed_user_puts_and_gets_a_file_byte_identical(nas, tmp_path):
    (tmp_path / "sent.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    put = smbclient("media", "alice", "put sent.bin photo.bin", cwd=tmp_path)
    assert put.returncode == 0, put.stdout
    got = smbclient("media", "alice", "get photo.bin back.bin", cwd=tmp_path)
    assert got.returncode == 0, got.stdout
    assert filecmp.cmp(tmp_path / "sent.bin", tmp_path / "back.bin", shallow=False)
    assert (nas.mnt / "tank" / "media" / "photo.bin").stat().st_uid == int(sh("id", "-u", "alice").stdout)


def test_account_not_named_by_the_share_is_denied(nas):
    denied = smbclient("media", "bob", "ls")
    assert denied.returncode != 0 and "NT_STATUS_ACCESS_DENIED" in denied.stdout


def test_wrong_password_fails(nas):
    wrong = smbclient("media", "alice", "ls", password="not-the-password")
    assert wrong.returncode != 0 and "NT_STATUS_LOGON_FAILURE" in wrong.stdout


def test_read_only_share_refuses_a_write(nas, tmp_path):
    (tmp_path / "note.txt").write_text("hello")
    assert smbclient("docs", "alice", "ls").returncode == 0
    refused = smbclient("docs", "alice", "put note.txt note.txt", cwd=tmp_path)
    assert refused.returncode != 0 and "NT_STATUS_ACCESS_DENIED" in refused.stdout
    assert not (nas.mnt / "tank" / "docs" / "note.txt").exists()


def test_guest_share_needs_no_password_and_only_where_declared(nas):
    (nas.mnt / "tank" / "public" / "readme.txt").write_text("for everyone\n")
    guest = smbclient("public", None, "ls")
    assert guest.returncode == 0 and "readme.txt" in guest.stdout
    assert smbclient("media", None, "ls").returncode != 0


def test_recycle_bin_keeps_a_deleted_file(nas, tmp_path):
    (tmp_path / "draft.txt").write_text("first draft\n")
    assert smbclient("media", "alice", "put draft.txt draft.txt", cwd=tmp_path).returncode == 0
    assert smbclient("media", "alice", "del draft.txt").returncode == 0
    media = nas.mnt / "tank" / "media"
    assert not (media / "draft.txt").exists()
    assert (media / ".recycle" / "alice" / "draft.txt").read_text() == "first draft\n"


def test_snapshot_appears_as_a_previous_version(nas, tmp_path):
    media = nas.mnt / "tank" / "media"
    (media / "report.txt").write_text("version one\n")
    snapshots = nas.mnt / "tank" / ".snapshots" / "media"
    sh("btrfs", "subvolume", "snapshot", "-r", str(media), str(snapshots / SNAPSHOT))
    (media / "report.txt").write_text("version two\n")
    info = smbclient("media", "alice", "allinfo report.txt")
    assert info.returncode == 0 and SNAPSHOT in info.stdout, info.stdout
    got = smbclient("media", "alice", f"get {SNAPSHOT}\\report.txt old.txt", cwd=tmp_path)
    assert got.returncode == 0, got.stdout
    assert (tmp_path / "old.txt").read_text() == "version one\n"


TORTURE = ["smb2.connect", "smb2.read.eof", "smb2.read.position", "smb2.rename.simple", "smb2.lock.valid-request"]


@pytest.mark.parametrize("test", TORTURE)
def test_smbtorture_passes_against_our_share(nas, test):
    run = subprocess.run(["smbtorture", "//127.0.0.1/bobs", "-U", f"bob%{PASSWORDS['bob']}", test],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-1000:]
    assert "success:" in run.stdout and "failure:" not in run.stdout


def test_status_lists_the_shares_and_that_smbd_runs(nas):
    status = nas.cli("status")
    assert status.returncode == 0, status.stdout + status.stderr
    lines = status.stdout.splitlines()
    assert "SMB (smbd): running" in lines
    assert f"  share docs: {nas.mnt}/tank/docs, read only for alice" in lines
    assert f"  share public: {nas.mnt}/tank/public, read only for anyone (guest)" in lines
    assert "NFS (kernel nfsd): not running, no NFS exports declared" in lines


def test_second_apply_reports_no_changes(nas):
    assert changed_count(nas.first_apply.stdout) > 0
    assert changed_count(nas.apply().stdout) == 0


def test_passwords_appear_in_no_output_log_or_cache(nas):
    plan = nas.cli("plan")
    for password in PASSWORDS.values():
        assert password not in nas.first_apply.stdout + nas.first_apply.stderr + plan.stdout
        found = subprocess.run(["grep", "-rlF", "--exclude-dir=pillar", password, str(nas.root / "state")],
                               capture_output=True, text=True, check=False)
        assert found.stdout == "", f"password found in {found.stdout}"


def test_bad_share_name_is_refused_and_nothing_changes(nas):
    before = nas.smb_conf.read_text()
    document = site(nas)
    document["shares"]["smb"]["evil\n[global]"] = {"dataset": "tank/media"}
    nas.write_pillar(document, PASSWORDS)
    refused = nas.cli("apply")
    nas.write_pillar(site(nas), PASSWORDS)
    assert refused.returncode == 1
    assert "sigmavault.shares.smb['evil\\n[global]']" in refused.stdout
    assert nas.smb_conf.read_text() == before


def test_plain_password_in_a_file_others_can_read_is_refused_and_nothing_changes(nas):
    before = nas.smb_conf.read_text()
    document = site(nas)
    document["users"]["accounts"]["alice"]["smb_password"] = "a-new-password-1"
    nas.write_pillar(document, PASSWORDS)    # site.sls is 0644
    refused = nas.cli("apply")
    nas.write_pillar(site(nas), PASSWORDS)
    assert refused.returncode == 1
    assert "site.sls holds an SMB password in plain text" in refused.stdout
    assert "a-new-password-1" not in refused.stdout + refused.stderr
    assert nas.smb_conf.read_text() == before
    assert smbclient("media", "alice", "ls").returncode == 0


def test_removing_a_share_and_an_account_leaves_no_share_and_a_disabled_account(nas, tmp_path):
    (tmp_path / "mine.txt").write_text("bob's\n")
    assert smbclient("bobs", "bob", "put mine.txt mine.txt", cwd=tmp_path).returncode == 0
    nas.write_pillar(site(nas, docs=False, bob=False), {"alice": PASSWORDS["alice"]})
    applied = nas.apply()
    assert "disable account bob" in applied.stdout and "disable bob's SMB access" in applied.stdout
    shares = subprocess.run(["smbclient", "-L", "//127.0.0.1", "-U", f"alice%{PASSWORDS['alice']}"],
                            capture_output=True, text=True, check=False).stdout
    assert "media" in shares and "docs" not in shares and "bobs" not in shares
    assert "[docs]" not in nas.smb_conf.read_text() and "[bobs]" not in nas.smb_conf.read_text()
    assert smbclient("media", "bob", "ls").returncode != 0
    assert (nas.mnt / "tank" / "bobs" / "mine.txt").read_text() == "bob's\n"
    assert "[DU" in sh("pdbedit", "-s", "/dev/null", "-L", "-w", "-u", "bob").stdout
    assert changed_count(nas.apply().stdout) == 0
    assert Path("/etc/passwd").read_text().count("\nbob:") == 1

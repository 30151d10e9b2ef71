"""What status reads from the box when the pillar cannot say: pools recorded in the site's fstab, the
shares of the smb.conf and the exports of the exports file SigmaVault wrote."""

from sigmavault.cli.report import share_lines, status_lines
from sigmavault.shares.nfs_exports import HEADER as EXPORTS_HEADER
from sigmavault.shares.smb_conf import HEADER as SMB_HEADER
from sigmavault.shares.status import served_kernel_exports, served_smb_shares
from sigmavault.storage.status import _dataset_mounts, _recorded_pools

UUID = "3494d18d-9113-440f-94d5-bc5ea4c5471b"
FSTAB = f"""# /etc/fstab: the host's own lines stay out of it
UUID=1111-2222 / ext4 errors=remount-ro 0 1
UUID=3333-4444 /home ext4 defaults 0 2
/dev/sdb1 /mnt/usb vfat defaults 0 0
UUID={UUID} /srv/tank btrfs compress=zstd:3,noatime 0 0
UUID={UUID} /srv/media btrfs subvol=media,compress=zstd:3,noatime 0 0
# UUID=dead /srv/old btrfs defaults 0 0
UUID=5555-6666 /srv/archive ext4 noatime 0 0
"""


def test_pools_are_the_fstabs_whole_pool_lines_not_system_paths_or_datasets():
    assert [(uuid, mountpoint, fstype) for uuid, mountpoint, fstype, _ in _recorded_pools(FSTAB)] == [
        (UUID, "/srv/tank", "btrfs"), ("5555-6666", "/srv/archive", "ext4")]


def test_a_pools_datasets_keep_their_own_mountpoints():
    assert _dataset_mounts(FSTAB, UUID) == {"media": "/srv/media"}


def test_the_smb_shares_sigmavault_wrote_are_read_back(tmp_path):
    conf = tmp_path / "smb.conf"
    conf.write_text(SMB_HEADER + "[global]\n   workgroup = WORKGROUP\n\n[media]\n   path = /srv/media\n"
                    "   valid users = alice @family\n   read only = no\n   guest ok = no\n")
    assert served_smb_shares(conf) == [{
        "name": "media", "dataset": None, "path": "/srv/media", "comment": "", "read_only": False, "guest": False,
        "valid_users": ["alice"], "valid_groups": ["family"], "declared": False}]


def test_an_smb_conf_sigmavault_did_not_write_is_not_reported_or_missing_is_empty(tmp_path):
    conf = tmp_path / "smb.conf"
    assert served_smb_shares(conf) == []
    conf.write_text("[global]\n   workgroup = HOST\n[printers]\n   path = /var/spool\n")
    assert served_smb_shares(conf) == []


def test_the_kernel_exports_sigmavault_wrote_are_read_back(tmp_path):
    exports = tmp_path / "sigmavault.exports"
    exports.write_text(EXPORTS_HEADER + "/srv/tank/backups 10.0.0.0/8(rw,sync,root_squash,no_subtree_check,sec=sys)"
                       " *(ro,sync,all_squash,no_subtree_check,sec=sys)\n")
    assert served_kernel_exports(exports) == [{
        "name": "backups", "path": "/srv/tank/backups", "declared": False,
        "clients": [{"match": "10.0.0.0/8", "access": "rw"}, {"match": "*", "access": "ro"}]}]


POOL = {"name": "tank", "type": "btrfs", "mountpoint": "/srv/tank", "mounted": True, "declared": False,
        "devices": ["/dev/loop0"], "profiles": {"data": ["single"]}, "size_bytes": 1024**3,
        "used_bytes": 0, "free_bytes": 1024**3, "datasets": []}


def test_a_refused_pillar_does_not_repeat_not_declared_on_every_line():
    assert list(status_lines({"valid": False, "pillar_read": False, "pools": [POOL]}))[0] == (
        "pool tank (btrfs data=single) at /srv/tank: mounted")
    assert list(status_lines({"valid": True, "pillar_read": True, "pools": [POOL]}))[0].endswith(
        "mounted, not declared in the pillar")


def test_a_refused_pillar_says_no_shares_found_rather_than_declared():
    idle = {"server": "smbd", "running": False, "shares": []}
    lines = list(share_lines({"valid": False, "smb": idle,
                              "nfs": {"server": "kernel nfsd", "running": False, "exports": []}}))
    assert lines == ["SMB (smbd): not running, no SMB shares found",
                     "NFS (kernel nfsd): not running, no NFS exports found"]

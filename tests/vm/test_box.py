"""A box booted from the image converges itself, serves its shares and survives a reboot.

Runs in file order on one guest (see conftest.py): first boot, second converge, pools (btrfs RAID1, md
RAID1, LUKS2), shares, panel, self-healing, then a reboot and the same pools again, and last the
encrypted pool opened with the recovery key alone.
"""

import re
import subprocess

from tests.vm.box_pillar import SMB_USER

SUMMARY = re.compile(r"(\d+) states: (\d+) changed, (\d+) unchanged, (\d+) failed")


def converge_summary(box) -> tuple[int, int, int]:
    output = box.ssh("sigmavault apply 2>&1").stdout
    match = SUMMARY.search(output)
    assert match, output
    total, changed, _unchanged, failed = map(int, match.groups())
    return total, changed, failed


def test_first_boot_converged_and_said_so_on_the_console_and_in_the_journal(box):
    line = next(line for line in box.console().splitlines() if "sigmavault-firstboot: converged" in line)
    total, changed, _, failed = map(int, SUMMARY.search(line).groups())
    assert failed == 0 and changed > 0 and total > changed
    journal = box.ssh("journalctl -b -u sigmavault-firstboot --no-pager").stdout
    assert "sigmavault-firstboot: converged" in journal
    assert box.ssh("cat /var/lib/sigmavault/firstboot.done").stdout.strip()
    assert box.ssh("systemctl is-active sigmavault-firstboot").stdout.strip() == "active"


def test_a_second_converge_changes_nothing(box):
    total, changed, failed = converge_summary(box)
    assert (changed, failed) == (0, 0) and total > 0


def test_the_box_has_the_pillars_name_and_resolves_it_without_dns(box):
    assert box.ssh("hostname").stdout.strip() == "vmbox"
    assert box.ssh("getent hosts vmbox").stdout.split()[0] == "127.0.1.1"


def test_the_services_run_and_secrets_stay_root_only(box):
    host = box.host()
    for unit in ("smbd", "nfs-server", "nginx", "sigmavault-panel", "ssh"):
        service = host.service(unit)
        assert service.is_running and service.is_enabled, unit
    for path in ("/etc/sigmavault/pillar/sigmavault.sls", "/var/lib/sigmavault/keys"):
        secret = host.file(path)
        assert secret.user == "root" and secret.mode & 0o077 == 0, (path, oct(secret.mode))
    assert host.file("/etc/ssh/ssh_host_ed25519_key").exists
    # No account with a known password ships: root is locked, the admin's password must change at first use.
    assert host.run("passwd -S root").stdout.split()[1] == "L"
    assert host.run("chage -l admin").stdout.count("password must be changed") >= 1


def test_the_btrfs_pool_is_raid1_over_both_disks(box):
    assert box.ssh("findmnt -n -o FSTYPE /srv/tank").stdout.strip() == "btrfs"
    usage = box.ssh("btrfs filesystem df /srv/tank").stdout
    assert re.search(r"^Data, RAID1", usage, re.M), usage
    assert box.ssh("btrfs filesystem show /srv/tank | grep -c devid").stdout.strip() == "2"


def test_the_mdadm_pool_is_a_raid1_array_with_ext4(box):
    detail = box.ssh("mdadm --detail --scan; cat /proc/mdstat").stdout
    assert "raid1" in detail, detail
    device = box.ssh("findmnt -n -o SOURCE /srv/mirror").stdout.strip()
    assert device.startswith("/dev/md"), device
    array = box.ssh(f"mdadm --detail {device}").stdout
    assert re.search(r"Raid Level : raid1", array) and re.search(r"Active Devices : 2", array), array
    assert box.ssh("findmnt -n -o FSTYPE /srv/mirror").stdout.strip() == "ext4"


def test_the_encrypted_pool_is_btrfs_on_an_open_luks2_volume(box):
    assert box.ssh("findmnt -n -o SOURCE /srv/vault").stdout.strip() == "/dev/mapper/sv-vault-0"
    assert box.ssh("findmnt -n -o FSTYPE /srv/vault").stdout.strip() == "btrfs"
    header = box.ssh("cryptsetup luksDump /dev/disk/by-id/virtio-SVDATA5").stdout
    assert re.search(r"^Version:\s+2$", header, re.M), header
    assert box.ssh("stat -c %a /var/lib/sigmavault/keys/volumes/vault.age").stdout.strip() == "600"
    box.ssh("echo sealed-at-rest > /srv/vault/kept.txt && sync")


def test_the_smb_share_takes_and_gives_back_a_file_from_the_host(box, smb_password, tmp_path):
    sent = tmp_path / "sent.bin"
    sent.write_bytes(bytes(range(256)) * 4096)
    received = tmp_path / "received.bin"
    smb = ["smbclient", "//127.0.0.1/media", "-p", str(box.ports["smb"]), "-U", f"{SMB_USER}%{smb_password}",
           "-m", "SMB3"]
    subprocess.run([*smb, "-c", f"put {sent} from-host.bin; get from-host.bin {received}"], check=True,
                   capture_output=True, timeout=300)
    assert received.read_bytes() == sent.read_bytes()
    assert box.ssh("stat -c %U /srv/media/from-host.bin").stdout.strip() == SMB_USER
    wrong = subprocess.run([*smb, "-U", f"{SMB_USER}%not-the-password", "-c", "ls"], capture_output=True, timeout=300)
    assert wrong.returncode != 0


def test_kernel_nfsd_exports_the_dataset_to_the_kernel_client(box):
    assert "/srv/media" in box.ssh("exportfs -v").stdout
    box.ssh("mkdir -p /mnt/nfs && mount -t nfs -o vers=4.2 127.0.0.1:/srv/media /mnt/nfs")
    try:
        box.ssh("echo over-nfs > /mnt/nfs/nfs-file.txt && sync")
        assert box.ssh("cat /srv/media/nfs-file.txt").stdout.strip() == "over-nfs"
        assert "nfs4" in box.ssh("findmnt -n -o FSTYPE /mnt/nfs").stdout
    finally:
        box.ssh("umount /mnt/nfs", check=False)


def test_the_panel_answers_behind_nginx(box):
    health = subprocess.run(["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}",
                             f"https://127.0.0.1:{box.ports['https']}/api/v1/health/live"],
                            capture_output=True, text=True, timeout=120)
    assert health.stdout == "200"
    redirect = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                               f"http://127.0.0.1:{box.ports['http']}/"], capture_output=True, text=True, timeout=120)
    assert redirect.stdout == "301"


def test_a_managed_service_that_dies_comes_back(box):
    before = box.ssh("systemctl show -p MainPID --value smbd").stdout.strip()
    box.ssh(f"kill -9 {before}")
    box.wait_until("smbd restarted", lambda: box.ssh("systemctl show -p MainPID --value smbd").stdout.strip()
                   not in ("", "0", before) and box.ssh("systemctl is-active smbd", check=False).stdout.strip()
                   == "active", timeout=120)


def test_after_a_reboot_the_pools_are_back_and_nothing_needs_converging(box):
    box.reboot()
    assert box.ssh("findmnt -n -o FSTYPE /srv/tank").stdout.strip() == "btrfs"
    assert box.ssh("findmnt -n -o SOURCE /srv/mirror").stdout.strip().startswith("/dev/md")
    assert "raid1" in box.ssh("cat /proc/mdstat").stdout
    assert box.ssh("test -f /srv/media/from-host.bin && echo kept").stdout.strip() == "kept"
    # The encrypted pool opened by itself (node key, no passphrase) before the local mounts.
    assert box.ssh("systemctl is-active sigmavault-unlock").stdout.strip() == "active"
    assert box.ssh("findmnt -n -o SOURCE /srv/vault").stdout.strip() == "/dev/mapper/sv-vault-0"
    assert box.ssh("cat /srv/vault/kept.txt").stdout.strip() == "sealed-at-rest"
    # The first-boot unit does not run again; a converge after the reboot finds nothing to do.
    assert "sigmavault-firstboot: converging" not in box.ssh("journalctl -b --no-pager -u sigmavault-firstboot").stdout
    total, changed, failed = converge_summary(box)
    assert (changed, failed) == (0, 0)


def test_the_recovery_key_opens_the_encrypted_pool_when_the_node_key_is_gone(box, recovery):
    # As on a box whose system disk was lost: the volume is closed and the node key is not there.
    key_file, _ = recovery
    box.ssh("umount /srv/vault && cryptsetup close sv-vault-0 && mv /var/lib/sigmavault/keys/node.age /root/node.age")
    try:
        refused = box.ssh("sigmavault unlock", check=False)
        assert refused.returncode == 1 and "vault" in refused.stdout + refused.stderr
        box.ssh("install -m 0600 /dev/stdin /root/recovery.key", stdin=key_file.read_text())
        opened = box.ssh("sigmavault unlock --identity /root/recovery.key").stdout
        assert "opened sv-vault-0" in opened
        box.ssh("mount /srv/vault")
        assert box.ssh("cat /srv/vault/kept.txt").stdout.strip() == "sealed-at-rest"
    finally:
        box.ssh("rm -f /root/recovery.key; mv -n /root/node.age /var/lib/sigmavault/keys/node.age", check=False)

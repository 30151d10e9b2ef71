"""NFS exports from pillar, served by NFS-Ganesha (this host kernel has no nfsd) and proven with libnfs
clients: one on loopback, one from a network inside the allowed CIDR, one from outside it."""

import filecmp
import os
import subprocess
from contextlib import ExitStack

import pytest

from tests.system.loopdisks import sh
from tests.system.sharebox import applied_share_box, changed_count, wait_out_nfs_grace

# Two client namespaces, each behind its own veth pair: inside the export's 10.213.0.0/30, and outside.
INSIDE, OUTSIDE = ("sv-nfs-in", "10.213.0.1", "10.213.0.2"), ("sv-nfs-out", "10.213.0.5", "10.213.0.6")


def site(box, media_clients: list | None = None) -> dict:
    clients = media_clients or [{"match": "127.0.0.1", "access": "rw", "squash": "no_root_squash"},
                                {"match": "10.213.0.0/30", "access": "ro"}]
    return {"storage": box.pool({"media": {"mountpoint": str(box.mnt / "media")}}),
            "shares": {"nfs_server": {"backend": "ganesha", "grace_seconds": 10},
                       "nfs": {"media": {"dataset": "tank/media", "clients": clients}}}}


def client_namespace(name: str, host_address: str, client_address: str, stack: ExitStack) -> None:
    sh("ip", "netns", "add", name)
    stack.callback(sh, "ip", "netns", "delete", name, check=False)
    sh("ip", "link", "add", f"{name}-h", "type", "veth", "peer", "name", f"{name}-c")
    stack.callback(sh, "ip", "link", "delete", f"{name}-h", check=False)
    sh("ip", "link", "set", f"{name}-c", "netns", name)
    sh("ip", "addr", "add", f"{host_address}/30", "dev", f"{name}-h")
    sh("ip", "link", "set", f"{name}-h", "up")
    for argv in (["addr", "add", f"{client_address}/30", "dev", f"{name}-c"], ["link", "set", f"{name}-c", "up"],
                 ["link", "set", "lo", "up"]):
        sh("ip", "netns", "exec", name, "ip", *argv)


def client_namespaces(stack: ExitStack) -> None:
    for name, host_address, client_address in (INSIDE, OUTSIDE):
        client_namespace(name, host_address, client_address, stack)


@pytest.fixture(scope="module")
def nas():
    for box in applied_share_box(site, prepare=client_namespaces):
        wait_out_nfs_grace(box.mnt / "media", box.root)
        yield box


def nfs(*argv: str, namespace: str | None = None) -> subprocess.CompletedProcess:
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    return subprocess.run([*prefix, *argv], capture_output=True, text=True, check=False)


def url(nas, server: str = "127.0.0.1", name: str = "") -> str:
    return f"nfs://{server}{nas.mnt / 'media'}{'/' + name if name else ''}"


def test_rw_client_writes_and_reads_back_byte_identical(nas, tmp_path):
    (tmp_path / "sent.bin").write_bytes(os.urandom(2 * 1024 * 1024 + 5))
    assert nfs("nfs-cp", str(tmp_path / "sent.bin"), url(nas, name="sent.bin")).returncode == 0
    assert filecmp.cmp(tmp_path / "sent.bin", nas.mnt / "media" / "sent.bin", shallow=False)
    back = nfs("nfs-cp", url(nas, name="sent.bin"), str(tmp_path / "back.bin"))
    assert back.returncode == 0, back.stderr
    assert filecmp.cmp(tmp_path / "sent.bin", tmp_path / "back.bin", shallow=False)


def test_ro_client_reads_but_cannot_write(nas, tmp_path):
    (nas.mnt / "media" / "shared.txt").write_text("for the network\n")
    server = INSIDE[1]
    listing = nfs("nfs-ls", url(nas, server), namespace=INSIDE[0])
    assert listing.returncode == 0 and "shared.txt" in listing.stdout, listing.stderr
    (tmp_path / "new.txt").write_text("should not land\n")
    write = nfs("nfs-cp", str(tmp_path / "new.txt"), url(nas, server, "new.txt"), namespace=INSIDE[0])
    assert write.returncode != 0
    assert not (nas.mnt / "media" / "new.txt").exists()


def test_client_outside_the_allowed_network_is_refused(nas):
    refused = nfs("nfs-ls", url(nas, OUTSIDE[1]), namespace=OUTSIDE[0])
    assert refused.returncode != 0 and "MNT3ERR_ACCES" in refused.stderr, refused.stdout + refused.stderr


def test_second_apply_reports_no_changes(nas):
    assert changed_count(nas.first_apply.stdout) > 0
    assert changed_count(nas.apply().stdout) == 0


def test_hostile_client_spec_is_refused_and_nothing_changes(nas):
    conf = nas.site.etc / "ganesha" / "ganesha.conf"
    before = conf.read_text()
    nas.write_pillar(site(nas, [{"match": "10.0.0.0/8;} EXPORT {", "access": "rw"}]))
    refused = nas.cli("apply")
    nas.write_pillar(site(nas))
    assert refused.returncode == 1
    assert "sigmavault.shares.nfs.media.clients[0].match" in refused.stdout
    assert conf.read_text() == before


def test_removing_the_export_stops_serving_it(nas):
    document = site(nas)
    document["shares"]["nfs"] = {}
    nas.write_pillar(document)
    assert "empty SigmaVault's ganesha NFS exports" in nas.apply().stdout
    assert "EXPORT" not in (nas.site.etc / "ganesha" / "ganesha.conf").read_text()
    assert nfs("nfs-ls", url(nas)).returncode != 0
    assert changed_count(nas.apply().stdout) == 0

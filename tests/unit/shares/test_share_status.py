"""The shares' status: what each declared share serves, and whether its server runs."""

from sigmavault.shares import status
from sigmavault.verdict import validate_pillar

from ..builders import pillar

POOLS = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank",
                  "datasets": {"media": {}, "docs": {"mountpoint": "/srv/docs"}}}}


def document(**shares) -> dict:
    result = validate_pillar(pillar(pools=POOLS, shares=shares))
    assert result.ok, result.errors
    return result.document


def test_smb_shares_and_nfs_exports_say_what_they_serve(tmp_path, monkeypatch):
    monkeypatch.setattr(status, "running", lambda daemon: daemon.unit == "smbd")
    monkeypatch.setattr(status, "kernel_nfsd_running", lambda: False)
    found = status.share_status(document(
        smb={"media": {"dataset": "tank/media", "read_only": True}, "docs": {"dataset": "tank/docs"}},
        nfs={"media": {"dataset": "tank/media", "clients": [{"match": "10.0.0.0/8", "access": "rw"}]}}), tmp_path)
    assert found["valid"] and found["smb"]["running"] and not found["nfs"]["running"]
    assert [(s["name"], s["path"], s["read_only"]) for s in found["smb"]["shares"]] == [
        ("docs", "/srv/docs", False), ("media", "/srv/tank/media", True)]
    assert found["nfs"]["server"] == "kernel nfsd" and found["nfs"]["exports"] == [
        {"name": "media", "path": "/srv/tank/media", "clients": [{"match": "10.0.0.0/8", "access": "rw"}],
         "declared": True}]


def test_ganesha_backend_is_asked_through_its_pid_file(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(status, "running", lambda daemon: asked.append(daemon.unit) or False)
    found = status.share_status(document(nfs_server={"backend": "ganesha"}), tmp_path)
    assert found["nfs"]["server"] == "NFS-Ganesha" and asked == ["smbd", "nfs-ganesha"]
    assert found["smb"]["shares"] == [] and found["nfs"]["exports"] == []


def test_a_pillar_that_does_not_validate_declares_no_shares(tmp_path):
    found = status.share_status({}, tmp_path)
    assert not found["valid"] and found["smb"]["shares"] == [] and found["nfs"]["backend"] == "kernel"


def test_kernel_nfsd_runs_when_it_has_threads(tmp_path, monkeypatch):
    monkeypatch.setattr(status, "systemd_runs", lambda: False)
    threads = tmp_path / "threads"
    monkeypatch.setattr(status, "NFSD_THREADS", threads)
    assert not status.kernel_nfsd_running()
    threads.write_text("8\n")
    assert status.kernel_nfsd_running()
    threads.write_text("0\n")
    assert not status.kernel_nfsd_running()

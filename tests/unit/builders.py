"""Small pillars, normalized storage and inventory-like devices for the unit tests."""

import copy
import subprocess
from pathlib import Path

import yaml

from sigmavault import tree
from sigmavault.verdict import validate_pillar

CAPTURED = Path(__file__).parent / "captured"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


def example_pillar() -> dict:
    """pillar/sigmavault.sls is plain YAML (no Jinja): the annotated example site."""
    return yaml.safe_load((tree.example_pillar_dir() / "sigmavault.sls").read_text())


def pillar(disks: dict | None = None, pools: dict | None = None, **domains) -> dict:
    """A pillar with storage.disks and storage.pools as given; three path-declared disks by default."""
    disks = {"disk_a": {"path": "/dev/sdb"}, "disk_b": {"path": "/dev/sdc"},
             "disk_c": {"path": "/dev/sdd"}} if disks is None else disks
    pools = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank"}} if pools is None else pools
    return {"sigmavault": {"storage": {"disks": copy.deepcopy(disks), "pools": copy.deepcopy(pools)},
                           **copy.deepcopy(domains)}}


def storage(disks: dict | None = None, pools: dict | None = None) -> dict:
    """The normalized sigmavault.storage (defaults filled in) of a pillar that must be valid."""
    result = validate_pillar(pillar(disks, pools))
    assert result.ok, [str(e) for e in result.errors]
    return result.document["storage"]


def device(path: str, signature: dict | None = None, mounted_at: list | None = None,
           holders: list | None = None) -> dict:
    """An inventory entry as disks.inventory describes it, reduced to what the planners read."""
    full = None
    if signature is not None:
        full = {"type": None, "label": None, "uuid": None, "pttype": None, **signature}
    return {"path": path, "signature": full, "mounted_at": list(mounted_at or []), "holders": list(holders or [])}


def fake_run_result(monkeypatch, module, returncode: int, stdout: str = "", stderr: str = "") -> list:
    """Replace module.run_result with one that answers as given; returns the argv lists it was called with."""
    seen = []

    def fake(argv, stdin=None):
        seen.append(argv)
        return subprocess.CompletedProcess(argv, returncode, stdout, stderr)

    monkeypatch.setattr(module, "run_result", fake)
    return seen

"""System tier: a box made of loop disks, a pillar in a temporary site, and the real CLI and salt-call."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sigmavault.cli.state_results import parse_state_results
from sigmavault.salt_bridge.call import salt_call
from sigmavault.site import Site
from tests.system.loopdisks import LoopDisks, require_root

pytestmark = pytest.mark.system
SIGMAVAULT = str(Path(sys.executable).parent / "sigmavault")


@dataclass
class Box:
    root: Path
    site: Site
    disks: LoopDisks

    def path(self, *parts: str) -> str:
        return str(self.root.joinpath("mnt", *parts))

    def write_pillar(self, sigmavault: dict) -> None:
        self.site.pillar_dir.mkdir(parents=True, exist_ok=True)
        (self.site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - site\n")
        (self.site.pillar_dir / "site.sls").write_text(yaml.safe_dump({"sigmavault": sigmavault}))

    def cli_argv(self, *args: str) -> list[str]:
        return [SIGMAVAULT, "--pillar", str(self.site.pillar_dir), "--state-dir", str(self.site.state_dir),
                "--fstab", str(self.site.fstab), *args]

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "SIGMAVAULT_ETC": str(self.site.etc)}
        return subprocess.run(self.cli_argv(*args), capture_output=True, text=True, check=False, env=env)

    def highstate(self, test: bool = False) -> dict:
        """state id -> StateResult, straight from salt-call's JSON."""
        reply = salt_call(self.site, "state.apply", *(["test=True"] if test else []))
        results, errors = parse_state_results(reply.data)
        assert not errors, errors
        return {r.id: r for r in results}

    def fstab_text(self) -> str:
        return self.site.fstab.read_text() if self.site.fstab.exists() else ""


@pytest.fixture
def box(tmp_path: Path):
    reason = require_root()
    if reason:
        pytest.skip(reason)
    disks = LoopDisks(tmp_path)
    (tmp_path / "etc").mkdir()
    site = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state", fstab=tmp_path / "fstab",
                etc=tmp_path / "etc")
    try:
        yield Box(tmp_path, site, disks)
    finally:
        disks.release(tmp_path)


def disks_pillar(images) -> dict:
    """storage.disks for images made by LoopDisks.make: disk0, disk1, … by backing file."""
    return {f"d{i}": {"backing_file": str(image)} for i, (image, _device) in enumerate(images)}

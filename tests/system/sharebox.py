"""A NAS for the share tests: one btrfs pool on a loop disk, accounts and shares applied by the real CLI,
inside a private copy of the host's /etc and Samba/Ganesha state (tests.system.sandbox)."""

import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sigmavault.encryption import nodekey
from sigmavault.site import Site
from tests.system.loopdisks import LoopDisks, require_root
from tests.system.sandbox import private_host_files

SIGMAVAULT = str(Path(sys.executable).parent / "sigmavault")
PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-12"}


@dataclass
class ShareBox:
    root: Path
    site: Site
    image: Path

    @property
    def mnt(self) -> Path:
        return self.root / "mnt"

    @property
    def smb_conf(self) -> Path:
        return self.site.etc / "samba" / "smb.conf"

    def write_pillar(self, sigmavault: dict, secrets: dict | None = None) -> None:
        """The site's pillar, with the SMB passwords in a separate file readable by root alone."""
        self.site.pillar_dir.mkdir(exist_ok=True)
        (self.site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - site\n    - secrets\n")
        (self.site.pillar_dir / "site.sls").write_text(yaml.safe_dump({"sigmavault": sigmavault}))
        accounts = {name: {"smb_password": password} for name, password in (secrets or {}).items()}
        secret_file = self.site.pillar_dir / "secrets.sls"
        secret_file.touch(mode=0o600)
        secret_file.write_text(yaml.safe_dump({"sigmavault": {"users": {"accounts": accounts}}}))

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        argv = [SIGMAVAULT, "--pillar", str(self.site.pillar_dir), "--state-dir", str(self.site.state_dir),
                "--fstab", str(self.site.fstab), *args]
        env = {**os.environ, "SIGMAVAULT_ETC": str(self.site.etc)}
        return subprocess.run(argv, input=input, capture_output=True, text=True, check=False, env=env)

    def seal_passwords(self, passwords: dict) -> None:
        """Each account's SMB password sealed into secrets.sls by the real CLI, for this box's node key."""
        if not nodekey.node_path(self.site.state_dir).exists():
            made = self.cli("keys", "gen")
            assert made.returncode == 0, made.stderr
        for name, password in passwords.items():
            sealed = self.cli("seal", "secrets.sls", f"sigmavault.users.accounts.{name}.smb_password", input=password)
            assert sealed.returncode == 0, sealed.stderr

    def apply(self) -> subprocess.CompletedProcess:
        done = self.cli("apply")
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def pool(self, datasets: dict) -> dict:
        return {"disks": {"d0": {"backing_file": str(self.image)}},
                "pools": {"tank": {"devices": ["d0"], "mountpoint": str(self.mnt / "tank"), "datasets": datasets}}}


def smbclient(share: str, user: str | None, *commands: str, password: str | None = None,
              cwd: Path | None = None) -> subprocess.CompletedProcess:
    """smbclient against the box on loopback; user None connects without credentials."""
    who = ["-N"] if user is None else ["-U", f"{user}%{password or PASSWORDS[user]}"]
    return subprocess.run(["smbclient", f"//127.0.0.1/{share}", *who, "-c", "; ".join(commands)],
                          capture_output=True, text=True, check=False, cwd=cwd)


def wait_out_nfs_grace(folder: Path, scratch: Path) -> None:
    """A freshly started NFS server refuses new files (NFS3ERR_JUKEBOX) until its grace period for lock
    reclaims ends (grace_seconds). Probes a loopback create into folder, then removes the probes."""
    probe = scratch / "probe"
    probe.write_text("probe\n")
    for attempt in range(120):
        # A new name each time: Ganesha caches the name the refused attempt created.
        copied = subprocess.run(["nfs-cp", str(probe), f"nfs://127.0.0.1{folder}/.probe{attempt}"],
                                capture_output=True, check=False)
        if copied.returncode == 0:
            for landed in folder.glob(".probe*"):
                landed.unlink()
            return
        time.sleep(0.5)
    raise AssertionError("the NFS server stayed in its grace period")


def changed_count(apply_output: str) -> int:
    summary = [line for line in apply_output.splitlines() if " states: " in line][-1]
    return int(summary.split(": ")[1].split(" changed")[0])


def applied_share_box(site, secrets: dict | None = None, prepare=None, sealed: dict | None = None):
    """For a module fixture: a ShareBox with site(box) applied once (its output kept as first_apply);
    skipped without root. secrets are SMB passwords in a root-only file, sealed ones are sealed by
    `sigmavault seal`. prepare(stack), if given, sets up more inside the sandbox before the apply;
    what it puts on the ExitStack is undone before the sandbox goes."""
    reason = require_root()
    if reason:
        pytest.skip(reason)
    for box in make_share_box():
        with ExitStack() as stack:
            if prepare:
                prepare(stack)
            box.write_pillar(site(box), secrets)
            if sealed:
                box.seal_passwords(sealed)
            box.first_apply = box.apply()
            yield box


def make_share_box(disk_size: str = "640M"):
    """Yields a ShareBox; everything it started, mounted or attached is gone afterwards."""
    root = Path(tempfile.mkdtemp(prefix="sigmavault-shares-"))
    root.chmod(0o755)    # accounts reach the shares' folders through it
    disks = LoopDisks(root)
    try:
        with private_host_files(root / "host"):
            [(image, _device)] = disks.make(1, disk_size)
            (root / "etc").mkdir()
            site = Site(pillar_dir=root / "pillar", state_dir=root / "state", fstab=root / "fstab", etc=root / "etc")
            yield ShareBox(root, site, image)
            disks.release(root)
    finally:
        disks.release(root)
        subprocess.run(["rm", "-rf", "--one-file-system", str(root)], check=False)

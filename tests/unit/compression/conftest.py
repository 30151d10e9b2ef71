"""Fixtures for the compression engine: a small real corpus, a family of similar logs, a store."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from sigmavault.compression import DictionaryStore
from tests.bench import corpus as corpus_builder


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4 MiB corpus from tests/bench/corpus.py (seed 3), without its CORPUS.json listing."""
    target = tmp_path_factory.mktemp("corpus") / "c"
    corpus_builder.build(target, 4 << 20, seed=3)
    (target / "CORPUS.json").unlink()
    return target


def log_line(rng: random.Random, n: int) -> str:
    user = rng.choice(["alice", "bob", "media", "backup"])
    return (f"Nov 23 12:{n // 60 % 60:02d}:{n % 60:02d} nas1 smbd[{rng.randrange(100, 9999)}]: "
            f"share {rng.choice(['media', 'home', 'photos'])} opened by {user} from 10.0.0.{rng.randrange(256)}\n")


@pytest.fixture
def log_family(tmp_path: Path) -> Path:
    """A folder of 60 small, similar log files: what a dictionary is for."""
    folder = tmp_path / "logs"
    folder.mkdir()
    rng = random.Random(7)
    for i in range(60):
        lines = "".join(log_line(rng, n) for n in range(rng.randrange(20, 80)))
        (folder / f"smbd-{i:03d}.log").write_text(lines)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> DictionaryStore:
    return DictionaryStore(tmp_path / "dicts")


@pytest.fixture
def zstd_cli() -> str:
    path = shutil.which("zstd")
    if path is None:
        pytest.skip("the zstd command is not installed (apt-get install zstd)")
    return path


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)


@pytest.fixture
def same_tree():
    """same_tree(a, b): both folders hold the same relative file names with identical bytes."""
    return _same_tree


_BOUND: list[Path] = []


@pytest.fixture(autouse=True)
def _unmount_pools():
    yield
    while _BOUND:
        subprocess.run(["umount", str(_BOUND.pop())], check=True)


def unmount_pool(mountpoint: Path) -> None:
    """Take a pool made by pools_at off its mountpoint again, leaving the folder beneath it."""
    _BOUND.remove(mountpoint)
    subprocess.run(["umount", str(mountpoint)], check=True)


def pools_at(*mountpoints: Path) -> dict:
    """The validated sigmavault key of a pillar with one pool mounted at each folder (jobs act only there).

    Each folder becomes a real mount point (bound onto itself, until the test ends): a job refuses a pool
    whose mountpoint has nothing mounted."""
    from sigmavault.mounts import mounted_at, read_mounts
    from sigmavault.verdict import validate_pillar
    from tests.unit.builders import pillar

    if os.geteuid() != 0:
        pytest.skip("a pool's mountpoint is a mount point: binding a folder onto itself needs root")
    for mountpoint in mountpoints:
        mountpoint.mkdir(parents=True, exist_ok=True)
        if mounted_at(os.path.realpath(mountpoint), read_mounts()) is None:
            subprocess.run(["mount", "--bind", str(mountpoint), str(mountpoint)], check=True)
            _BOUND.append(mountpoint)

    disks = {f"disk_{i}": {"path": f"/dev/sd{chr(ord('b') + i)}"} for i in range(len(mountpoints))}
    pools = {f"pool{i}": {"devices": [f"disk_{i}"], "mountpoint": str(m)} for i, m in enumerate(mountpoints)}
    result = validate_pillar(pillar(disks=disks, pools=pools))
    assert result.ok, [str(e) for e in result.errors]
    return result.document

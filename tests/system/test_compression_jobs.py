"""Compression jobs through the CLI and real salt-call on a loop-disk btrfs pool."""

import hashlib
import json
import os
import random
import subprocess
import time
from pathlib import Path

from tests.system.conftest import disks_pillar
from tests.system.loopdisks import sh

DAY = 86400


def pool_pillar(box, images, jobs: dict | None = None) -> dict:
    pool = {"devices": ["d0"], "mountpoint": box.path("tank"), "compression": "none",
            "datasets": {"logs": {"compression": "lzo"}, "archives": {}}}
    return {"storage": {"disks": disks_pillar(images), "pools": {"tank": pool}},
            "compression": {"jobs": jobs or {}}}


def log_text(seed: int, size: int) -> bytes:
    rng, lines, used = random.Random(seed), [], 0
    while used < size:
        line = (f"Nov 23 12:{rng.randrange(60):02d}:{rng.randrange(60):02d} nas1 smbd[{rng.randrange(9999)}]: "
                f"share {rng.choice(['media', 'home', 'photos'])} opened by {rng.choice(['alice', 'bob'])} "
                f"from 10.0.{rng.randrange(256)}.{rng.randrange(256)}\n").encode()
        lines.append(line)
        used += len(line)
    return b"".join(lines)[:size]


def small_log(rng: random.Random) -> bytes:
    """A few dozen lines of one daemon's log: a family of these is what a trained dictionary is for."""
    return "".join(f"Nov 23 12:{n // 60 % 60:02d}:{n % 60:02d} nas1 smbd[{rng.randrange(100, 9999)}]: share "
                   f"{rng.choice(['media', 'home', 'photos'])} opened by {rng.choice(['alice', 'bob', 'media'])} "
                   f"from 10.0.0.{rng.randrange(256)}\n" for n in range(rng.randrange(20, 80))).encode()


def put(path: Path, data: bytes, age_days: float = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
        os.fsync(out.fileno())
    if age_days:
        then = time.time() - age_days * DAY
        os.utime(path, (then, then))


def compsize_types(*paths: Path) -> dict[str, int]:
    """compression type -> bytes on disk, from compsize -b."""
    lines = sh("compsize", "-b", *map(str, paths)).stdout.splitlines()
    return {f[0]: int(f[2]) for f in (line.split() for line in lines) if len(f) == 5 and f[0] != "TOTAL"}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def no_traceback(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert "Traceback" not in run.stdout + run.stderr
    return run


def test_declared_in_place_job_recompresses_cold_files_only(box):
    images = box.disks.make(1)
    job = {"source": "tank/logs", "in_place": True, "cold_days": 30, "profile": "balanced"}
    box.write_pillar(pool_pillar(box, images, {"cold_logs": job}))
    assert box.cli("apply").returncode == 0
    logs = Path(box.path("tank"), "logs")  # written with lzo: fast for hot data
    for index in range(6):
        put(logs / "2025" / f"smbd-{index}.log", log_text(index, 3 << 20), age_days=90)
    put(logs / "today.log", log_text(10, 3 << 20))
    put(logs / "old.tar.xz", os.urandom(1 << 20), age_days=90)
    put(logs / "kept.log", log_text(11, 2 << 20), age_days=90)
    sh("cp", "--reflink=always", "--preserve=timestamps", str(logs / "kept.log"), str(logs / "kept-copy.log"))
    hashes = {p: sha(p) for p in logs.rglob("*") if p.is_file()}
    cold = sorted((logs / "2025").iterdir())
    lzo = compsize_types(*cold)
    assert set(lzo) == {"lzo"}

    run = no_traceback(box.cli("compress", "run", "cold_logs"))

    assert run.returncode == 0, run.stdout + run.stderr
    zstd = compsize_types(*cold)
    assert set(zstd) == {"zstd"} and zstd["zstd"] < 0.8 * lzo["lzo"]
    assert set(compsize_types(logs / "today.log", logs / "kept.log", logs / "kept-copy.log")) == {"lzo"}
    assert {p: sha(p) for p in hashes} == hashes  # the same bytes, only less disk
    assert "cold_logs, in_place) done" in run.stdout
    assert "2 shares data with a snapshot or a copy" in run.stdout and "1 modified recently" in run.stdout
    (record,) = json.loads(box.cli("compress", "list", "--json").stdout)
    assert (record["state"], record["kind"], record["total"]["files"]) == ("done", "in_place", 6)
    assert record["total"]["bytes_in"] == 18 << 20
    assert record["total"]["bytes_before"] == lzo["lzo"] and record["total"]["bytes_out"] == zstd["zstd"]
    assert str(logs / "old.tar.xz") in str(record["details"]["skipped_examples"])
    stats = json.loads(box.cli("compress", "stats", "--json").stdout)
    assert stats["kinds"]["in_place"]["classes"]["text"]["freed_bytes"] == lzo["lzo"] - zstd["zstd"]
    again = no_traceback(box.cli("compress", "run", "cold_logs"))
    assert "done in" in again.stdout and "nothing compressed" in again.stdout
    assert "6 already compressed with zstd" in again.stdout


def test_archive_job_and_restore_round_trip_and_errors_are_readable(box):
    images = box.disks.make(1)
    box.write_pillar(pool_pillar(box, images))
    assert box.cli("apply").returncode == 0
    source = Path(box.path("tank"), "docs")  # jobs read and write only inside the pools
    rng = random.Random(7)
    for index in range(100):
        put(source / "small" / f"smbd-{index:03d}.log", small_log(rng))
    put(source / "big.log", log_text(1, 4 << 20))
    put(source / "photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(1 << 20))
    target = Path(box.path("tank"), "archives")

    run = no_traceback(box.cli("compress", "run", "--source", str(source), "--target", str(target),
                               "--json"))

    assert run.returncode == 0, run.stdout + run.stderr
    job = json.loads(run.stdout)
    archive = Path(job["target"])
    assert archive.parent == target and (archive / "manifest.json").exists()
    assert job["classes"]["text"]["files"] == 101 and job["classes"]["text"]["saved_percent"] > 60
    restored_to = Path(box.path("tank"), "restored")
    restored = no_traceback(box.cli("compress", "restore", str(archive), str(restored_to)))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert all(sha(p) == sha(restored_to / p.relative_to(source)) for p in source.rglob("*") if p.is_file())
    # The small logs share a pack; a damaged pack names itself and the files it takes with it.
    manifest = json.loads((archive / "manifest.json").read_text())
    (pack,) = {e["pack"] for e in manifest["entries"] if e["path"].startswith("small/")}
    damaged = bytearray((archive / pack).read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    (archive / pack).write_bytes(bytes(damaged))
    again = Path(box.path("tank"), "again")
    broken = no_traceback(box.cli("compress", "restore", str(archive), str(again)))
    assert broken.returncode == 1
    assert f"{pack} cannot be decompressed" in broken.stdout and "the 100 files it holds: small/" in broken.stdout
    assert not again.exists()
    unknown = no_traceback(box.cli("compress", "run", "nightly"))
    assert unknown.returncode == 1 and "refused: no job 'nightly'" in unknown.stderr


def running_job(box, job_process: subprocess.Popen) -> dict:
    """The job's record once it is running and has read something; waits on the job, not on a clock."""
    while job_process.poll() is None:
        jobs = json.loads(box.cli("compress", "list", "--json").stdout)
        if jobs and jobs[0]["state"] == "running" and jobs[0]["bytes_done"] > 0:
            return jobs[0]
        time.sleep(0.2)
    out, err = job_process.communicate()
    raise AssertionError(f"the job ended before it was seen running: {out}{err}")


def test_cancel_stops_an_archive_job_and_leaves_nothing_half_written(box):
    images = box.disks.make(1)
    box.write_pillar(pool_pillar(box, images))
    assert box.cli("apply").returncode == 0
    source = Path(box.path("tank"), "big")
    for index in range(48):
        put(source / f"part-{index:02d}.log", log_text(index, 1 << 20))
    target = Path(box.path("tank"), "archives")
    env = {**os.environ, "SIGMAVAULT_ETC": str(box.site.etc)}
    job_process = subprocess.Popen(
        box.cli_argv("compress", "run", "--source", str(source), "--target", str(target), "--profile", "max"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        job = running_job(box, job_process)
        cancel = no_traceback(box.cli("compress", "cancel", job["id"]))
        out, err = job_process.communicate(timeout=60)
    finally:
        job_process.kill()
    assert cancel.returncode == 0, cancel.stderr
    assert job_process.returncode == 1
    assert "Traceback" not in out + err
    assert f"job {job['id']} (adhoc, archive) cancelled: cancelled on request" in out
    assert list(target.iterdir()) == []
    (record,) = json.loads(box.cli("compress", "list", "--json").stdout)
    assert record["state"] == "cancelled" and record["cancel_requested"]
    assert no_traceback(box.cli("compress", "cancel", job["id"])).returncode == 1


def test_in_place_job_leaves_files_shared_with_a_snapshot_alone(box):
    images = box.disks.make(1)
    box.write_pillar(pool_pillar(box, images))
    assert box.cli("apply").returncode == 0
    logs = Path(box.path("tank"), "logs")
    for index in range(3):
        put(logs / f"smbd-{index}.log", log_text(index, 2 << 20), age_days=90)
    sh("btrfs", "subvolume", "snapshot", "-r", str(logs), str(Path(box.path("tank"), "logs-snapshot")))
    sh("btrfs", "subvolume", "snapshot", "-r", str(logs), str(logs / ".snapshot"))  # nested: never entered
    used = compsize_types(Path(box.path("tank")))

    run = no_traceback(box.cli("compress", "run", "--source", "tank/logs", "--in-place", "--cold-days", "30"))

    assert run.returncode == 0, run.stdout + run.stderr
    assert "nothing compressed" in run.stdout
    assert "3 shares data with a snapshot or a copy" in run.stdout
    assert "1 nested subvolume, snapshot or mount: not entered" in run.stdout
    assert compsize_types(Path(box.path("tank"))) == used  # rewriting would have unshared: more disk, not less

"""A pool whose file system is not mounted leaves a plain folder of the host at its mountpoint: a job never
reads or writes there, and neither does the converge that makes its folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sigmavault.compression.jobs import run_job
from sigmavault.compression.jobs_paths import PoolNotMounted, confine
from sigmavault.compression.jobs_plan import plan_jobs
from sigmavault.compression.jobs_spec import confined, make_spec
from sigmavault.outcome import run_plan
from tests.unit.compression.conftest import pools_at, unmount_pool


def unmounted(pool: Path) -> dict:
    """The validated key of a pillar whose pool is declared at pool, then left unmounted."""
    document = pools_at(pool)
    unmount_pool(pool)
    return document


def host_folder(tmp_path: Path) -> Path:
    """What the host itself keeps where the pool should be mounted."""
    pool = tmp_path / "tank"
    (pool / "docs").mkdir(parents=True)
    (pool / "docs" / "host-secret.txt").write_text("the host's own file, not the pool's\n")
    return pool


def test_confine_refuses_a_path_under_a_mountpoint_with_nothing_mounted(tmp_path: Path):
    pool = host_folder(tmp_path)

    with pytest.raises(PoolNotMounted) as refused:
        confine(str(pool / "docs"), (str(pool),))

    assert f"{pool / 'docs'} lies under {pool}, but {pool} is not the pool's mounted file system" in str(refused.value)
    assert "the pool is not mounted there" in str(refused.value)
    assert confine(str(pool / "docs"), (str(pool),), mounted=False) == str(pool / "docs")  # a prediction


def test_a_job_under_an_unmounted_pool_fails_naming_its_key_and_reads_nothing(tmp_path: Path):
    pool = host_folder(tmp_path)
    document = unmounted(pool)
    spec = make_spec("nightly", document, source=str(pool / "docs"), target=str(pool / "archives"))

    with pytest.raises(PoolNotMounted, match=rf"^nightly\.source: {pool / 'docs'} lies under {pool}, but"):
        confined(spec)
    job = run_job(spec, tmp_path / "state")

    assert job["state"] == "failed" and "the pool is not mounted there" in job["error"]
    assert job["total"]["files"] == 0
    assert sorted(p.name for p in pool.iterdir()) == ["docs"]  # no archive folder on the host


def test_a_path_on_another_mount_inside_the_pool_is_refused(tmp_path: Path):
    pool = tmp_path / "tank"
    document = pools_at(pool)  # mounted
    (pool / "usb").mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(pool / "usb")], check=True)
    try:
        spec = make_spec("copy", document, source=str(pool / "usb"), target=str(pool / "archives"))
        with pytest.raises(PoolNotMounted, match=r"is on another mount"):
            confined(spec)
    finally:
        subprocess.run(["umount", str(pool / "usb")], check=True)


def test_the_converge_refuses_jobs_of_an_unmounted_pool_and_makes_no_folder(tmp_path: Path):
    pool = host_folder(tmp_path)
    document = unmounted(pool)
    filled = {"in_place": False, "profile": "balanced", "cold_days": 0, "priority": "low"}
    document["compression"]["jobs"] = {"nightly": filled | {"source": str(pool / "docs"),
                                                            "target": str(pool / "archives")}}

    predicted = run_plan("compression jobs", lambda: plan_jobs(document, predicting=True), test=True)
    outcome = run_plan("compression jobs", lambda: plan_jobs(document), test=False)

    assert predicted.result is None  # the storage state before it only predicted the mount as well
    assert outcome.result is False
    assert outcome.comment.startswith(f"refused, nothing changed: sigmavault.compression.jobs.nightly: "
                                      f"{pool / 'docs'} lies under {pool}, but")
    assert sorted(p.name for p in pool.iterdir()) == ["docs"]

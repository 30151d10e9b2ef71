"""The job store: jobs, their progress and stats, cancel requests, and jobs whose process died."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sigmavault.compression.store import ClassRecord, JobStore, Outcome

SPEC = {"name": "logs", "kind": "archive", "source": "/var/log", "target": "/srv/a", "profile": "balanced",
        "priority": "low", "cold_days": 0}


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore.for_state_dir(tmp_path / "state")


def finish_one(store: JobStore, job_id: str, kind: str = "archive", state: str = "done", **classes) -> None:
    store.start(job_id, SPEC | {"kind": kind})
    store.finish(job_id, Outcome(state, dict(classes), wall_seconds=2.0))


def test_store_lives_in_the_state_dir_and_survives_reopening(tmp_path: Path, store: JobStore):
    finish_one(store, "a1", text=ClassRecord(3, 3_000_000, 3_000_000, 1_000_000, 0.5, 0.1))

    again = JobStore.for_state_dir(tmp_path / "state")

    assert store.path == tmp_path / "state" / "compression" / "jobs.sqlite"
    (job,) = again.jobs()
    assert (job["id"], job["state"], job["name"], job["kind"]) == ("a1", "done", "logs", "archive")
    assert job["classes"]["text"] | {} == job["total"]
    assert job["total"]["ratio"] == 3.0 and job["total"]["saved_percent"] == 66.7
    assert job["total"]["compress_mbps"] == 6.0


def test_stats_add_up_per_class_and_kind_over_finished_jobs_only(store: JobStore):
    finish_one(store, "a1", text=ClassRecord(1, 1000, 1000, 250), random=ClassRecord(1, 500, 500, 510))
    finish_one(store, "a2", text=ClassRecord(1, 3000, 3000, 750))
    finish_one(store, "p1", kind="in_place", binary=ClassRecord(2, 8000, 8000, 4000))
    finish_one(store, "f1", state="failed", text=ClassRecord(9, 9000, 9000, 1))

    stats = store.stats()

    assert stats["jobs"] == 3
    assert stats["kinds"]["archive"]["classes"]["text"]["bytes_in"] == 4000
    assert stats["kinds"]["archive"]["classes"]["text"]["saved_percent"] == 75.0
    assert stats["kinds"]["archive"]["classes"]["random"]["freed_bytes"] == -10
    assert stats["kinds"]["in_place"]["total"]["bytes_out"] == 4000
    assert stats["total"]["bytes_in"] == 12500 and stats["total"]["bytes_out"] == 5510


def test_archive_dictionaries_count_once_in_the_job_total(store: JobStore):
    store.start("a1", SPEC)
    store.finish("a1", Outcome("done", {"text": ClassRecord(10, 10_000, 10_000, 1000)}, dictionary_bytes=500))

    (job,) = store.jobs()

    assert job["classes"]["text"]["bytes_out"] == 1000 and job["total"]["bytes_out"] == 1500
    assert store.stats()["total"]["bytes_out"] == 1500


def test_progress_and_cancel_request_show_on_the_running_job(store: JobStore):
    store.start("r1", SPEC)
    store.progress("r1", 50, 200, 1, 4)

    assert store.request_cancel("r1") == "running"
    (job,) = store.jobs()
    assert (job["state"], job["bytes_done"], job["files_total"], job["cancel_requested"]) == ("running", 50, 4, True)
    assert store.cancel_requested("r1")


def test_cancel_of_an_unknown_or_finished_job_changes_nothing(store: JobStore):
    finish_one(store, "d1")

    assert store.request_cancel("nope") is None
    assert store.request_cancel("d1") == "done"
    assert not store.cancel_requested("d1")


def test_a_job_whose_process_died_is_marked_interrupted(store: JobStore):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    store.start("gone", SPEC, pid=int(dead.stdout))
    store.start("alive", SPEC)

    states = {job["id"]: job["state"] for job in store.jobs()}

    assert states == {"gone": "interrupted", "alive": "running"}
    assert "killed or rebooted" in store.job("gone")["error"]


def test_a_running_state_is_not_a_final_outcome(store: JobStore):
    store.start("x", SPEC)
    with pytest.raises(ValueError):
        store.finish("x", Outcome("running"))


def test_restores_are_listed_but_not_counted_as_savings(store: JobStore):
    finish_one(store, "r1", kind="restore", text=ClassRecord(1, 1000, 250, 250))

    assert [job["kind"] for job in store.jobs()] == ["restore"]
    assert store.stats() == {"kinds": {}, "jobs": 0, "total": ClassRecord().to_dict()}


def test_a_running_job_is_found_by_name_until_it_ends(store: JobStore):
    store.start("n1", SPEC)

    assert store.running("logs") == "n1" and store.running("other") is None
    store.finish("n1", Outcome("done"))
    assert store.running("logs") is None

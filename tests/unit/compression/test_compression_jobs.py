"""Compression jobs: recorded in the store, progress as events, cancel, priority, and readable failures."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from sigmavault.compression import EngineOptions, compress_folder
from sigmavault.compression.jobs import dictionary_store, run_job
from sigmavault.compression.jobs_events import progress_path, read_events
from sigmavault.compression.jobs_spec import make_spec
from sigmavault.compression.store import JobStore
from tests.unit.compression.conftest import pools_at


def archive_spec(source: Path, target: Path, **kwargs):
    """An archive job whose source and target each lie in a pool (mounted at their parent folders)."""
    document = pools_at(*sorted({source.parent, target.parent}))
    return make_spec("nightly", document, source=str(source), target=str(target), **kwargs)


def restore_spec(archive: Path | str, destination: Path):
    document = pools_at(*sorted({Path(archive).parent, destination.parent}))
    return make_spec("back", document, source=str(archive), target=str(destination), restore=True)


def test_archive_job_is_recorded_with_stats_per_kind_of_data(corpus: Path, tmp_path: Path, same_tree):
    job = run_job(archive_spec(corpus, tmp_path / "archives"), tmp_path / "state")

    assert job["state"] == "done" and job["error"] is None
    archive = Path(job["target"])
    assert archive.parent == tmp_path / "archives" and archive.name.startswith("nightly-")
    assert sorted(job["classes"]) == ["binary", "compressed", "random", "source", "structured", "text"]
    files = [p for p in corpus.rglob("*") if p.is_file()]
    assert job["total"]["files"] == len(files)
    assert job["total"]["bytes_in"] == sum(p.stat().st_size for p in files)
    assert job["classes"]["text"]["ratio"] > 3
    assert job["classes"]["random"]["saved_percent"] <= 0.1
    assert JobStore.for_state_dir(tmp_path / "state").jobs() == [job]
    restored = run_job(restore_spec(archive, tmp_path / "restored"), tmp_path / "state")
    assert restored["state"] == "done"
    assert same_tree(corpus, tmp_path / "restored")


def test_progress_goes_to_the_jsonl_file_and_to_the_event_bus(corpus: Path, tmp_path: Path):
    sent: list[tuple[str, dict]] = []
    job = run_job(archive_spec(corpus / "source", tmp_path / "a"), tmp_path / "state", job_id="feed01",
                  emit=lambda tag, data: sent.append((tag, data)))

    events = read_events(progress_path(tmp_path / "state", "feed01"))
    assert [e["event"] for e in (events[0], events[-1])] == ["started", "finished"]
    progress = [e for e in events if e["event"] == "progress"]
    assert progress and progress[-1]["fraction"] == 1.0 and progress[-1]["files_done"] == job["total"]["files"]
    assert events[-1]["state"] == "done" and events[-1]["total"]["bytes_out"] == job["total"]["bytes_out"]
    assert [tag for tag, _ in sent] == [f"sigmavault/compression/job/feed01/{e['event']}" for e in events]
    assert [data for _, data in sent] == events


def test_without_an_event_bus_only_the_file_is_written(corpus: Path, tmp_path: Path):
    calls = []
    run_job(archive_spec(corpus / "source", tmp_path / "a"), tmp_path / "state", job_id="nobus",
            emit=lambda tag, data: calls.append(tag) or False)

    assert len(calls) == 1  # the first send said there is no bus
    assert len(read_events(progress_path(tmp_path / "state", "nobus"))) >= 3


def test_cancel_requested_through_the_store_leaves_no_archive(corpus: Path, tmp_path: Path):
    state, asked = tmp_path / "state", threading.Event()

    def emit(tag: str, data: dict) -> None:
        if data["event"] == "progress" and not asked.is_set():
            asked.set()
            assert JobStore.for_state_dir(state).request_cancel("stopme") == "running"
            time.sleep(1.0)  # the runner polls the store twice a second

    job = run_job(archive_spec(corpus, tmp_path / "archives"), state, job_id="stopme", emit=emit)

    assert job["state"] == "cancelled" and "nothing half-written" in job["error"]
    assert not (tmp_path / "archives").exists() or list((tmp_path / "archives").iterdir()) == []
    assert job["cancel_requested"] is True


def test_job_runs_at_its_priority_and_leaves_the_caller_alone(corpus: Path, tmp_path: Path):
    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []
    job = run_job(archive_spec(corpus / "text", tmp_path / "a", priority="low"), tmp_path / "state",
                  emit=lambda tag, data: seen.append((data["event"], os.getpriority(os.PRIO_PROCESS, 0))))

    assert {nice for event, nice in seen if event != "finished"} == {19}  # the job's own thread
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
    assert job["details"]["priority"].startswith("nice 19")


def test_missing_source_fails_with_a_message_and_makes_nothing(tmp_path: Path):
    job = run_job(archive_spec(tmp_path / "nope", tmp_path / "a"), tmp_path / "state")

    assert job["state"] == "failed"
    assert job["error"] == f"{tmp_path / 'nope'} does not exist or is not a folder; nothing was archived"
    assert not (tmp_path / "a").exists()


def test_restore_without_its_dictionary_names_the_dictionary(log_family: Path, tmp_path: Path):
    state = tmp_path / "state"
    archived = run_job(archive_spec(log_family, tmp_path / "a"), state, options=EngineOptions(pack_file_limit=0))
    (dict_id,) = archived["details"]["dictionaries"]
    dictionary_store(state).path(dict_id).rename(tmp_path / "elsewhere.dict")

    job = run_job(restore_spec(archived["target"], tmp_path / "r"), state)

    assert job["state"] == "failed"
    assert f"zstd dictionary {dict_id} is needed" in job["error"] and f"{dict_id}.dict" in job["error"]
    assert not (tmp_path / "r").exists()


def test_restore_of_a_damaged_frame_names_the_file(corpus: Path, tmp_path: Path):
    manifest = compress_folder(corpus / "text", tmp_path / "archive")
    victim = max(manifest.entries, key=lambda e: e.compressed_size)
    member = tmp_path / "archive" / victim.data_path
    data = bytearray(member.read_bytes())
    data[len(data) // 2] ^= 0xFF
    member.write_bytes(bytes(data))

    job = run_job(restore_spec(tmp_path / "archive", tmp_path / "r"), tmp_path / "state")

    assert job["state"] == "failed" and victim.path in job["error"] and "damaged" in job["error"]
    assert not (tmp_path / "r").exists()


def test_an_unexpected_error_is_a_failed_job_with_the_traceback_kept(corpus: Path, tmp_path: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("sigmavault.compression.jobs.compress_folder", broken)
    job = run_job(archive_spec(corpus / "text", tmp_path / "a"), tmp_path / "state")

    assert job["state"] == "failed"
    assert job["error"] == "unexpected error (RuntimeError: disk on fire); please report it"
    assert "Traceback" in job["details"]["traceback"]
    assert json.loads(json.dumps(job)) == job  # what the panel reads is plain JSON


def test_a_source_swapped_for_a_symlink_out_of_the_pool_after_planning_fails_before_reading(tmp_path: Path):
    pool, outside = tmp_path / "pool", tmp_path / "outside"
    (pool / "docs").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("not for any job\n")
    spec = archive_spec(pool / "docs", pool / "archives")  # checked while docs was a folder in the pool
    (pool / "docs").rmdir()
    (pool / "docs").symlink_to(outside)

    job = run_job(spec, tmp_path / "state")

    assert job["state"] == "failed" and job["total"]["files"] == 0
    assert job["error"].startswith(f"{pool / 'docs'} resolves to {outside}, outside every pool ({pool})")
    assert not (pool / "archives").exists() and sorted(p.name for p in outside.iterdir()) == ["secret.txt"]

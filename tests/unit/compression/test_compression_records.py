"""Compression's records in the state dir, damaged: the job store and a dictionary's record name the file
and what to do (records.RecordDamaged), in the library, the CLI and a job, never as a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sigmavault.cli.main import cli
from sigmavault.compression import EngineOptions
from sigmavault.compression.jobs import dictionary_store, run_job
from sigmavault.compression.store import JobStore, Outcome
from sigmavault.records import RecordDamaged
from tests.unit.compression.test_compression_jobs import archive_spec

SPEC = {"name": "logs", "kind": "archive", "source": "/srv/tank/logs", "target": "/srv/tank/a",
        "profile": "balanced", "priority": "low", "cold_days": 0}


def compress_cli(state: Path, *args: str):
    result = CliRunner().invoke(cli, ["--state-dir", str(state), "compress", *args])
    assert "Traceback" not in result.output and not isinstance(result.exception, RecordDamaged)
    return result


@pytest.mark.parametrize("damage", [b"", b"SQLite format 3\x00" + b"\x17" * 200, b"{\"jobs\": []}\n"])
def test_a_damaged_job_store_names_its_file_and_the_way_out(tmp_path: Path, damage: bytes):
    path = tmp_path / "state" / "compression" / "jobs.sqlite"
    JobStore(path)
    path.write_bytes(damage or b"\x00" * 4096)  # a zeroed file, a torn header, something else entirely

    with pytest.raises(RecordDamaged) as damaged:
        JobStore(path).jobs()

    assert str(damaged.value).startswith(f"{path}: is not a readable job database (")
    assert "move it away" in str(damaged.value) and "archives already made stay restorable" in str(damaged.value)
    listed = compress_cli(tmp_path / "state", "list")
    assert listed.exit_code == 1 and listed.output.startswith(f"{path}: is not a readable job database")


def test_a_folder_in_place_of_the_job_store_is_damage_too(tmp_path: Path):
    path = tmp_path / "state" / "compression" / "jobs.sqlite"
    path.mkdir(parents=True)

    stats = compress_cli(tmp_path / "state", "stats")

    assert stats.exit_code == 1 and stats.output.startswith(f"{path}: cannot be opened as the job database")


def test_damaged_details_of_one_job_name_the_job(tmp_path: Path):
    store = JobStore.for_state_dir(tmp_path / "state")
    store.start("j1", SPEC)
    store.finish("j1", Outcome("done", details={"archive": "/srv/tank/a/logs-1"}))
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE jobs SET details='{\"archive\": \"/srv/ta' WHERE id='j1'")

    with pytest.raises(RecordDamaged, match=r"holds damaged details for job j1 \(not a JSON object\); move it away"):
        store.jobs()


@pytest.mark.parametrize("damage, problem", [
    ('{"dict_id": 1, "fam', "is not valid JSON (line 1, column 16); it may have been cut short"),
    ("", "is empty; it may have been cut short"),
    ('{"dict_id": 1}', "is not a dictionary record (it needs exactly dict_id, family, version, size, sha256, "
                       "samples)"),
    ("[]", "holds a list where a mapping (JSON object) belongs"),
])
def test_a_damaged_dictionary_record_names_the_file_and_a_job_fails_with_it(
        log_family: Path, tmp_path: Path, damage: str, problem: str):
    state = tmp_path / "state"
    first = run_job(archive_spec(log_family, tmp_path / "a"), state, options=EngineOptions(pack_file_limit=0))
    (dict_id,) = first["details"]["dictionaries"]
    record = dictionary_store(state).root / f"{dict_id}.json"
    record.write_text(damage)

    with pytest.raises(RecordDamaged) as damaged:
        dictionary_store(state).list()
    job = run_job(archive_spec(log_family, tmp_path / "b"), state, options=EngineOptions(pack_file_limit=0))

    expected = f"{record}: {problem}"
    assert str(damaged.value).startswith(expected) and f"{dict_id}.dict stays readable" in str(damaged.value)
    assert job["state"] == "failed" and job["error"].startswith(expected) and "traceback" not in job["details"]
    assert not (tmp_path / "b").exists() or list((tmp_path / "b").iterdir()) == []


def test_a_missing_dictionary_record_leaves_the_dictionary_out_of_new_archives(log_family: Path, tmp_path: Path):
    state = tmp_path / "state"
    first = run_job(archive_spec(log_family, tmp_path / "a"), state, options=EngineOptions(pack_file_limit=0))
    (dict_id,) = first["details"]["dictionaries"]
    (dictionary_store(state).root / f"{dict_id}.json").unlink()

    assert dictionary_store(state).list() == []

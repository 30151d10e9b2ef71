"""sigmavault compress: exit codes and what the owner reads, without tracebacks (Salt faked here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sigmavault.cli import compress as compress_cli
from sigmavault.cli.main import cli
from sigmavault.compression.jobs_events import Reporter, progress_path
from sigmavault.compression.progress import Progress
from sigmavault.compression.store import ClassRecord, JobStore, Outcome
from sigmavault.salt_bridge.call import SaltReply, SaltUnavailable

SPEC = {"name": "logs", "kind": "archive", "source": "/var/log", "target": "/srv/a/logs-1", "profile": "max",
        "priority": "low", "cold_days": 0}


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


def invoke(state: Path, *args: str):
    result = CliRunner().invoke(cli, ["--state-dir", str(state), "compress", *args])
    assert "Traceback" not in result.output
    return result


def test_list_and_stats_on_a_fresh_box_say_there_is_nothing_yet(state):
    assert invoke(state, "list").output == "no compression jobs yet (run one with `sigmavault compress run`)\n"
    assert invoke(state, "stats").output == "no finished compression jobs yet\n"
    assert json.loads(invoke(state, "list", "--json").output) == []


def test_list_shows_finished_and_running_jobs(state):
    store = JobStore.for_state_dir(state)
    store.start("done1", SPEC)
    store.finish("done1", Outcome("done", {"text": ClassRecord(4, 4 << 20, 4 << 20, 1 << 20, 0.2, 0.01)}))
    store.start("run1", SPEC)
    store.progress("run1", 25, 100, 1, 4)

    lines = invoke(state, "list").output.splitlines()

    assert lines[0].startswith("run1 ") and lines[0].endswith("logs (archive)  running 25% (1/4 files)")
    assert lines[1].endswith("done: 4 files, 4.0 MiB of data now take 1.0 MiB (75% saved)")
    stats = invoke(state, "stats")
    assert "  text/log                   4 files     4.0 MiB ->    1.0 MiB   75.0% saved" in stats.output
    assert json.loads(invoke(state, "stats", "--json").output)["total"]["saved_percent"] == 75.0


def test_cancel_exit_codes(state):
    store = JobStore.for_state_dir(state)
    store.start("run1", SPEC)
    store.start("old1", SPEC)
    store.finish("old1", Outcome("done"))

    ok = invoke(state, "cancel", "run1")
    assert (ok.exit_code, ok.output) == (0, "asked job run1 to cancel; it stops at the next file\n")
    assert store.cancel_requested("run1")
    assert invoke(state, "cancel", "old1").exit_code == 1
    missing = invoke(state, "cancel", "nope")
    assert missing.exit_code == 1 and "no job nope" in missing.output


def test_run_needs_a_job_name_or_a_source(state):
    result = invoke(state, "run")

    assert result.exit_code == 2 and "name a declared job, or give --source" in result.output


def fake_salt(monkeypatch, data, progress: bool = True) -> list[tuple]:
    """salt_call replaced: writes the job's events like the real job and returns data as its reply."""
    calls = []

    def salt_call(site, *args):
        calls.append(args)
        kwargs = dict(arg.split("=", 1) for arg in args[1:])
        job_id = json.loads(kwargs["job_id"])
        if progress:
            reporter = Reporter(job_id, progress_path(site.state_dir, job_id))
            reporter.event("started", spec=SPEC, priority="nice 19, I/O idle")
            reporter(Progress("a.log", 100, 100, 1, 1))
        return SaltReply(0, data(job_id) if callable(data) else data, "")

    monkeypatch.setattr(compress_cli, "salt_call", salt_call)
    return calls


def finished(job_id: str, state: str = "done", error: str | None = None) -> dict:
    total = ClassRecord(1, 100, 100, 20).to_dict()
    return {"job": {"id": job_id, "name": "logs", "kind": "archive", "state": state, "error": error,
                    "wall_seconds": 1.0, "classes": {"text": total}, "total": total, "skipped": 0,
                    "details": {"archive": "/srv/a/logs-1"}}}


def test_run_prints_progress_then_the_result_and_passes_quoted_arguments(state, monkeypatch):
    calls = fake_salt(monkeypatch, finished)

    result = invoke(state, "run", "--source", "/var/log", "--target", "/srv/a", "--profile", "max")

    assert result.exit_code == 0, result.output
    function, *args = calls[0]
    assert function == "sigmavault_compression.run"
    assert 'source="/var/log"' in args and 'target="/srv/a"' in args and "in_place=false" in args
    assert "archive /var/log into /srv/a/logs-1, profile max, nice 19, I/O idle" in result.output
    assert "100.0%" in result.output
    assert "done in 1.0 s: 1 files, 100 B of data now take 20 B (80% saved)" in result.output
    assert "  archive: /srv/a/logs-1" in result.output


@pytest.mark.parametrize("reply, code, text", [
    ({"error": "no job 'x' under sigmavault.compression.jobs (none are declared)"}, 1, "refused: no job 'x'"),
    (lambda job_id: finished(job_id, "failed", "zstd dictionary 7 is needed"), 1, "failed: zstd dictionary 7"),
    (lambda job_id: finished(job_id, "cancelled", "cancelled on request"), 1, "cancelled: cancelled on request"),
    ("Passed invalid arguments", 1, "Salt could not run the job"),
])
def test_run_exit_codes_for_refused_failed_and_cancelled_jobs(state, monkeypatch, reply, code, text):
    fake_salt(monkeypatch, reply, progress=False)

    result = invoke(state, "run", "x")

    assert result.exit_code == code and text in result.output


def test_run_without_salt_exits_3(state, monkeypatch):
    def salt_call(site, *args):
        raise SaltUnavailable("cannot run salt-call: no such file; run `make setup` first")

    monkeypatch.setattr(compress_cli, "salt_call", salt_call)
    result = invoke(state, "run", "nightly")

    assert result.exit_code == 3 and "run `make setup` first" in result.output

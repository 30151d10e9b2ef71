"""Salt's job records: which are damaged, and removed only when no salt-call of the site runs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import msgpack

from sigmavault.salt_bridge import job_records


def _records(tmp_path):
    proc = tmp_path / "cache" / "proc"
    proc.mkdir(parents=True)
    (proc / "1").write_bytes(msgpack.packb({"pid": os.getpid(), "jid": "1", "fun": "state.apply"}))
    (proc / "2").write_bytes(b"\x93\xa3ab")          # cut short
    (proc / "3").write_bytes(msgpack.packb([1, 2]))  # not a job
    (proc / "4").write_bytes(b"")                     # Salt removes these itself
    return proc


def test_only_records_that_do_not_decode_to_a_job_are_damaged(tmp_path):
    proc = _records(tmp_path)
    assert job_records.damaged_records(tmp_path / "cache") == [proc / "2", proc / "3"]


def test_damaged_records_go_when_no_salt_call_of_the_site_runs(tmp_path):
    proc = _records(tmp_path)
    notes = job_records.remove_stale_damaged(tmp_path / "cache", tmp_path / "etc")
    assert sorted(p.name for p in proc.iterdir()) == ["1", "4"] and len(notes) == 2
    assert job_records.blocking(tmp_path / "cache", tmp_path / "etc") is None


def test_damaged_records_stay_while_a_process_of_the_site_runs(tmp_path):
    proc = _records(tmp_path)
    config_dir = tmp_path / "etc"
    # Any process whose arguments name the site's --config-dir counts as one of its salt-calls.
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "--config-dir", str(config_dir)])
    try:
        # Until the child has exec'd, /proc shows the parent's command line: wait for its own.
        cmdline = Path(f"/proc/{sleeper.pid}/cmdline")
        deadline = time.monotonic() + 60
        while str(config_dir).encode() not in cmdline.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert job_records.remove_stale_damaged(tmp_path / "cache", config_dir) == []
        blocked = job_records.blocking(tmp_path / "cache", config_dir)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert (proc / "2").exists() and blocked.path == proc / "2"
    assert f"pid {sleeper.pid}" in str(blocked) and "wait until it ends" in str(blocked)

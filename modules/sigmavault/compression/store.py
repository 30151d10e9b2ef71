"""The persistent record of compression jobs: one SQLite file under the site's state directory.

``<state dir>/compression/jobs.sqlite`` holds every job (what, when, how it ended, its last progress) and
its stats per kind of data. The job's own process writes it; the CLI and the control panel read it
(``/compression/jobs`` is ``JobStore.jobs()``, ``/compression/stats`` is ``JobStore.stats()``) and ask
for a cancel by setting a flag the job polls. WAL mode lets readers in while a job writes.
The numbers per class are jobs_records.ClassRecord's. A damaged file raises records.RecordDamaged, whose
message names it and says what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sigmavault.records import RecordDamaged

from .jobs_records import FINAL_STATES, ClassRecord, Outcome

SCHEMA_VERSION = 1
REMEDY = ("move it away (e.g. add .damaged to its name): the next job starts a new, empty job history; "
          "archives already made stay restorable with `sigmavault compress restore`")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT,
    profile TEXT NOT NULL,
    priority TEXT NOT NULL,
    cold_days INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    pid INTEGER,
    pid_start INTEGER,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    bytes_done INTEGER NOT NULL DEFAULT 0,
    bytes_total INTEGER NOT NULL DEFAULT 0,
    files_done INTEGER NOT NULL DEFAULT 0,
    files_total INTEGER NOT NULL DEFAULT 0,
    dictionary_bytes INTEGER NOT NULL DEFAULT 0,
    wall_seconds REAL,
    skipped INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS job_classes (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    cls TEXT NOT NULL,
    files INTEGER NOT NULL,
    bytes_in INTEGER NOT NULL,
    bytes_before INTEGER NOT NULL,
    bytes_out INTEGER NOT NULL,
    compress_seconds REAL NOT NULL,
    decompress_seconds REAL NOT NULL,
    PRIMARY KEY (job_id, cls)
);
CREATE INDEX IF NOT EXISTS jobs_started ON jobs(started);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def process_start(pid: int) -> int | None:
    """The start time of pid in clock ticks since boot (tells a live job from a reused pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


class JobStore:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @classmethod
    def for_state_dir(cls, state_dir: Path | str) -> JobStore:
        return cls(Path(state_dir) / "compression" / "jobs.sqlite")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=30)
        except sqlite3.OperationalError as error:  # a folder in its place, or a folder we may not write
            raise RecordDamaged(self.path, f"cannot be opened as the job database ({error})", REMEDY) from None
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db
        except sqlite3.OperationalError:
            raise  # locked, busy, disk full: the database is sound
        except sqlite3.DatabaseError as error:  # "file is not a database", "disk image is malformed"
            raise RecordDamaged(self.path, f"is not a readable job database ({error})", REMEDY) from None
        finally:
            db.close()

    def start(self, job_id: str, spec: dict, pid: int | None = None) -> None:
        """Record a job as running in process pid (default: this one)."""
        pid = os.getpid() if pid is None else pid
        with self._db() as db:
            db.execute(
                "INSERT INTO jobs (id, name, kind, source, target, profile, priority, cold_days, state, started,"
                " pid, pid_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
                (job_id, spec["name"], spec["kind"], spec["source"], spec.get("target"), spec["profile"],
                 spec["priority"], spec.get("cold_days", 0), now(), pid, process_start(pid)))

    def progress(self, job_id: str, bytes_done: int, bytes_total: int, files_done: int, files_total: int) -> None:
        with self._db() as db:
            db.execute("UPDATE jobs SET bytes_done=?, bytes_total=?, files_done=?, files_total=? WHERE id=?",
                       (bytes_done, bytes_total, files_done, files_total, job_id))

    def set_target(self, job_id: str, target: str) -> None:
        with self._db() as db:
            db.execute("UPDATE jobs SET target=? WHERE id=?", (target, job_id))

    def finish(self, job_id: str, outcome: Outcome) -> None:
        if outcome.state not in FINAL_STATES:
            raise ValueError(f"{outcome.state!r} is not a final job state")
        with self._db() as db:
            db.execute(
                "UPDATE jobs SET state=?, finished=?, wall_seconds=?, dictionary_bytes=?, skipped=?, error=?,"
                " details=? WHERE id=?",
                (outcome.state, now(), outcome.wall_seconds, outcome.dictionary_bytes, outcome.skipped,
                 outcome.error, json.dumps(outcome.details), job_id))
            db.executemany(
                "INSERT OR REPLACE INTO job_classes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(job_id, cls, r.files, r.bytes_in, r.bytes_before, r.bytes_out, r.compress_seconds,
                  r.decompress_seconds) for cls, r in sorted(outcome.classes.items())])

    def request_cancel(self, job_id: str) -> str | None:
        """Ask a running job to stop; returns its state (None: no such job). Only running jobs change."""
        self.reap()
        with self._db() as db:
            row = db.execute("SELECT state FROM jobs WHERE id=?", (job_id,)).fetchone()
            if row is None:
                return None
            if row["state"] == "running":
                db.execute("UPDATE jobs SET cancel_requested=1 WHERE id=?", (job_id,))
            return row["state"]

    def cancel_requested(self, job_id: str) -> bool:
        with self._db() as db:
            row = db.execute("SELECT cancel_requested FROM jobs WHERE id=?", (job_id,)).fetchone()
        return bool(row and row["cancel_requested"])

    def reap(self) -> list[str]:
        """Mark running jobs whose process is gone (killed, rebooted) as interrupted; return their ids."""
        with self._db() as db:
            rows = db.execute("SELECT id, pid, pid_start FROM jobs WHERE state='running'").fetchall()
            gone = [r["id"] for r in rows if not _alive(r["pid"], r["pid_start"])]
            for job_id in gone:
                db.execute("UPDATE jobs SET state='interrupted', finished=?, error=? WHERE id=?",
                           (now(), "the job's process ended without finishing (killed or rebooted)", job_id))
        return gone

    def running(self, name: str) -> str | None:
        """The id of a live job of this name, if one runs now."""
        self.reap()
        with self._db() as db:
            row = db.execute("SELECT id FROM jobs WHERE state='running' AND name=? ORDER BY started DESC",
                             (name,)).fetchone()
        return row["id"] if row else None

    def job(self, job_id: str) -> dict | None:
        found = self._jobs("WHERE id=?", (job_id,))
        return found[0] if found else None

    def jobs(self, limit: int = 100) -> list[dict]:
        """The newest jobs first, each with its stats per class and overall (``/compression/jobs``)."""
        self.reap()
        return self._jobs("ORDER BY started DESC, rowid DESC LIMIT ?", (limit,))

    def _jobs(self, where: str, args: tuple) -> list[dict]:
        with self._db() as db:
            rows = db.execute(f"SELECT * FROM jobs {where}", args).fetchall()
            ids = [row["id"] for row in rows]
            marks = ",".join("?" * len(ids))
            classes = db.execute(f"SELECT * FROM job_classes WHERE job_id IN ({marks})", ids).fetchall()
        per_job: dict[str, dict[str, ClassRecord]] = {}
        for c in classes:
            per_job.setdefault(c["job_id"], {})[c["cls"]] = _record(c)
        result = []
        for row in rows:
            job = {k: v for k, v in dict(row).items() if k not in ("details", "pid_start", "cancel_requested")}
            job["cancel_requested"] = bool(row["cancel_requested"])
            job["details"] = self._details(row)
            records = per_job.get(row["id"], {})
            total = _sum(records.values())
            total.bytes_out += row["dictionary_bytes"]
            job["classes"] = {cls: r.to_dict() for cls, r in sorted(records.items())}
            job["total"] = total.to_dict()
            result.append(job)
        return result

    def _details(self, row: sqlite3.Row) -> dict:
        try:
            details = json.loads(row["details"] or "{}")
        except ValueError:
            details = None
        if not isinstance(details, dict):
            raise RecordDamaged(self.path, f"holds damaged details for job {row['id']} (not a JSON object)",
                                REMEDY)
        return details

    def stats(self) -> dict:
        """Saved space and speed per kind of data over every finished archive and in-place job, per job
        kind and overall (``/compression/stats``); restores save nothing and are left out."""
        with self._db() as db:
            rows = db.execute(
                "SELECT j.kind, c.* FROM job_classes c JOIN jobs j ON j.id = c.job_id"
                " WHERE j.state='done' AND j.kind != 'restore'"
            ).fetchall()
            dictionaries = db.execute(
                "SELECT kind, SUM(dictionary_bytes) AS d, COUNT(*) AS n FROM jobs"
                " WHERE state='done' AND kind != 'restore' GROUP BY kind"
            ).fetchall()
        by_kind: dict[str, dict[str, ClassRecord]] = {}
        for row in rows:
            by_kind.setdefault(row["kind"], {}).setdefault(row["cls"], ClassRecord()).add(_record(row))
        report: dict = {"kinds": {}, "jobs": sum(d["n"] for d in dictionaries)}
        overall = ClassRecord()
        for kind, records in sorted(by_kind.items()):
            total = _sum(records.values())
            total.bytes_out += next((d["d"] for d in dictionaries if d["kind"] == kind), 0)
            overall.add(total)
            report["kinds"][kind] = {"classes": {c: r.to_dict() for c, r in sorted(records.items())},
                                     "total": total.to_dict()}
        report["total"] = overall.to_dict()
        return report


def _alive(pid: int | None, started: int | None) -> bool:
    """The job's process still runs: same pid, same start time (a reused pid is someone else)."""
    return pid is not None and started is not None and process_start(pid) == started


def _record(row: sqlite3.Row) -> ClassRecord:
    return ClassRecord(row["files"], row["bytes_in"], row["bytes_before"], row["bytes_out"],
                       row["compress_seconds"], row["decompress_seconds"])


def _sum(records) -> ClassRecord:
    total = ClassRecord()
    for record in records:
        total.add(record)
    return total

"""Jobs: one Salt run at a time (preview, apply, rollback), progress published on the event bus, kept on disk."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from sigmavault.records import RecordDamaged, read_json, write_json
from sigmavault_panel.services.bus import EventBus

log = logging.getLogger(__name__)
KINDS = ("preview", "apply", "rollback")
DAMAGED = "damaged record"   # the kind shown for a job whose record cannot be read
REMEDY = "the job's history is lost; the panel keeps the file and shows it as this job until you remove it"


@dataclass
class Job:
    id: int
    kind: str
    user: str
    status: str = "running"          # running | succeeded | failed | error
    created: float = field(default_factory=time.time)
    finished: float | None = None
    version: str = ""                # the pillar version the job ran against
    progress: list[dict] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)
    summary: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.status != "running"

    def as_dict(self) -> dict:
        return asdict(self)


class Busy(Exception):
    def __init__(self, job: Job):
        super().__init__(f"{job.kind} job {job.id} started by {job.user} is still running; "
                         "wait for it to finish, then try again")
        self.job = job


Work = Callable[[Job, Callable[[str, float], None]], None]


def _read_job(path: Path) -> Job:
    record = read_json(path, dict, REMEDY)
    names = {f.name for f in fields(Job)}
    if not names >= set(record) >= {"id", "kind", "user"} or record["id"] != _number(path):
        raise RecordDamaged(path, "is not the record of a job of this panel", REMEDY)
    return Job(**record)


def _number(path: Path) -> int | None:
    return int(path.stem) if path.stem.isdigit() else None


class JobRunner:
    def __init__(self, directory: Path, bus: EventBus, on_finish: Callable[[Job], None] | None = None):
        self.directory = directory
        self.bus = bus
        self._on_finish = on_finish
        self._lock = threading.Lock()
        self._jobs: dict[int, Job] = {job.id: job for job in self._load()}
        self._running: Job | None = None

    def _load(self) -> list[Job]:
        jobs = []
        for path in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            try:
                jobs.append(_read_job(path))
            except RecordDamaged as damage:
                log.warning("%s", damage)
                if path.stem.isdigit():   # shown, and its number never reused, so the file is not overwritten
                    jobs.append(Job(int(path.stem), DAMAGED, "", "error", path.stat().st_mtime,
                                    path.stat().st_mtime, summary="this job's record cannot be read",
                                    errors=[str(damage)]))
        for job in jobs:   # a job the panel was running when it stopped did not finish
            if job.status == "running":
                job.status, job.errors = "error", ["the panel stopped while this job ran"]
        return jobs

    def submit(self, kind: str, user: str, work: Work) -> Job:
        """Start work now as a job, or raise Busy if a job is running (jobs do not queue)."""
        with self._lock:
            if self._running is not None:
                raise Busy(self._running)
            job = Job(max(self._jobs, default=0) + 1, kind, user)
            self._jobs[job.id] = job
            self._running = job
        self.bus.publish("job.started", job=job.id, kind=kind, user=user)
        threading.Thread(target=self._run, args=(job, work), name=f"job-{job.id}", daemon=True).start()
        return job

    def _run(self, job: Job, work: Work) -> None:
        def progress(name: str, seconds: float) -> None:
            step = {"n": len(job.progress) + 1, "name": name, "seconds": round(seconds, 3)}
            job.progress.append(step)
            self.bus.publish("job.progress", job=job.id, **step)

        try:
            work(job, progress)
        except Exception as error:   # the owner sees a sentence; the traceback goes to the panel's log
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.status, job.errors = "error", [*job.errors, f"the panel could not finish the job: {error}"]
        if job.status == "running":
            job.status = "succeeded"
        job.finished = time.time()
        self._save(job)
        with self._lock:
            self._running = None
        if self._on_finish:
            self._on_finish(job)
        self.bus.publish("job.finished", job=job.id, kind=job.kind, status=job.status, summary=job.summary)

    def _save(self, job: Job) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_json(self.directory / f"{job.id}.json", job.as_dict(), mode=0o600)
        except OSError:
            log.exception("cannot keep the record of job %s", job.id)

    def running(self) -> Job | None:
        with self._lock:
            return self._running

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def recent(self, limit: int = 50) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: j.id, reverse=True)[:limit]

    def wait_idle(self, timeout: float) -> bool:
        """For tests and shutdown: wait until no job runs."""
        deadline = time.monotonic() + timeout
        while self.running() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.running() is None

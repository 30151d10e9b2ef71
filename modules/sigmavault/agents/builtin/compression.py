"""Compression: each declared job is a subject (a run on demand knows its pool); one with a schedule
runs on it, through the same runner as `sigmavault compress run` (compression.jobs.run_job: its job
record, priority, progress and cancel).

What a run saved is remembered per job and per source; a scheduled run is skipped when the job's last run
saved less than its min_saving_percent (the same data will not compress better next time). A change of
the job (source, kind, profile) forgets that, so the next run measures again. Heavy (one per pool, waits
out quiet hours) and holds the box: a job must not read a dataset an apply is changing.
"""

from __future__ import annotations

import threading
from pathlib import PurePosixPath

from sigmavault.agents.registry import Agent, Outcome, Subject, TaskContext
from sigmavault.compression.jobs import run_job
from sigmavault.compression.jobs_spec import JobSpec, declared_spec
from sigmavault.compression.store import JobStore
from sigmavault.site import Site

CANCEL_POLL = 0.5


def pool_of(path: str, storage: dict) -> str | None:
    """The declared pool whose mountpoint (or a dataset's) holds path: one heavy task per pool."""
    best: tuple[int, str] | None = None
    for name, pool in storage.get("pools", {}).items():
        mounts = [pool["mountpoint"], *(d["mountpoint"] for d in pool.get("datasets", {}).values()
                                        if d.get("mountpoint"))]
        for mount in mounts:
            if PurePosixPath(path).is_relative_to(mount) and (best is None or len(mount) > best[0]):
                best = (len(mount), name)
    return best[1] if best else None


def settings(document: dict, site: Site) -> dict:
    storage, jobs = document.get("storage", {}), document.get("compression", {}).get("jobs", {})
    found = {}
    for name, job in sorted(jobs.items()):
        spec = declared_spec(name, job, storage)
        found[name] = {"spec": spec.to_dict(), "schedule": job.get("schedule"), "pool": pool_of(spec.source, storage),
                       "min_saving_percent": job.get("min_saving_percent", 0)}
    return {"jobs": found}


def subjects(settings: dict) -> list[Subject]:
    """Every declared job, scheduled or not: `agents run compression <job>` must name a job the service
    knows with its pool, or two runs of one pool could be heavy at once (the timetable skips a job
    without a schedule)."""
    return [Subject(name, job["pool"], job["schedule"]) for name, job in settings["jobs"].items()]


def spec_key(spec: dict) -> str:
    """What makes two runs of a job comparable: the same data, the same way."""
    return "|".join(str(spec.get(k)) for k in ("kind", "source", "target", "profile", "cold_days"))


def skip_reason(last: dict | None, spec: dict, min_saving_percent: float) -> str | None:
    """Why this run may be skipped; None when it should run."""
    if not last or not min_saving_percent or last.get("spec") != spec_key(spec):
        return None
    if last["saved_percent"] < min_saving_percent:
        return (f"skipped: its last run ({last['job_id']}) saved {last['saved_percent']} %, less than "
                f"min_saving_percent {min_saving_percent} %")
    return None


def run_compression(ctx: TaskContext) -> Outcome:
    name = ctx.subject.name
    job = ctx.settings["jobs"].get(name)
    if job is None:
        return Outcome(False, f"no job {name!r} under sigmavault.compression.jobs (removed since it was queued)")
    spec = JobSpec(**{**job["spec"], "roots": tuple(job["spec"]["roots"])})
    reason = skip_reason(ctx.recall(name, "last_run"), job["spec"], job["min_saving_percent"])
    if reason:
        return Outcome(True, reason, {"skipped": True})
    running = JobStore.for_state_dir(ctx.site.state_dir).running(name)
    if running:
        return Outcome(False, f"job {name} is already running as {running}", retry=True)
    record = _run_watched(ctx, spec)
    details = {"job_id": record.get("id"), "state": record.get("state"), "total": record.get("total"),
               "error": record.get("error")}
    if record.get("state") != "done":
        return Outcome(False, f"job {name} {record.get('state')}: {record.get('error')}", details,
                       retry=record.get("state") == "cancelled")
    total = record["total"]
    saved = {"job_id": record["id"], "saved_percent": total["saved_percent"], "freed_bytes": total["freed_bytes"],
             "bytes_in": total["bytes_in"], "spec": spec_key(job["spec"])}
    ctx.remember(name, "last_run", saved)
    ctx.remember(spec.source, "saved_percent", total["saved_percent"])
    return Outcome(True, f"job {name} done ({record['id']}): saved {total['saved_percent']} % of "
                         f"{total['bytes_in']} bytes", details)


def _run_watched(ctx: TaskContext, spec: JobSpec) -> dict:
    """run_job with the task's cancel turned into the job's cancel event and its progress into the task's."""
    cancel, finished = threading.Event(), threading.Event()

    def watch() -> None:
        while not ctx.cancelled():
            if finished.wait(CANCEL_POLL):
                return
        cancel.set()

    def emit(tag: str, event: dict) -> bool:
        if event.get("event") == "progress":
            ctx.progress(event.get("fraction"), f"{event.get('files_done')}/{event.get('files_total')} files")
        return True

    watcher = threading.Thread(target=watch, name=f"sigmavault-agent-cancel-{spec.name}", daemon=True)
    watcher.start()
    try:
        return run_job(spec, ctx.site.state_dir, emit=emit, cancel=cancel)
    finally:
        finished.set()
        watcher.join()


COMPRESSION = Agent(
    name="compression",
    description="Runs the declared compression jobs on their schedules; skips a job that saved too little last time.",
    priority=20, schedule=None, run=run_compression, settings=settings, subjects=subjects,
    heavy=True, holds_box=True, isolated=True, timeout_seconds=12 * 3600, max_attempts=2)

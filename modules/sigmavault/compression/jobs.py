"""Run one compression job: record it, set its priority, report progress, honour cancel, store its stats.

``run_job`` never raises for a job that fails: the engine's errors (corrupt frame, missing dictionary,
verification, a destination that exists), a missing tool or an unreadable file end the job as
``failed`` with a message a NAS owner can act on (so does a source or target whose real path leaves its
pools, or whose pool is not mounted, before anything is read); a cancel ends it as ``cancelled`` with nothing
half-written (an archive appears whole or not at all; files recompressed in place before the cancel stay
recompressed and verified). Whatever happened is in the job store and the progress file.
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sigmavault.command import CommandError
from sigmavault.records import RecordDamaged

from . import jobs_inplace, jobs_select
from .archive import compress_folder
from .dictstore import DictionaryStore
from .errors import CancelledError, CompressionError
from .jobs_events import Emit, Reporter, progress_path
from .jobs_paths import holding_root
from .jobs_priority import apply_priority
from .jobs_records import ClassRecord, Outcome
from .jobs_spec import JobSpec, confined
from .options import EngineOptions
from .progress import Tracker
from .restore import restore_archive
from .stats import StatsReport
from .store import JobStore

CANCEL_POLL = 0.5  # seconds between looks at the store for a cancel request


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


def dictionary_store(state_dir: Path | str) -> DictionaryStore:
    return DictionaryStore(Path(state_dir) / "compression" / "dictionaries")


def run_job(
    spec: JobSpec,
    state_dir: Path | str,
    *,
    job_id: str | None = None,
    emit: Emit | None = None,
    cancel: threading.Event | None = None,
    options: EngineOptions | None = None,
) -> dict:
    """Run spec to its end and return its record from the job store (see store.JobStore.jobs)."""
    state_dir, job_id = Path(state_dir), job_id or new_job_id()
    store = JobStore.for_state_dir(state_dir)
    reporter = Reporter(job_id, progress_path(state_dir, job_id), store, emit)
    cancel = cancel or threading.Event()
    store.start(job_id, spec.to_dict())
    start = time.perf_counter()
    outcome, applied = Outcome("failed", error="the job did not start"), {}

    def work() -> None:
        nonlocal outcome
        try:
            # nice and ionice are per thread on Linux: this thread and what it starts, not the caller.
            applied["priority"] = apply_priority(spec.priority)
            reporter.event("started", spec=spec.to_dict(), priority=applied["priority"])
        except OSError as error:
            outcome = Outcome("failed", error=f"the job could not start: {error}")
            return
        outcome = _run(spec, state_dir, job_id, store, reporter, cancel, options)

    # The caller's context goes along: Salt's __salt__ and __opts__ live in context variables.
    worker = threading.Thread(target=contextvars.copy_context().run, args=(work,), name=f"sigmavault-job-{job_id}")
    with _cancel_on_sigterm(cancel):
        worker.start()
        while worker.is_alive():
            worker.join(CANCEL_POLL)
            if worker.is_alive() and not cancel.is_set() and store.cancel_requested(job_id):
                cancel.set()
    outcome.wall_seconds = time.perf_counter() - start
    outcome.details["priority"] = applied.get("priority")
    store.finish(job_id, outcome)
    record = store.job(job_id) or {}
    reporter.event("finished", state=outcome.state, error=outcome.error, total=record.get("total"),
                   target=record.get("target"))
    return record


def _run(
    spec: JobSpec, state_dir: Path, job_id: str, store: JobStore, reporter: Reporter, cancel: threading.Event,
    options: EngineOptions | None,
) -> Outcome:
    partial = Outcome("failed")
    try:
        spec = confined(spec)  # real paths from here on: a symlink swapped in later is never followed
        if spec.kind == "archive":
            return _archive(spec, state_dir, job_id, store, reporter, cancel, options)
        if spec.kind == "restore":
            return _restore(spec, reporter, cancel, options)
        return _in_place(spec, reporter, cancel, partial)
    except CancelledError:
        partial.state, partial.error = "cancelled", "cancelled on request; nothing half-written was left behind"
    except CompressionError as error:
        partial.error = str(error)
    except CommandError as error:
        partial.error = str(error)
    except RecordDamaged as error:  # a dictionary's record: the message says which and what to do
        partial.error = str(error)
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        partial.error = f"{where}{error.strerror or error}"
    except Exception as error:  # a bug: still a readable record, with the traceback kept for us
        partial.error = f"unexpected error ({type(error).__name__}: {error}); please report it"
        partial.details["traceback"] = traceback.format_exc()
    return partial


def _archive(
    spec: JobSpec, state_dir: Path, job_id: str, store: JobStore, reporter: Reporter, cancel: threading.Event,
    options: EngineOptions | None,
) -> Outcome:
    source = Path(spec.source)
    if not source.is_dir():
        raise CompressionError(f"{source} does not exist or is not a folder; nothing was archived")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    archive = Path(spec.target or "") / f"{spec.name}-{stamp}"
    store.set_target(job_id, str(archive))
    options = options or EngineOptions(profile=spec.profile)
    manifest = compress_folder(source, archive, store=dictionary_store(state_dir), options=options,
                               progress=reporter, cancel=cancel, root=holding_root(str(archive), spec.roots))
    report = StatsReport.from_dict(manifest.stats)
    classes = {cls: ClassRecord(s.files, s.bytes_in, s.bytes_in, s.bytes_out, s.compress_seconds,
                                s.decompress_seconds) for cls, s in report.classes.items()}
    details = {"archive": str(archive), "archive_id": manifest.archive_id, "dictionaries": manifest.dictionaries,
               "skipped_files": manifest.skipped[:20]}
    return Outcome("done", classes, dictionary_bytes=report.dictionary_bytes, skipped=len(manifest.skipped),
                   details=details)


def _restore(spec: JobSpec, reporter: Reporter, cancel: threading.Event, options: EngineOptions | None) -> Outcome:
    report = restore_archive(spec.source, spec.target or "", options=options, progress=reporter, cancel=cancel,
                             root=holding_root(spec.target or "", spec.roots))
    # bytes_out stays the archive's size, so ratio is the archive's and decompress_mbps the restore speed
    classes = {cls: ClassRecord(s.files, s.bytes_in, s.bytes_out, s.bytes_out, 0.0, s.decompress_seconds)
               for cls, s in report.classes.items()}
    return Outcome("done", classes, details={"restored_to": spec.target})


def _in_place(spec: JobSpec, reporter: Reporter, cancel: threading.Event, partial: Outcome) -> Outcome:
    source = Path(spec.source)
    jobs_select.check_source(source)
    selection = jobs_select.select(source, spec.cold_days, spec.algorithm)
    partial.skipped = sum(selection.skipped.values())
    partial.details = {"algorithm": spec.algorithm, "skipped": dict(selection.skipped),
                       "skipped_examples": selection.examples}
    tracker = Tracker(sum(c.size for c in selection.files), len(selection.files), reporter, cancel)
    result = jobs_inplace.InPlaceResult(partial.classes)
    jobs_inplace.recompress(selection, spec.algorithm, tracker, result)
    if result.changed:
        partial.details["changed_while_running"] = result.changed[:20]
    partial.state = "done"
    return partial


@contextlib.contextmanager
def _cancel_on_sigterm(cancel: threading.Event) -> Iterator[None]:
    """SIGTERM (systemd stopping the job, kill) and SIGINT (Ctrl-C) cancel cleanly; main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: cancel.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

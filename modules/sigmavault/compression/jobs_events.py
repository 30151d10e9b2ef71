"""Progress of a running job, told three ways: a JSON-lines file, the job store, and an event sender.

The file ``<state dir>/compression/progress/<job id>.jsonl`` always exists (masterless ``salt-call`` has
no event bus; the control panel and the CLI tail the file). Each line is one event::

    {"event": "started"|"progress"|"finished", "job": id, "time": ..., ...}

``emit(tag, data)`` is the Salt bus when the caller has one (tag
``sigmavault/compression/job/<id>/<event>``); it returns False when there is no bus, and is not called
again. Progress is throttled to one event per ``interval`` seconds; started and finished always go out.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .progress import Progress
from .store import JobStore, now

Emit = Callable[[str, dict], object]
TAG = "sigmavault/compression/job/{job_id}/{event}"


def progress_path(state_dir: Path | str, job_id: str) -> Path:
    return Path(state_dir) / "compression" / "progress" / f"{job_id}.jsonl"


def read_events(path: Path) -> list[dict]:
    """The events written so far (a line still being written is left out)."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return []
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            break
    return events


class Reporter:
    def __init__(
        self, job_id: str, path: Path, store: JobStore | None = None, emit: Emit | None = None,
        interval: float = 0.5,
    ) -> None:
        self.job_id, self.path, self.store, self.emit, self.interval = job_id, path, store, emit, interval
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._last = 0.0
        self._start = time.monotonic()
        self.last: Progress | None = None

    def event(self, event: str, **data: object) -> dict:
        """Write one event to the file and the bus; return it."""
        record = {"event": event, "job": self.job_id, "time": now(), **data}
        with self._lock:
            with open(self.path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
            if self.emit is not None:
                try:
                    sent = self.emit(TAG.format(job_id=self.job_id, event=event), record)
                except Exception:  # a broken bus must not break the job: the file still has every event
                    sent = False
                if sent is False:
                    self.emit = None  # no bus here (masterless salt-call): the file is the only channel
        return record

    def __call__(self, update: Progress) -> None:
        """The engine's progress callback: throttled to one event per interval."""
        self.last = update
        moment = time.monotonic()
        if moment - self._last < self.interval and update.files_done < update.files_total:
            return
        self._last = moment
        elapsed = max(moment - self._start, 1e-9)
        self.event("progress", path=update.path, bytes_done=update.bytes_done, bytes_total=update.bytes_total,
                   files_done=update.files_done, files_total=update.files_total,
                   fraction=round(update.fraction, 4), mbps=round(update.bytes_done / 1e6 / elapsed, 2))
        if self.store is not None:
            self.store.progress(self.job_id, update.bytes_done, update.bytes_total, update.files_done,
                                update.files_total)

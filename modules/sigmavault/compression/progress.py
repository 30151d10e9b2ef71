"""Progress reporting and cancellation shared by every job."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .errors import CancelledError


@dataclass(frozen=True)
class Progress:
    """A snapshot handed to the progress callback after every chunk and every file."""

    path: str
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0


ProgressCallback = Callable[[Progress], None]


class Tracker:
    """Counts bytes and files for one job, calls back, and raises CancelledError once cancel is set."""

    def __init__(
        self,
        bytes_total: int = 0,
        files_total: int = 1,
        callback: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.bytes_total, self.files_total = bytes_total, files_total
        self.bytes_done = self.files_done = 0
        self._callback, self._cancel = callback, cancel
        self._lock = threading.Lock()

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise CancelledError("the job was cancelled; no partial output was kept")

    def advance(self, path: str, nbytes: int, *, file_done: bool = False) -> None:
        """Record progress on path, then raise CancelledError if the job was cancelled meanwhile."""
        with self._lock:
            self.bytes_done += nbytes
            self.files_done += int(file_done)
            snapshot = Progress(path, self.bytes_done, self.bytes_total, self.files_done, self.files_total)
        if self._callback is not None:
            self._callback(snapshot)
        self.check()

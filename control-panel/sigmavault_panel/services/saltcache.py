"""Reads through Salt that never make a page wait long: cached, bounded, and guarded by a circuit breaker.

Each named reading has a fetch function (a salt-call). A reader returns the cached value while it is
fresh (`ttl`). A little older (up to `ttl + grace`) it is still returned at once while one fetch refreshes
it in the background. Older than that, missing, or invalidated (after an apply), the reader starts one
fetch (never two at once for the same reading) and waits for it at most `wait` seconds. A reading that
could not be refreshed is returned as it was, marked stale, with the reason. After `failures_to_open`
failed or overdue fetches in a row the breaker opens: for `cooldown` seconds no salt-call is started and
readings come back stale at once.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    key: str
    value: object            # None until the first fetch succeeded
    fetched_at: float | None  # wall-clock time of the value
    stale: bool
    problem: str | None       # why the value is stale or missing, in words

    def as_dict(self) -> dict:
        return {"value": self.value, "fetched_at": self.fetched_at, "stale": self.stale, "problem": self.problem}


@dataclass
class _Entry:
    value: object = None
    fetched_at: float | None = None
    fetched_mono: float | None = None
    problem: str | None = None
    future: Future | None = None
    started_mono: float = 0.0
    overdue_counted: bool = False
    invalidated: bool = False


class SaltReader:
    def __init__(self, fetchers: dict[str, Callable[[], object]], ttl: float = 10.0, wait: float = 2.0,
                 failures_to_open: int = 3, cooldown: float = 30.0, grace: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic):
        self._fetchers = fetchers
        self.ttl, self.wait, self.failures_to_open, self.cooldown = ttl, wait, failures_to_open, cooldown
        self.grace = grace
        self._monotonic = monotonic
        self._entries = {key: _Entry() for key in fetchers}
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._pool = ThreadPoolExecutor(max_workers=max(2, len(fetchers)), thread_name_prefix="salt-read")

    def breaker(self) -> dict:
        with self._lock:
            remaining = max(0.0, self._open_until - self._monotonic())
            return {"open": remaining > 0, "retry_in_seconds": round(remaining, 1),
                    "consecutive_failures": self._failures}

    def invalidate(self) -> None:
        """Forget freshness (after an apply): the next read asks Salt again."""
        with self._lock:
            for entry in self._entries.values():
                entry.invalidated = True

    def read(self, *keys: str) -> dict[str, Reading]:
        """The readings for keys, each refreshed if it can be within one shared wait."""
        deadline = self._monotonic() + self.wait
        waiting = [f for f in (self._refresh(key) for key in keys) if f is not None]
        if waiting:
            wait_for(waiting, timeout=max(0.0, deadline - self._monotonic()))
        with self._lock:
            return {key: self._reading(key) for key in keys}

    def _refresh(self, key: str) -> Future | None:
        """The fetch to wait for, or None when the value is fresh, the breaker is open, or a fetch is overdue."""
        now = self._monotonic()
        with self._lock:
            entry = self._entries[key]
            age = None if entry.fetched_mono is None or entry.invalidated else now - entry.fetched_mono
            if age is not None and age < self.ttl:
                return None
            if now < self._open_until:
                return None
            if entry.future is None:
                entry.started_mono, entry.overdue_counted = now, False
                entry.future = self._pool.submit(self._fetch, key)
            if age is not None and age < self.ttl + self.grace and not entry.problem:
                return None   # recent enough: served now, refreshed in the background
            return entry.future if now - entry.started_mono < self.wait else None

    def _fetch(self, key: str) -> None:
        try:
            value = self._fetchers[key]()
        except Exception as error:  # any failure of Salt is a stale reading with its reason, never a crash
            self._record_failure(key, str(error) or error.__class__.__name__)
            return
        with self._lock:
            entry = self._entries[key]
            entry.value, entry.fetched_at, entry.fetched_mono = value, time.time(), self._monotonic()
            entry.problem, entry.future, entry.invalidated = None, None, False
            self._failures = 0

    def _record_failure(self, key: str, problem: str) -> None:
        with self._lock:
            entry = self._entries[key]
            entry.problem, entry.future = problem, None
            self._failures += 1
            if self._failures >= self.failures_to_open:
                self._open_until = self._monotonic() + self.cooldown

    def _reading(self, key: str) -> Reading:
        entry, now = self._entries[key], self._monotonic()
        age = None if entry.fetched_mono is None or entry.invalidated else now - entry.fetched_mono
        fresh = age is not None and (age < self.ttl or age < self.ttl + self.grace and not entry.problem)
        problem = entry.problem
        if now < self._open_until:
            problem = f"Salt is not answering ({entry.problem or 'too slow'}); retrying in " \
                      f"{int(self._open_until - now) + 1} s"
        elif entry.future is not None and now - entry.started_mono >= self.wait:
            problem = f"Salt did not answer within {self.wait:g} s"
            self._count_overdue(entry)
        return Reading(key, entry.value, entry.fetched_at, stale=not fresh, problem=None if fresh else problem)

    def _count_overdue(self, entry: _Entry) -> None:
        """A fetch that outlives the wait counts once as a failure, so a hung Salt opens the breaker."""
        if entry.overdue_counted:
            return
        entry.overdue_counted = True
        self._failures += 1
        if self._failures >= self.failures_to_open:
            self._open_until = self._monotonic() + self.cooldown

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

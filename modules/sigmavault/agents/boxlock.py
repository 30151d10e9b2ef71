"""The box lock (<state_dir>/box.lock) an apply and box-holding agents share.

An apply holds LOCK_EX for its whole run (`for_apply`); an agent task with holds_box holds LOCK_SH while
it runs and is not started while an apply holds LOCK_EX. While an apply waits for the box it holds
LOCK_EX on <state_dir>/agents/apply-waiting.lock, so running box-holding tasks see ctx.cancelled() and
stop at a safe point; the runtime puts such a task back in the queue ("yielded to an apply") without
spending an attempt. Both marks are flock locks, which die with their holder: an apply killed while it
waits or runs leaves nothing behind that could hold the agents (a file naming a pid could, once that pid
belonged to another process after a reboot).
"""

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sigmavault.site import Site

POLL_SECONDS = 0.1


class BoxBusy(RuntimeError):
    """An apply could not get the box in time; str() names who holds it and what to do."""


def lock_path(site: Site) -> Path:
    return site.state_dir / "box.lock"


def waiting_path(site: Site) -> Path:
    return site.state_dir / "agents" / "apply-waiting.lock"


def _open(site: Site) -> int:
    site.state_dir.mkdir(parents=True, exist_ok=True)
    return os.open(lock_path(site), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


def try_shared(site: Site) -> int | None:
    """For a box-holding task: the descriptor holding LOCK_SH, or None while an apply holds the box."""
    descriptor = _open(site)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def release(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)      # closing drops the flock


def apply_waiting(site: Site) -> bool:
    """An apply (still alive) waits for the box: it holds LOCK_EX on the waiting lock."""
    try:
        descriptor = os.open(waiting_path(site), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        return not _take(descriptor, fcntl.LOCK_SH)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def for_apply(site: Site, wait_seconds: float = 60.0) -> Iterator[None]:
    """Hold the box exclusively for an apply. A running box-holding task is asked to stop at a safe point
    and given wait_seconds to do so; then BoxBusy names the task(s) and how to cancel them."""
    descriptor = _open(site)
    try:
        if not _take(descriptor, fcntl.LOCK_EX):
            _wait(site, descriptor, wait_seconds)
        yield
    finally:
        os.close(descriptor)


def _take(descriptor: int, how: int) -> bool:
    try:
        fcntl.flock(descriptor, how | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(site: Site, descriptor: int, wait_seconds: float) -> None:
    path = waiting_path(site)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    waiting = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        marked = False
        # flock has no timeout; a short poll is the plain way to give up at a deadline. Two applies
        # waiting at once: the second takes the mark as soon as the first leaves with the box.
        while True:
            marked = marked or _take(waiting, fcntl.LOCK_EX)
            if _take(descriptor, fcntl.LOCK_EX):
                return
            if time.monotonic() >= deadline:
                raise BoxBusy(busy_message(site, wait_seconds))
            time.sleep(POLL_SECONDS)
    finally:
        os.close(waiting)      # closing drops the mark


def busy_message(site: Site, wait_seconds: float) -> str:
    holders = _box_tasks(site)
    if not holders:
        return (f"the box is held ({lock_path(site)}) by another apply or agent and was not free within "
                f"{wait_seconds:g} s; try again later")
    named = "; ".join(f"task {t['id']} ({t['agent']}, subject {t['subject'] or 'the box'}, pool {t['pool'] or '-'})"
                      for t in holders)
    first = holders[0]["id"]
    return (f"the box is held by running agent work that did not reach a safe point within {wait_seconds:g} s: "
            f"{named}; cancel it with `sigmavault agents cancel {first}` or try again later")


def _box_tasks(site: Site) -> list[dict]:
    from sigmavault.agents.store import Store, database_path
    if not database_path(site).exists():
        return []
    store = Store(database_path(site))
    try:
        return [task for task in store.tasks(("running",)) if task.get("holds_box")]
    finally:
        store.close()

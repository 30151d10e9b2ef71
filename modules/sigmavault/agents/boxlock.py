"""The box lock (<state_dir>/box.lock) an apply and box-holding agents share.

An apply holds LOCK_EX for its whole run (`for_apply`); an agent task with holds_box holds LOCK_SH while
it runs and is not started while an apply holds LOCK_EX. While an apply waits for the lock it leaves a
flag file (<state_dir>/agents/apply-waiting, holding its pid), so running box-holding tasks see
ctx.cancelled() and stop at a safe point; the runtime puts such a task back in the queue ("yielded to an
apply") without spending an attempt. flock locks die with their holder, so a crash never leaves the box
locked; the flag names a pid, so one left by a killed apply is ignored.
"""

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sigmavault.files import write_atomically
from sigmavault.site import Site

POLL_SECONDS = 0.1


class BoxBusy(RuntimeError):
    """An apply could not get the box in time; str() names who holds it and what to do."""


def lock_path(site: Site) -> Path:
    return site.state_dir / "box.lock"


def flag_path(site: Site) -> Path:
    return site.state_dir / "agents" / "apply-waiting"


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
    """An apply (still alive) waits for the box."""
    try:
        pid = int(flag_path(site).read_text().strip() or 0)
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    flag = flag_path(site)
    flag.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(flag, f"{os.getpid()}\n", 0o600)
    try:
        deadline = time.monotonic() + wait_seconds
        # flock has no timeout; a short poll is the plain way to give up at a deadline.
        while not _take(descriptor, fcntl.LOCK_EX):
            if time.monotonic() >= deadline:
                raise BoxBusy(busy_message(site, wait_seconds))
            time.sleep(POLL_SECONDS)
    finally:
        with contextlib.suppress(FileNotFoundError):
            flag.unlink()


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

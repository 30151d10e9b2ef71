"""Run a function over many items on a few threads, keeping only a handful in flight."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def parallel_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """Results of fn over items, in order. The first exception stops new work and is re-raised once
    the running calls have finished (so no worker is still writing when the caller cleans up)."""
    if workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    results: list[R | None] = [None] * len(items)
    error: BaseException | None = None
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sigmavault-zstd") as pool:
        queue = iter(range(len(items)))
        running: dict[Future[R], int] = {}

        def submit(count: int) -> None:
            for index in queue:
                running[pool.submit(fn, items[index])] = index
                count -= 1
                if count == 0:
                    return

        submit(2 * workers)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                if future.exception() is not None:
                    error = error or future.exception()
                else:
                    results[index] = future.result()
            if error is None:
                submit(len(done))
    if error is not None:
        raise error
    return results  # type: ignore[return-value]

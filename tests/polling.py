"""Waiting on a condition a process outside the test makes true (a service's database, a file)."""

import time
from collections.abc import Callable


def until(condition: Callable[[], object], what: str, seconds: float = 120.0, interval: float = 0.02) -> object:
    """condition's first truthy answer, asked again every interval until the deadline, which fails the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = condition()
        if answer:
            return answer
        time.sleep(interval)
    raise AssertionError(f"not within {seconds:g} s: {what}")

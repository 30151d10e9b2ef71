"""Login rate limits: a client address gets a budget of attempts per window, an account locks after failures."""

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class LoginThrottle:
    def __init__(self, max_failures: int = 5, lockout_seconds: float = 900, attempts_per_window: int = 20,
                 window_seconds: float = 300, clock: Callable[[], float] = time.time):
        self.max_failures, self.lockout_seconds = max_failures, lockout_seconds
        self.attempts_per_window, self.window_seconds = attempts_per_window, window_seconds
        self._clock = clock
        self._attempts: dict[str, deque[float]] = defaultdict(deque)
        self._failures: dict[str, int] = defaultdict(int)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def refusal(self, address: str, user: str) -> str | None:
        """Why this attempt must not reach PAM at all, or None. Counts the attempt against the address."""
        now = self._clock()
        with self._lock:
            attempts = self._attempts[address]
            while attempts and now - attempts[0] > self.window_seconds:
                attempts.popleft()
            if len(attempts) >= self.attempts_per_window:
                wait = int(self.window_seconds - (now - attempts[0])) + 1
                return f"too many login attempts from this address; try again in {_minutes(wait)}"
            attempts.append(now)
            until = self._locked_until.get(user.lower(), 0.0)
            if now < until:
                return (f"this account is locked after {self.max_failures} failed logins; "
                        f"try again in {_minutes(int(until - now) + 1)}")
        return None

    def failed(self, user: str) -> None:
        key = user.lower()
        with self._lock:
            self._failures[key] += 1
            if self._failures[key] >= self.max_failures:
                self._locked_until[key] = self._clock() + self.lockout_seconds
                self._failures[key] = 0

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(user.lower(), None)
            self._locked_until.pop(user.lower(), None)


def _minutes(seconds: int) -> str:
    return f"{seconds} seconds" if seconds < 120 else f"{(seconds + 59) // 60} minutes"

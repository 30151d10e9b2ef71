"""When self-heal restarts a service that does not answer: backoff between restarts, and a breaker.

Pure: it is given the times of the service's earlier restarts (kept in the agent's memory) and the clock.
- Backoff: the n-th restart within the window waits backoff_seconds * 2**(n-1) after the one before it, so a
  service that dies right after each start is not restarted in a tight loop.
- Breaker: after `failures` restarts within `window_seconds` the service is left alone (open); an operator
  fixes what keeps it from starting. The breaker closes by itself once those restarts leave the window, or
  at once when the service answers again.
"""

from __future__ import annotations

from dataclasses import dataclass

RESTART, WAIT, OPEN = "restart", "wait", "open"


@dataclass(frozen=True)
class Policy:
    failures: int = 3
    window_seconds: float = 1800.0
    backoff_seconds: float = 10.0


@dataclass(frozen=True)
class Decision:
    action: str                  # RESTART, WAIT (backoff) or OPEN (breaker)
    until: float | None = None   # WAIT/OPEN: when that ends (epoch seconds)
    recent: tuple[float, ...] = ()


def recent_restarts(restarts: list[float], now: float, policy: Policy) -> tuple[float, ...]:
    return tuple(sorted(t for t in restarts if 0 <= now - t < policy.window_seconds))


def decide(restarts: list[float], now: float, policy: Policy) -> Decision:
    """What to do about a service that did not answer its probe just now."""
    recent = recent_restarts(restarts, now, policy)
    if len(recent) >= policy.failures:
        return Decision(OPEN, recent[-policy.failures] + policy.window_seconds, recent)
    if recent:
        due = recent[-1] + policy.backoff_seconds * 2 ** (len(recent) - 1)
        if now < due:
            return Decision(WAIT, due, recent)
    return Decision(RESTART, None, recent)

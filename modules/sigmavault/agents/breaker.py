"""The breaker per agent: `failures` failed or timed-out attempts within `window` open it, and the agent
is not scheduled until the window has passed (manual runs still go). Failures before a breaker closed
are not counted again. The open-until time is kept on the agent's status row, so a restart keeps it."""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sigmavault.agents.store import Store, parse_stamp, stamp

log = logging.getLogger(__name__)
TAG = "sigmavault/agents/breaker_open"


class Breakers:
    def __init__(self, store: Store, publish: Callable[[str, dict], None]):
        self.store, self.publish = store, publish
        self._until: dict[str, datetime] = {}     # open until, and failures counted from there on
        self._open: set[str] = set()

    def load(self, rows: list[dict], now: datetime) -> None:
        for row in rows:
            until = parse_stamp(row["breaker_until"])
            if until is not None:
                self._until[row["name"]] = until
                if until > now:
                    self._open.add(row["name"])

    def is_open(self, agent: str, now: datetime) -> bool:
        until = self._until.get(agent)
        return until is not None and now < until

    def trip(self, agent: str, now: datetime, failures: int, window_seconds: float) -> bool:
        """After a failure: is the breaker open now (it may just have opened, which is published)?"""
        if self.is_open(agent, now):
            return True
        window = timedelta(seconds=window_seconds)
        since = max(now - window, self._until.get(agent, now - window))
        found = self.store.failures_since(agent, since)
        if found < failures:
            return False
        until = now + window
        self._until[agent] = until
        self._open.add(agent)
        self.store.set_agent(agent, breaker_until=stamp(until))
        log.warning("agent %s failed %d times within %g s: not scheduled until %s", agent, found, window_seconds,
                    stamp(until))
        self.publish(TAG, {"agent": agent, "failures": found, "window_seconds": window_seconds, "until": stamp(until)})
        return True

    def closing(self, now: datetime) -> list[str]:
        """Agents whose breaker window passed since the last call."""
        closed = [agent for agent in self._open if not self.is_open(agent, now)]
        self._open.difference_update(closed)
        return closed

"""When each scheduled (agent, subject) fires next. The last due time of each lives in the store, so a
restart neither repeats a run nor forgets one: however many due times passed while the service was down,
the next fire after them is one run, and the one after that is the next due time after now."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sigmavault.agents import schedules
from sigmavault.agents.registry import Subject
from sigmavault.agents.store import Store

log = logging.getLogger(__name__)


@dataclass
class Due:
    agent: str
    subject: str
    schedule: schedules.Schedule
    jitter: timedelta
    fire_at: datetime


class Timetable:
    def __init__(self, store: Store):
        self.store = store
        self.entries: list[Due] = []

    def plan(self, agent: str, subjects: Iterable[Subject], default: str | None, jitter_seconds: float,
             now: datetime) -> list[Due]:
        """Entries for agent's subjects (a subject's own schedule wins over the agent's); a bad schedule
        is logged and left out (the pillar rules refuse one before it reaches config.json)."""
        found = []
        for subject in subjects:
            text = subject.schedule or default
            if not text:
                continue
            try:
                schedule = schedules.parse(text)
            except ValueError as error:
                log.error("agent %s, subject %r: %s; it is not scheduled", agent, subject.name, error)
                continue
            jitter = schedules.jitter(agent, subject.name, jitter_seconds)
            last = self.store.last_due(agent, subject.name)
            if last is None:       # first seen: its first run is its next due time, not now
                last = schedule.last_at_or_before(now - jitter)
                self.store.set_last_due(agent, subject.name, last)
            found.append(Due(agent, subject.name, schedule, jitter, schedule.next_after(last) + jitter))
        return found

    def replace(self, entries: list[Due]) -> None:
        self.entries = entries

    def fire(self, now: datetime, held: Callable[[str], bool]) -> list[Due]:
        """The entries due at now (those of a held agent — breaker open — are passed over, not queued
        later); each is moved to its next due time after now."""
        fired = []
        for due in self.entries:
            if now < due.fire_at or held(due.agent):
                continue
            fired.append(due)
            last = due.schedule.last_at_or_before(now - due.jitter)
            self.store.set_last_due(due.agent, due.subject, last)
            due.fire_at = due.schedule.next_after(last) + due.jitter
        return fired

    def next_run(self, agent: str) -> datetime | None:
        return min((due.fire_at for due in self.entries if due.agent == agent), default=None)

    def soonest(self) -> datetime | None:
        return min((due.fire_at for due in self.entries), default=None)

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
                found.append(self._plan_one(agent, subject.name, text, jitter_seconds, now))
            except Exception as error:  # noqa: BLE001 - one bad schedule must not stop the others
                log.error("agent %s, subject %r: schedule %r cannot be planned (%s); it is not scheduled",
                          agent, subject.name, text, error)
        return found

    def _plan_one(self, agent: str, subject: str, text: str, jitter_seconds: float, now: datetime) -> Due:
        schedule = schedules.parse(text)
        jitter = schedules.jitter(agent, subject, jitter_seconds)
        last = self.store.last_due(agent, subject)
        if last is None:       # first seen: its first run is its next due time, not now
            last = schedule.last_at_or_before(now - jitter)
            self.store.set_last_due(agent, subject, last)
        return Due(agent, subject, schedule, jitter, schedule.next_after(last) + jitter)

    def replace(self, entries: list[Due]) -> None:
        self.entries = entries

    def fire(self, now: datetime, held: Callable[[str], bool],
             enqueue: Callable[["Due", datetime], None]) -> list[Due]:
        """The entries due at now (those of a held agent — breaker open — are passed over, not queued
        later); each is handed to enqueue(due, last_due), which must record last_due in the same
        transaction as the run it queues (a kill between the two would lose the run or repeat it), and is
        moved to its next due time after now. An entry whose firing fails is logged and dropped until the
        config is applied again: one bad schedule never stops the loop."""
        fired = []
        for due in list(self.entries):
            if now < due.fire_at or held(due.agent):
                continue
            try:
                last = due.schedule.last_at_or_before(now - due.jitter)
                following = due.schedule.next_after(last) + due.jitter
                enqueue(due, last)
            except Exception:  # noqa: BLE001 - one bad entry must not kill the scheduler
                log.exception("agent %s, subject %r: firing schedule %r failed; it is not scheduled until the "
                              "configuration is applied again", due.agent, due.subject, due.schedule.text)
                self.entries.remove(due)
                continue
            due.fire_at = following
            fired.append(due)
        return fired

    def next_run(self, agent: str) -> datetime | None:
        return min((due.fire_at for due in self.entries if due.agent == agent), default=None)

    def soonest(self) -> datetime | None:
        return min((due.fire_at for due in self.entries), default=None)

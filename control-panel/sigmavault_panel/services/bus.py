"""An in-process event bus: jobs publish, event-stream clients wait for what came after their last id."""

import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    data: dict = field(default_factory=dict)
    at: float = 0.0

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "at": self.at, **self.data}


class EventBus:
    def __init__(self, history: int = 1000):
        self._events: deque[Event] = deque(maxlen=history)
        self._next_id = 1
        self._changed = threading.Condition()

    def publish(self, type_: str, **data) -> Event:
        with self._changed:
            event = Event(self._next_id, type_, data, time.time())
            self._next_id += 1
            self._events.append(event)
            self._changed.notify_all()
        return event

    @property
    def last_id(self) -> int:
        with self._changed:
            return self._next_id - 1

    def since(self, last_id: int) -> tuple[list[Event], bool]:
        """(events after last_id, whether some were already dropped from the history)."""
        with self._changed:
            return self._since(last_id)

    def _since(self, last_id: int) -> tuple[list[Event], bool]:
        if not self._events:
            return [], False
        missed = last_id < self._events[0].id - 1
        return [e for e in self._events if e.id > last_id], missed

    def wait(self, last_id: int, timeout: float) -> tuple[list[Event], bool]:
        """Block until there is an event after last_id or timeout seconds pass."""
        with self._changed:
            self._changed.wait_for(lambda: self._next_id - 1 > last_id, timeout=timeout)
            return self._since(last_id)

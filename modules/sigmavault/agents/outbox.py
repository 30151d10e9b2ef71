"""Events leave the service through one thread: a slow or absent event bus never holds up the
scheduler or a worker. The outbox is bounded; when it is full an event is dropped and that is logged
(events are best effort by contract: the database is the record, the bus only the live view)."""

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
LIMIT = 10_000


class Outbox:
    def __init__(self, publish: Callable[[str, dict], object], limit: int = LIMIT):
        self._publish = publish
        self._queue: queue.Queue = queue.Queue(limit)
        self._dropped = 0
        self._thread = threading.Thread(target=self._send, name="agent-events", daemon=True)
        self._thread.start()

    def __call__(self, tag: str, data: dict) -> None:
        try:
            self._queue.put_nowait((tag, data))
        except queue.Full:
            self._dropped += 1
            if self._dropped == 1 or self._dropped % 1000 == 0:
                log.warning("the event bus is behind: %d events dropped (the database keeps every task)",
                            self._dropped)

    def _send(self) -> None:
        while (item := self._queue.get()) is not None:
            try:
                self._publish(*item)
            except Exception as error:  # noqa: BLE001 - an event must never stop the service
                log.warning("publishing %s failed: %s", item[0], error)

    def close(self, timeout: float = 5.0) -> None:
        """Send what is waiting (for up to timeout seconds), then stop."""
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)

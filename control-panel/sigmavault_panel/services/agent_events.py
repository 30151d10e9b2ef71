"""Agents' events from Salt's minion event bus into the panel's own bus, so /events carries them.

One daemon thread per panel subscribes to `sigmavault/agents/…` (salt_bridge.agent_bus, which reconnects
whenever the agent service that hosts the bus restarts) and publishes each as an `agent` event holding the
tag and the data. Started by the application factory unless AGENT_EVENTS_FROM_SALT is off (the panel's
fake-Salt tests, which have no agent service).
"""

import json
import logging
import threading

from sigmavault.site import Site
from sigmavault_panel.services.bus import EventBus

log = logging.getLogger(__name__)
EVENT_TYPE = "agent"
WAIT_SECONDS = 1.0       # how often the thread looks at its stop flag while the bus is quiet


def plain(data: object) -> object:
    """The event's data as JSON can carry it (Salt's bus also carries bytes and other msgpack types)."""
    return json.loads(json.dumps(data, default=str))


class AgentEvents:
    def __init__(self, site: Site, bus: EventBus):
        self._site, self._bus = site, bus
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agent-events", daemon=True)

    def start(self) -> "AgentEvents":
        self._thread.start()
        return self

    def _run(self) -> None:
        from sigmavault.salt_bridge import agent_bus
        while not self._stop.is_set():
            try:
                for tag, data in agent_bus.subscribe(self._site, stop=self._stop, wait=WAIT_SECONDS):
                    self._bus.publish(EVENT_TYPE, tag=tag, data=plain(data))
            except Exception:   # Salt missing or a broken event: say so, try again, never take the panel down
                log.exception("agents' events from Salt's event bus stopped; listening again")
                self._stop.wait(5)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

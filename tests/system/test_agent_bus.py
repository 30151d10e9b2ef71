"""The agents' events on Salt's real minion event bus: hosted by the publisher, heard by other processes,
by Salt's own `event.fire`, and by a subscriber that outlives a restart of the host.

Every wait is on an event: a subscriber connects asynchronously, so a test fires pings until one is heard,
then the events it asserts on.
"""

import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

from sigmavault.salt_bridge import agent_bus, state_events
from sigmavault.salt_bridge.call import salt_call_binary
from sigmavault.salt_bridge.config import write_config_dir
from tests.system.bus_processes import site_in

REPO = Path(__file__).resolve().parents[2]
HEARD_SECONDS = 60.0
PING = agent_bus.PREFIX + "test/ping"


@pytest.fixture
def site():
    """A site in a short folder: pytest's own are too deep for a Unix socket's path."""
    root = Path(tempfile.mkdtemp(prefix="svbus-"))
    (root / "pillar").mkdir()
    yield site_in(root)
    shutil.rmtree(root, ignore_errors=True)


class Heard:
    """What a subscriber (in this process, or a child printing JSON lines) heard, in order."""

    def __init__(self):
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()

    def next(self, skip_pings: bool = True) -> tuple[str, dict]:
        deadline = time.monotonic() + HEARD_SECONDS
        while True:
            tag, data = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            if not (skip_pings and tag == PING):
                return tag, data

    def until_heard(self, publish: Callable[[str, dict], object]) -> None:
        """Fire pings until one arrives: from then on the subscriber is connected."""
        deadline = time.monotonic() + HEARD_SECONDS
        while time.monotonic() < deadline:
            publish(PING, {})
            try:
                tag, _ = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            if tag == PING:
                return
        raise AssertionError("no subscriber heard a ping")


def plain(event: tuple[str, dict]) -> tuple[str, dict]:
    """The event without the time stamp Salt's bus adds to every event."""
    tag, data = event
    assert "_stamp" in data
    return tag, {key: value for key, value in data.items() if key != "_stamp"}


@contextmanager
def subscribed_here(site):
    heard, stop = Heard(), threading.Event()

    def run() -> None:
        for event in agent_bus.subscribe(site, stop=stop, wait=0.2):
            heard.events.put(event)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield heard
    finally:
        stop.set()
        thread.join(10)
        assert not thread.is_alive()


@contextmanager
def child(mode: str, site, heard: Heard | None = None):
    """A bus_processes child; its JSON lines go to heard (subscribe) or are read by the test (publish)."""
    process = subprocess.Popen([sys.executable, "-m", "tests.system.bus_processes", mode, str(site.state_dir.parent)],
                               cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            if heard is not None:
                heard.events.put(tuple(json.loads(line)))
            else:
                lines.put(line.strip())
    threading.Thread(target=pump, daemon=True).start()
    process.answer = lambda: lines.get(timeout=HEARD_SECONDS)   # the next line of a publish child
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_a_second_process_hears_what_the_publisher_fires(site):
    publisher = agent_bus.publisher(site)
    heard = Heard()
    try:
        assert publisher.hosting     # a masterless box: nobody else hosts the minion bus
        with child("subscribe", site, heard):
            heard.until_heard(publisher.publish)
            for n in range(3):
                assert publisher.publish(f"sigmavault/agents/task/{n}/finished", {"id": n, "state": "done"})
            publisher.publish("salt/other/thing", {"id": 99})   # outside the prefix: not handed on
            assert [plain(heard.next()) for _ in range(3)] == [
                (f"sigmavault/agents/task/{n}/finished", {"id": n, "state": "done"}) for n in range(3)]
    finally:
        publisher.close()


def test_salt_call_event_fire_reaches_a_subscriber_through_the_hosted_bus(site):
    publisher = agent_bus.publisher(site)
    try:
        with subscribed_here(site) as heard:
            heard.until_heard(publisher.publish)
            fired = subprocess.run(
                [salt_call_binary(), "--config-dir", str(write_config_dir(site)), "--local", "--out", "json",
                 "event.fire", json.dumps({"drift": "smb.conf"}), "sigmavault/agents/drift/found"],
                capture_output=True, text=True, timeout=300)
            assert json.loads(fired.stdout)["local"] is True, fired.stderr
            tag, data = heard.next()
            assert (tag, data["drift"]) == ("sigmavault/agents/drift/found", "smb.conf")
    finally:
        publisher.close()


def test_a_second_publisher_fires_into_the_host_and_hosts_once_the_host_is_gone(site):
    """The host is another process (another publisher of the site, or a fleet box's salt-minion)."""
    second = None
    with subscribed_here(site) as heard, child("publish", site) as host:
        assert host.answer() == "hosting true"
        try:
            second = agent_bus.publisher(site)     # the host is taken: this one fires into it
            assert not second.hosting
            heard.until_heard(second.publish)
            assert second.publish("sigmavault/agents/task/7/progress", {"fraction": 0.5})
            assert plain(heard.next()) == ("sigmavault/agents/task/7/progress", {"fraction": 0.5})
            host.stdin.close()                     # the host closes its bus and exits
            assert host.wait(30) == 0
            heard.until_heard(second.publish)      # the subscriber reconnected to the bus second now hosts
            assert second.hosting
        finally:
            if second is not None:
                second.close()


def test_a_subscriber_survives_the_host_being_killed_and_started_again(site):
    with subscribed_here(site) as heard:
        for generation in range(2):
            with child("publish", site) as host:
                assert host.answer() == "hosting true"

                def publish(tag: str, data: dict, host=host) -> None:
                    host.stdin.write(f"{tag} {json.dumps(data)}\n")
                    host.stdin.flush()
                    assert host.answer() == "ok true"

                heard.until_heard(publish)
                publish("sigmavault/agents/drift/status", {"generation": generation})
                assert heard.next()[1]["generation"] == generation
                os.kill(host.pid, signal.SIGKILL)    # its sockets stay behind, stale; the next host replaces them
                host.wait(10)


def test_hosting_the_minion_bus_leaves_the_master_bus_to_a_followed_run(site):
    publisher = agent_bus.publisher(site)
    try:
        with state_events.listening(write_config_dir(site) / "minion", lambda event: None) as bus:
            assert isinstance(bus, state_events.Listener), bus
    finally:
        publisher.close()
    assert sorted(p.name for p in (site.state_dir / "salt" / "bus").iterdir()) == ["agents_bus.lock", "bus.lock"]


def test_a_publish_that_fails_is_logged_and_returns_false(site, caplog):
    publisher = agent_bus.publisher(site)
    try:
        with caplog.at_level(logging.ERROR, logger=agent_bus.__name__):
            assert publisher.publish("sigmavault/agents/x", {"not json": object()}) is False
        assert "cannot publish sigmavault/agents/x" in caplog.text
        assert publisher.publish("sigmavault/agents/x", {"ok": True})    # the bus still works after
    finally:
        publisher.close()


def test_a_bus_someone_else_hosts_is_fired_into_not_taken_over(site):
    """As on a fleet box, where the salt-minion daemon binds the minion bus (without our lock)."""
    opts = agent_bus.bus_opts(site)
    pull, pub = agent_bus._socket_paths(opts)
    pull.parent.mkdir(parents=True)
    with open(os.devnull, "w") as not_our_lock:
        daemon = agent_bus._Host(opts, not_our_lock, pull, pub)   # Salt's own IPC publish server, bound here
        publisher = agent_bus.publisher(site)
        try:
            assert not publisher.hosting
            with subscribed_here(site) as heard:
                heard.until_heard(publisher.publish)
                assert publisher.publish("sigmavault/agents/self_heal/restarted", {"service": "smbd"})
                assert plain(heard.next()) == ("sigmavault/agents/self_heal/restarted", {"service": "smbd"})
        finally:
            publisher.close()
            daemon.close()

"""What the agents' system tests share: a pillar whose agents cannot reach beyond the test's box, waiting on
the service's database, and stopping a service a test's apply started (even when the test failed)."""

import contextlib
import os
import signal
from collections.abc import Callable, Iterator

from sigmavault.agents.service_facts import service_pid
from sigmavault.agents.store import Store, database_path
from sigmavault.site import Site
from tests.polling import until

# self_heal would probe and restart the host's own nginx and panel, key_rotation would reseal: off here.
QUIET_AGENTS = {"self_heal": {"enabled": False}, "key_rotation": {"enabled": False},
                "drift": {"enabled": False, "jitter_seconds": 0}, "compression": {"jitter_seconds": 0},
                "housekeeping": {"jitter_seconds": 0}}




def read_store(site: Site, read: Callable[[Store], object]) -> object:
    if not database_path(site).exists():
        return None
    store = Store(database_path(site))
    try:
        return read(store)
    finally:
        store.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_service(site: Site) -> None:
    """SIGTERM to the site's service, then SIGKILL to its whole session (its task children too)."""
    pid = service_pid(site)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    with contextlib.suppress(AssertionError):
        until(lambda: not alive(pid), "the agent service stops", 30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@contextlib.contextmanager
def stopping_service(site: Site) -> Iterator[None]:
    """The agent service an apply starts inside is stopped afterwards, even when the test failed."""
    try:
        yield
    finally:
        stop_service(site)


def write_agents_pillar(box, **agents) -> dict:
    """A pillar of QUIET_AGENTS with these agents keys over them, in UTC; returns its sigmavault key."""
    sigmavault = {"system": {"timezone": "UTC"}, "agents": {**QUIET_AGENTS, **agents}}
    box.write_pillar(sigmavault)
    return sigmavault

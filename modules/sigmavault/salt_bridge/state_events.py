"""Salt's event bus for one state run: each state's completion as Salt's `state_events` report it.

Masterless Salt fires state events only when salt-call runs without `--local` (the config's
`file_client: local` keeps it masterless) and something listens where a master's event bus would be:
the IPC sockets `master_event_pull.ipc` and `master_event_pub.ipc` in the minion's `sock_dir`. While a run
is followed, `listening()` binds them in this process with Salt's own IPC publish server: every event
salt-call pushes is republished (so a `salt.utils.event` subscriber on the box can watch too), and each
`salt/job/<jid>/prog/<minion>/<n>` event is handed to the caller as a StateEvent.

This is the one place SigmaVault imports Salt's Python API (salt-call itself runs as a process); Salt is
imported when a run is followed, not before.
"""

import fcntl
import gc
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
PROGRESS_TAG = re.compile(r"^salt/job/(?P<jid>\d+)/prog/")
SOCKET_PATH_MAX = 107          # sun_path of an AF_UNIX address, less the terminating NUL
BIND_SECONDS = 5.0
DRAIN_SECONDS = 1.0            # after salt-call exits, how long its last events may still be on the way


@dataclass(frozen=True)
class StateEvent:
    id: str                    # the state's id, e.g. converge_pool_tank
    seconds: float
    result: bool | None        # None: would change (test=True)
    number: int                # 1-based, in run order
    total: int                 # states in the run


def state_event(tag: str, data: dict) -> StateEvent | None:
    """The state a progress event reports, or None for any other event."""
    if not PROGRESS_TAG.match(tag) or not isinstance(data, dict) or not isinstance(data.get("ret"), dict):
        return None
    ret = data["ret"]
    return StateEvent(str(ret.get("__id__") or ret.get("name")), float(ret.get("duration") or 0) / 1000,
                      ret.get("result"), int(ret.get("__run_num__", 0)) + 1, int(data.get("len") or 0))


class Listener:
    """Counts what arrived, so the caller can wait for the last events of a run that has ended."""

    def __init__(self, on_state: Callable[[StateEvent], None]):
        self._on_state = on_state
        self.heard = 0
        self.expected = 0
        self._changed = threading.Condition()

    def deliver(self, event: StateEvent) -> None:
        with self._changed:
            self.heard += 1
            self.expected = max(self.expected, event.total)
            self._changed.notify_all()
        self._on_state(event)

    def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait (briefly) until every state the run announced has been heard."""
        with self._changed:
            self._changed.wait_for(lambda: self.heard >= self.expected, timeout=timeout)


def _bus_lock(sock_dir: Path):
    """One followed run per site at a time: the sockets are the site's. None when another run holds them."""
    sock_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = open(sock_dir / "bus.lock", "w")    # noqa: SIM115  (held for the run; listening() closes it)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


@contextmanager
def listening(config_file: Path, on_state: Callable[[StateEvent], None]) -> Iterator[Listener | str]:
    """Salt's event bus bound for the minion config_file: yields a Listener, or why the bus cannot listen
    (a sentence; the caller then reads progress another way)."""
    try:
        import salt.config
        import salt.transport
        import salt.utils.event
        import tornado.ioloop
    except ImportError as error:
        yield f"Salt's Python API is not importable here ({error})"
        return
    opts = salt.config.minion_config(str(config_file))
    sock_dir = Path(opts["sock_dir"])
    longest = sock_dir / "master_event_pull.ipc"
    if len(str(longest)) > SOCKET_PATH_MAX:
        yield f"the event bus socket path {longest} is longer than a Unix socket allows"
        return
    lock = _bus_lock(sock_dir)
    if lock is None:
        yield f"another run is using the event bus in {sock_dir}"
        return
    listener = Listener(on_state)
    server = salt.transport.ipc_publish_server("master", opts)
    loop = tornado.ioloop.IOLoop()
    bound, problems = threading.Event(), []

    async def handle(payload, *_args, **_kwargs) -> None:
        try:
            tag, data = salt.utils.event.SaltEvent.unpack(payload)
            event = state_event(tag, data)
            if event is not None:
                listener.deliver(event)
        except Exception:   # one bad event must not stop the bus
            log.exception("cannot read an event from Salt's event bus")
        await server.publish_payload(payload)

    async def bind() -> None:
        try:
            await server.publisher(handle, None, None, loop)
        except Exception as error:
            problems.append(error)
        finally:
            bound.set()

    thread = threading.Thread(target=_serve, args=(loop, bind), name="salt-event-bus", daemon=True)
    thread.start()
    try:
        if not bound.wait(BIND_SECONDS) or problems:
            yield f"cannot bind Salt's event bus in {sock_dir}: {problems[0] if problems else 'timed out'}"
        else:
            yield listener
    finally:
        loop.add_callback(_stop, loop, server)
        thread.join(BIND_SECONDS)
        for name in ("master_event_pull.ipc", "master_event_pub.ipc"):
            (sock_dir / name).unlink(missing_ok=True)
        lock.close()
        # Salt's transport leaves an unclosed asyncio loop behind; collected at interpreter exit its
        # self-pipe is already gone and Python prints a traceback under the run's summary. Collect it now.
        gc.collect()


def _serve(loop, bind) -> None:
    loop.add_callback(bind)
    loop.start()
    loop.close(all_fds=True)


def _stop(loop, server) -> None:
    try:
        server.close()
    finally:
        loop.stop()


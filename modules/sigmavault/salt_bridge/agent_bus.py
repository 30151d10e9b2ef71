"""The agents' events on Salt's minion event bus: the agent service publishes, the panel (or anyone) subscribes.

A masterless box runs no salt-minion daemon, so nothing hosts the minion bus (the IPC sockets
`minion_event_<hash>_pull.ipc` / `_pub.ipc` in the site's `sock_dir`, <state dir>/salt/bus). The publisher
therefore hosts it itself with Salt's own IPC publish server, in a thread of the long-running agent service:
whatever anyone pushes into the pull socket (a task's child process, `salt-call event.fire`) is republished
to every subscriber, as a minion daemon would. When the bus is already hosted (a fleet box's salt-minion, or
another publisher of this site, told apart by the flock on `agents_bus.lock`) the publisher only fires into it.
The master sockets state_events.listening() binds in the same folder have other names and another lock.

Salt is imported when a publisher or subscriber is made, not before. A publish failure is logged and returns
False: an event must never stop a task.
"""

import asyncio
import datetime
import fcntl
import logging
import socket
import sys
import threading
import time
import types
import uuid
from collections.abc import Iterator
from pathlib import Path

from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.site import Site

log = logging.getLogger(__name__)
PREFIX = "sigmavault/agents/"
LOCK_NAME = "agents_bus.lock"
BIND_SECONDS = 5.0
CONNECT_SECONDS = 1.0          # a live Unix socket answers at once; a stale one never
FIRE_SECONDS = 5.0             # to reach another host's pull socket on a busy box; a publish waits no longer
RECONNECT_SECONDS = 0.5
TAG_ROOT = "sigmavault/"
HELLO = "sigmavault/bus/hello/"   # a subscriber's check of its own connection, outside the agents' prefix
HELLO_SECONDS = 5.0            # a hello not back by then: the connection is not served
QUIET_SECONDS = 60.0           # a connection silent this long is checked again
SOCKET_PATH_MAX = 107          # sun_path of an AF_UNIX address, less the terminating NUL


def bus_opts(site: Site) -> dict:
    """Salt's minion opts for the site, read from the config salt-call is given, so both name the same sockets."""
    _import_salt_transport()
    import salt.config
    return salt.config.minion_config(str(write_config_dir(site) / "minion"))


def _import_salt_transport() -> None:
    """Import Salt's TCP/IPC transport without `salt.master`, which it imports and never uses.

    salt.master pulls in the minion, the pillar and the file client: 20 MiB more in a service that only
    moves events. A stand-in module is in sys.modules only while the transport imports, so a later
    `import salt.master` (in another part of the same process) still gets the real one.
    """
    if "salt.transport.tcp" in sys.modules:
        return
    stand_in = None
    if "salt.master" not in sys.modules:
        stand_in = sys.modules["salt.master"] = types.ModuleType("salt.master")
    try:
        import salt.transport.tcp  # noqa: F401
    finally:
        if stand_in is not None and sys.modules.get("salt.master") is stand_in:
            del sys.modules["salt.master"]
            import salt
            if getattr(salt, "master", None) is stand_in:
                del salt.master


def _socket_paths(opts: dict) -> tuple[Path, Path]:
    """(pull, pub): where events are pushed in, and where subscribers read them."""
    import salt.transport.base
    digest = salt.transport.base._minion_hash(hash_type=opts["hash_type"], minion_id=opts.get("hash_id", opts["id"]))
    sock_dir = Path(opts["sock_dir"])
    return sock_dir / f"minion_event_{digest}_pull.ipc", sock_dir / f"minion_event_{digest}_pub.ipc"


class Publisher:
    """Fires events on the site's minion bus, hosting the bus while nobody else does."""

    def __init__(self, opts: dict):
        self._opts = opts
        self._sock_dir = Path(opts["sock_dir"])
        self._lock = threading.Lock()
        self._host: _Host | None = None
        self._client = None
        self._establish()

    @property
    def hosting(self) -> bool:
        return self._host is not None

    def _establish(self) -> None:
        """Host the bus if nobody does, else become a client of whoever does."""
        self._sock_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle = open(self._sock_dir / LOCK_NAME, "w")    # noqa: SIM115  (held while hosting; close() releases)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()      # another publisher of this site hosts the bus
            return
        pull, pub = _socket_paths(self._opts)
        if len(str(pull)) > SOCKET_PATH_MAX:
            handle.close()
            log.error("the event bus socket path %s is longer than a Unix socket allows; agents' events are "
                      "not published (choose a shorter state dir)", pull)
            return
        # A salt-minion daemon may host it: then the connection that proves it is the one events go through
        # (a probe connection of its own, closed at once, can race the server's next accept).
        if pull.exists() and self._connect_client():
            handle.close()
            return
        try:
            self._host = _Host(self._opts, handle, pull, pub)
        except Exception:
            handle.close()
            log.exception("cannot host Salt's minion event bus in %s; agents' events are not published",
                          self._sock_dir)

    def _connect_client(self) -> bool:
        """A connection to the host's pull socket; False for a stale socket file (its host died)."""
        client = _Pusher(_socket_paths(self._opts)[0])
        try:
            client.connect()
        except OSError:
            client.close()
            return False
        self._client = client
        return True

    def publish(self, tag: str, data: dict) -> bool:
        """Fire one event; False (and a log line) when it could not be sent."""
        try:
            with self._lock:
                return self._publish(tag, dict(data))
        except Exception:
            log.exception("cannot publish %s on Salt's minion event bus", tag)
            return False

    def _publish(self, tag: str, data: dict) -> bool:
        if self._host is not None:
            return self._host.publish(tag, data)
        if self._fire(tag, data):
            return True
        self._drop_client()     # the host went away: host the bus now, or reach the one who does
        self._establish()
        if self._host is not None:
            return self._host.publish(tag, data)
        if self._fire(tag, data):
            return True
        log.warning("nobody hosts Salt's minion event bus in %s; %s was not published", self._sock_dir, tag)
        return False

    def _fire(self, tag: str, data: dict) -> bool:
        if self._client is None and not self._connect_client():
            return False
        try:
            self._client.send(_packed(tag, data))
            return True
        except OSError as error:    # the host went away (a broken pipe) or does not read (a timeout)
            log.debug("firing %s into the minion bus failed: %s", tag, error)
            self._drop_client()
            return False

    def _drop_client(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def close(self) -> None:
        with self._lock:
            self._drop_client()
            if self._host is not None:
                self._host.close()
                self._host = None


def _packed(tag: str, data: dict) -> bytes:
    """An event as Salt's bus carries it: tag, separator, msgpack data, stamped as Salt stamps it."""
    import salt.utils.event
    data.setdefault("_stamp", datetime.datetime.now(datetime.UTC).isoformat())
    return salt.utils.event.SaltEvent.pack(tag, data)


class _Pusher:
    """Events into a host's pull socket, framed as Salt's IPC framing says (salt.transport.frame).

    A plain blocking socket with a timeout rather than Salt's synchronous client: that one, firing into a
    host that has just died, can wait forever in nested event loops; here a dead host is a BrokenPipeError.
    """

    def __init__(self, path: Path):
        self._path = path
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(FIRE_SECONDS)

    def connect(self) -> None:
        self._socket.connect(str(self._path))

    def send(self, event: bytes) -> None:
        import salt.transport.frame
        self._socket.sendall(salt.transport.frame.frame_msg_ipc(event, raw_body=True))

    def close(self) -> None:
        self._socket.close()


class _Host:
    """Salt's IPC publish server for "minion", bound in a thread of this process."""

    def __init__(self, opts: dict, lock_handle, pull: Path, pub: Path):
        import salt.transport
        import tornado.ioloop
        self._lock_handle, self._paths = lock_handle, (pull, pub)
        for stale in self._paths:   # left by a host that died; we hold the lock, so nobody uses them
            stale.unlink(missing_ok=True)
        self._server = salt.transport.ipc_publish_server("minion", opts)
        self._loop = tornado.ioloop.IOLoop()
        bound, problems = threading.Event(), []
        server = self._server

        async def republish(payload, *_args, **_kwargs) -> None:
            await server.publish_payload(payload)

        async def bind() -> None:
            try:
                await server.publisher(republish, None, None, self._loop)
            except Exception as error:
                problems.append(error)
            finally:
                bound.set()

        self._thread = threading.Thread(target=_serve, args=(self._loop, bind), name="salt-minion-bus",
                                        daemon=True)
        self._thread.start()
        if not bound.wait(BIND_SECONDS) or problems:
            self.close()
            raise OSError(f"cannot bind {pull}: {problems[0] if problems else 'timed out'}")

    def publish(self, tag: str, data: dict) -> bool:
        self._loop.add_callback(self._server.publish_payload, _packed(tag, data))
        return True

    def close(self) -> None:
        self._loop.add_callback(_stop, self._loop, self._server)
        self._thread.join(BIND_SECONDS)
        for path in self._paths:
            path.unlink(missing_ok=True)
        self._lock_handle.close()


def _serve(loop, bind) -> None:
    loop.add_callback(bind)
    loop.start()
    loop.close(all_fds=True)


async def _stop(loop, server) -> None:
    """Close the server and end its readers and writers before the loop stops, so none is left pending."""
    try:
        server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)
    finally:
        loop.stop()


def publisher(site: Site) -> Publisher:
    """The agent service's publisher for the site's minion bus (hosting it when nobody else does)."""
    return Publisher(bus_opts(site))


def subscribe(site: Site, prefix: str = PREFIX, stop: threading.Event | None = None,
              wait: float = 1.0) -> Iterator[tuple[str, dict]]:
    """(tag, data) of every event under prefix, for as long as the caller iterates (or until stop is set).

    The bus may not be hosted yet, or its host may restart (the agent service): the subscriber connects again
    whenever the connection is gone, so a long-lived reader (the panel) never needs restarting. A connection
    is trusted only once a hello it fires comes back through it, and again after a quiet minute: Salt's
    server can accept a connection it then never serves (tornado's "fd added twice" while a restarted host
    meets a reconnecting subscriber), which would otherwise leave the reader deaf for good.
    """
    import salt.utils.event
    opts = bus_opts(site)
    stop = stop or threading.Event()
    pull, pub = _socket_paths(opts)
    while not stop.is_set():
        if not pub.exists():
            stop.wait(RECONNECT_SECONDS)
            continue
        # Connected here, with a bound: Salt's own connect on creation waits without one for a host that
        # may have gone between the check above and now.
        event = salt.utils.event.get_event("minion", opts=opts, listen=False, raise_errors=True)
        try:
            if not event.connect_pub(timeout=CONNECT_SECONDS):
                stop.wait(RECONNECT_SECONDS)
                continue
            yield from _served(event, pull, prefix, stop, wait)
        except Exception as error:   # the host went away: connect again once it is back
            log.debug("the minion event bus closed (%s); connecting again", error)
        finally:
            # Salt closes its subscriber only once connected; one that never connected is closed too.
            event.cpub = event.cpub or event.subscriber is not None
            event.destroy()


def _served(event, pull: Path, prefix: str, stop: threading.Event, wait: float) -> Iterator[tuple[str, dict]]:
    """Events from one connection, until it proves dead (its hello does not come back in time)."""
    heard_at, hello, asked_at = float("-inf"), None, 0.0
    while not stop.is_set():
        now = time.monotonic()
        if hello is None and now - heard_at >= QUIET_SECONDS:
            hello, asked_at = f"{HELLO}{uuid.uuid4().hex}", now
            _say_hello(pull, hello)
        elif hello is not None and now - asked_at >= HELLO_SECONDS:
            log.info("the minion event bus does not serve this connection; connecting again")
            return
        found = event.get_event(wait=wait, tag=TAG_ROOT, full=True)
        if found is None:
            continue
        heard_at = time.monotonic()
        if found["tag"] == hello:
            hello = None
        elif found["tag"].startswith(prefix):
            yield found["tag"], found["data"]


def _say_hello(pull: Path, tag: str) -> None:
    pusher = _Pusher(pull)
    try:
        pusher.connect()
        pusher.send(_packed(tag, {}))
    except OSError as error:    # unanswered: the connection is given up after HELLO_SECONDS all the same
        log.debug("cannot say hello on the minion event bus: %s", error)
    finally:
        pusher.close()

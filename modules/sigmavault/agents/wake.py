"""Nudge the agent service: one AF_UNIX datagram to <state_dir>/agents/wake.sock, so an enqueue or a
cancel from the CLI or the panel is seen at once rather than at the next tick (at most a second)."""

import contextlib
import socket
from pathlib import Path

from sigmavault.site import Site

SOCKET_NAME = "wake.sock"


def socket_path(site: Site) -> Path:
    return site.state_dir / "agents" / SOCKET_NAME


def nudge(site: Site) -> bool:
    """True when a service listened; False when none runs (the task waits in the queue all the same)."""
    return nudge_path(socket_path(site))


def nudge_path(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        try:
            sender.sendto(b"!", str(path))
        except BlockingIOError:
            return True      # the service's socket is full of nudges already: it will wake
        except OSError:
            return False
    return True


def listen(path: Path) -> socket.socket:
    """The service's end: a non-blocking datagram socket at path (a stale one from a dead service is
    replaced; service.lock guarantees no live service owns it)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    path.chmod(0o600)
    listener.setblocking(False)
    return listener


def drain(listener: socket.socket) -> None:
    with contextlib.suppress(BlockingIOError, InterruptedError):
        while listener.recv(64):
            pass

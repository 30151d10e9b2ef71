"""sd_notify for a `Type=notify` unit with a watchdog: READY=1, WATCHDOG=1, STATUS=…, STOPPING=1.

No dependency for it: the protocol is one datagram of text to the AF_UNIX socket named in $NOTIFY_SOCKET
(a leading "@" means the abstract namespace). Outside systemd (no $NOTIFY_SOCKET) every call is a no-op.
"""

import os
import socket
from collections.abc import Mapping


class Notifier:
    def __init__(self, environ: Mapping[str, str] = os.environ):
        self.address = environ.get("NOTIFY_SOCKET") or None
        if self.address and self.address.startswith("@"):
            self.address = "\0" + self.address[1:]
        self.watchdog_seconds = _watchdog_seconds(environ)

    def send(self, *fields: str) -> bool:
        if not self.address:
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            try:
                sender.sendto("\n".join(fields).encode(), self.address)
            except OSError:
                return False     # systemd went away (shutdown): nothing to tell
        return True

    def ready(self, status: str) -> bool:
        return self.send("READY=1", f"STATUS={status}")

    def status(self, status: str) -> bool:
        return self.send(f"STATUS={status}")

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")


def _watchdog_seconds(environ: Mapping[str, str]) -> float | None:
    """The interval systemd expects pings within ($WATCHDOG_USEC), when meant for this process."""
    usec, pid = environ.get("WATCHDOG_USEC"), environ.get("WATCHDOG_PID")
    if not usec or (pid and pid.isdigit() and int(pid) != os.getpid()):
        return None
    try:
        return int(usec) / 1_000_000 or None
    except ValueError:
        return None

"""`python -m sigmavault_panel serve` serves the panel with waitress on 127.0.0.1, and idle sockets cannot deny it."""

import socket
import subprocess
import urllib.request
from contextlib import ExitStack

from tests.panel.servers import served_panel

WAITRESS_DEFAULT_CONNECTION_LIMIT = 100
ANSWER_SECONDS = 60   # far less than waitress's defaults took to free a slot (120 s idle + 30 s sweep)


def health(url: str) -> int:
    with urllib.request.urlopen(f"{url}/api/v1/health/live", timeout=ANSWER_SECONDS) as answer:
        return answer.status


def idle_sockets(stack: ExitStack, port: int, count: int) -> list[socket.socket]:
    """Connections that never send a request (and one that stops half-way through its headers); all closed after."""
    made = []
    for n in range(count):
        sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=ANSWER_SECONDS))
        if n == 0:
            sock.sendall(b"GET /api/v1/health/live HTTP/1.1\r\nHost: x\r\n")
        made.append(sock)
    return made


def closed_by_the_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_the_module_serves_the_panel_on_loopback(tmp_path):
    with served_panel(tmp_path, "--threads", "4") as panel:
        answer = urllib.request.urlopen(f"{panel.url}/api/v1/health/live", timeout=ANSWER_SECONDS)
        assert answer.status == 200
        assert answer.headers["X-Frame-Options"] == "DENY" and "waitress" not in answer.headers.get("Server", "")
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{panel.port}"], capture_output=True, text=True).stdout
        assert [line.split()[3] for line in listening.splitlines()] == [f"127.0.0.1:{panel.port}"]


def test_more_idle_connections_than_waitress_allows_by_default_do_not_lock_anyone_out(tmp_path):
    with served_panel(tmp_path, "--threads", "4") as panel, ExitStack() as stack:
        idle = idle_sockets(stack, panel.port, WAITRESS_DEFAULT_CONNECTION_LIMIT + 50)
        assert health(panel.url) == 200
        # And the server lets go of them by itself (idle timeout), the half-sent request included.
        assert all(closed_by_the_server(sock) for sock in idle)


def test_when_idle_clients_hold_every_slot_the_server_cuts_them_and_answers(tmp_path):
    with served_panel(tmp_path, "--threads", "4", "--connection-limit", "16", "--idle-timeout", "2") as panel, \
            ExitStack() as stack:
        idle = idle_sockets(stack, panel.port, 24)
        assert health(panel.url) == 200   # waits in the listen queue until idle slots are freed
        assert all(closed_by_the_server(sock) for sock in idle)

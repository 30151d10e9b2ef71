"""Liveness probes (agents/builtin/probes.py) against real loopback sockets: a listener that never answers
(what a SIGSTOPped daemon looks like from outside), a closed port, and a real HTTP server. The SMB and
RPC probes against real smbd and NFS-Ganesha are in tests/system/test_agents_share_box.py."""

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest

from sigmavault.agents.builtin.probes import problem


@pytest.fixture
def silent() -> Iterator[int]:
    """A port whose connections the kernel accepts and nobody ever answers."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/live" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("kind", ["smb", "rpc", "http"])
def test_a_listener_that_never_answers_is_not_answering(silent, kind):
    assert problem({"kind": kind, "port": silent}, 0.3) == "no answer within 0.3 s"


def test_a_silent_netbios_port_is_not_answering(closed_port):
    assert problem({"kind": "netbios", "port": closed_port}, 0.3) in (
        "no answer within 0.3 s", "cannot reach it: Connection refused")


@pytest.mark.parametrize("kind", ["smb", "rpc", "http"])
def test_a_closed_port_cannot_be_reached(closed_port, kind):
    assert problem({"kind": kind, "port": closed_port}, 1) == "cannot reach it: Connection refused"


def test_an_http_health_check_answers(web):
    assert problem({"kind": "http", "port": web, "path": "/live", "ok_only": True}, 2) is None


def test_any_http_answer_proves_a_proxy_is_up_but_a_health_check_needs_2xx(web):
    assert problem({"kind": "http", "port": web, "path": "/down"}, 2) is None
    assert problem({"kind": "http", "port": web, "path": "/down", "ok_only": True}, 2) == \
        "GET /down answered HTTP 503"


@pytest.fixture
def chatty() -> Iterator[int]:
    """A server of another protocol: greets each connection with a line of text, whatever was asked."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.sendall(b"220 mail.example ESMTP ready\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.parametrize(("kind", "found"), [("smb", "it answered, but not with SMB2"),
                                             ("rpc", "it answered with a truncated RPC reply")])
def test_another_protocol_answering_is_not_the_service(chatty, kind, found):
    assert problem({"kind": kind, "port": chatty}, 2) == found

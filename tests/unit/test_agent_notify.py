import os
import socket
import threading
import time

from sigmavault.agents.notify import Notifier
from sigmavault.agents.outbox import Outbox


def test_ready_status_watchdog_and_stopping_reach_an_abstract_notify_socket():
    name = f"sigmavault-test-notify-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind("\0" + name)
        systemd.settimeout(10)
        notifier = Notifier({"NOTIFY_SOCKET": "@" + name, "WATCHDOG_USEC": "3000000"})
        assert notifier.watchdog_seconds == 3.0
        assert notifier.ready("2 agents") and notifier.watchdog() and notifier.stopping()
        assert [systemd.recv(100).decode() for _ in range(3)] == ["READY=1\nSTATUS=2 agents", "WATCHDOG=1",
                                                                  "STOPPING=1"]


def test_a_path_socket_works_and_no_socket_is_a_quiet_no_op(tmp_path):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as systemd:
        systemd.bind(str(path))
        systemd.settimeout(10)
        assert Notifier({"NOTIFY_SOCKET": str(path)}).status("busy")
        assert systemd.recv(100) == b"STATUS=busy"
    assert not Notifier({}).ready("x")
    assert Notifier({}).watchdog_seconds is None


def test_a_watchdog_meant_for_another_process_is_not_ours():
    assert Notifier({"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getpid() + 1)}).watchdog_seconds is None
    assert Notifier({"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getpid())}).watchdog_seconds == 1.0


def test_the_outbox_sends_in_order_and_a_slow_bus_never_blocks_the_caller():
    sent, gate = [], threading.Event()

    def slow(tag, data):
        gate.wait(30)
        sent.append(tag)
    outbox = Outbox(slow, limit=3)
    started = time.monotonic()
    for n in range(10):
        outbox(f"t{n}", {})          # the bus is stuck: the caller goes on, the overflow is dropped
    assert time.monotonic() - started < 5
    gate.set()
    outbox.close()
    assert sent[0] == "t0" and sent == sorted(sent, key=lambda tag: int(tag[1:])) and len(sent) <= 4

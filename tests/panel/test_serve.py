"""`python -m sigmavault_panel` serves the panel with waitress on 127.0.0.1."""

import socket
import subprocess
import sys
import time
import urllib.request

import yaml

from tests.panel.conftest import PILLAR


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_module_serves_the_panel_on_loopback(tmp_path):
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "sigmavault.sls").write_text(yaml.safe_dump(PILLAR))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "sigmavault_panel", "serve", "--pillar", str(pillar),
                               "--state-dir", str(tmp_path / "state"), "--port", str(port), "--threads", "4"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answer = time.monotonic() + 20, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=2)
            except OSError:
                time.sleep(0.2)
        assert answer is not None and answer.status == 200
        assert answer.headers["X-Frame-Options"] == "DENY" and "waitress" not in answer.headers.get("Server", "")
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True).stdout
        assert [line.split()[3] for line in listening.splitlines()] == [f"127.0.0.1:{port}"]
    finally:
        server.terminate()
        server.wait(10)

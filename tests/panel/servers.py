"""The panel as `python -m sigmavault_panel serve` runs it (a real waitress), started and stopped by a test."""

import queue
import shlex
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import yaml

from tests.panel.conftest import PILLAR

REPO = Path(__file__).resolve().parents[2]
PANEL_UNIT = REPO / "live-build/config/includes.chroot/etc/systemd/system/sigmavault-panel.service"
READY_SECONDS = 60


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def image_serve_options() -> list[str]:
    """The options the image's unit gives `serve` (its ExecStart), without the interpreter and the port."""
    [line] = [line for line in PANEL_UNIT.read_text().splitlines() if line.startswith("ExecStart=")]
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[1:4] == ["-m", "sigmavault_panel", "serve"], argv
    options = argv[4:]
    del options[options.index("--port"):options.index("--port") + 2]
    return options


class Panel:
    def __init__(self, process: subprocess.Popen, port: int, lines: "queue.Queue[str]"):
        self.process, self.port, self.lines = process, port, lines
        self.url = f"http://127.0.0.1:{port}"


@contextmanager
def served_panel(tmp_path: Path, *options: str):
    """`serve` on a free loopback port with a throwaway pillar; yields once waitress says it is listening."""
    pillar = tmp_path / "pillar"
    pillar.mkdir(exist_ok=True)
    (pillar / "sigmavault.sls").write_text(yaml.safe_dump(PILLAR))
    port = free_port()
    argv = [sys.executable, "-m", "sigmavault_panel", "serve", "--pillar", str(pillar), "--state-dir",
            str(tmp_path / "state"), *options, "--port", str(port)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put("")   # end of output: the server exited
    threading.Thread(target=pump, daemon=True).start()
    try:
        seen = []
        while True:   # waitress logs "Serving on …" once its socket listens
            line = lines.get(timeout=READY_SECONDS)
            seen.append(line)
            assert line, f"serve exited before listening: {''.join(seen)}"
            if "Serving on" in line:
                break
        yield Panel(process, port, lines)
    finally:
        process.terminate()
        process.wait(30)

"""Self-heal's probe of the panel (agents/builtin/self_heal.py) against the panel as the image serves it:
it answers while the panel does, and a stopped (SIGSTOP) panel, which keeps its pid and its socket, does not."""

import os
import signal

from sigmavault.agents.builtin import probes, self_heal
from tests.panel.servers import PANEL_UNIT, image_serve_options, served_panel


def test_the_probe_asks_the_port_the_image_unit_serves_on():
    [exec_start] = [line for line in PANEL_UNIT.read_text().splitlines() if line.startswith("ExecStart=")]
    _unit, probe = self_heal.SERVICES["sigmavault-panel"]
    assert f"--port {probe['port']}" in exec_start


def test_the_panel_probe_passes_on_the_live_panel_and_fails_on_a_stopped_one(tmp_path):
    _unit, probe = self_heal.SERVICES["sigmavault-panel"]
    with served_panel(tmp_path, *image_serve_options()) as panel:
        here = {**probe, "port": panel.port}
        assert probes.problem(here, 5) is None
        os.kill(panel.process.pid, signal.SIGSTOP)
        try:
            assert probes.problem(here, 1) == "no answer within 1 s"
        finally:
            os.kill(panel.process.pid, signal.SIGCONT)
        assert probes.problem(here, 5) is None

"""The agents state with real salt-call: a highstate writes config.json and starts the real sigmavault-agents
(start-stop-daemon here, where systemd is not PID 1), a second changes nothing, a new pillar rewrites the
config without a restart, `enabled: false` stops the service, and a bad agents pillar changes nothing."""

import json
import os
from pathlib import Path

import pytest

from sigmavault.agents import wake
from sigmavault.agents.config import config_path, config_text, runtime_config
from sigmavault.agents.service_facts import service_pid
from sigmavault.verdict import validate_pillar
from tests.system.agents_box import alive, read_store, stopping_service, until, write_agents_pillar


@pytest.fixture
def agents_box(box):
    with stopping_service(box.site):
        yield box

def _service(box) -> dict:
    return box.highstate()["run_agent_service"].__dict__


def _cmdline(pid: int) -> list[str]:
    return [part.decode() for part in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if part]


def test_highstate_starts_the_agent_service_and_a_second_changes_nothing(agents_box):
    box, site = agents_box, agents_box.site
    declared = write_agents_pillar(box, quiet_hours={"start": "22:00", "end": "06:00"}, workers=3)

    predicted = box.highstate(test=True)["run_agent_service"]
    assert predicted.result is None
    assert predicted.changes["would"] == [f"make the agents folder {site.state_dir / 'agents'} (root only)",
                                          f"write the agents' config {config_path(site)}", "start the agent service"]
    assert not config_path(site).exists() and service_pid(site) is None     # test=True changed nothing

    first = box.highstate()
    started = first["run_agent_service"]
    assert (started.result, len(started.changes["done"])) == (True, 3), started.comment
    order = [s.id for s in sorted(first.values(), key=lambda s: s.order)]
    assert order.index("prepare_compression_jobs") < order.index("run_agent_service") < order.index(
        "install_panel_pam_service")

    document = validate_pillar({"sigmavault": declared}).document
    assert config_path(site).read_text() == config_text(runtime_config(document, site))
    config = json.loads(config_path(site).read_text())
    assert (config["workers"], config["quiet_hours"]) == (3, {"start": "22:00", "end": "06:00", "zone": "UTC"})
    assert (site.state_dir / "agents").stat().st_mode & 0o777 == 0o700

    pid = service_pid(site)
    assert pid is not None and _cmdline(pid)[-2:] == ["--state-dir", str(site.state_dir)]
    assert Path(_cmdline(pid)[1]).name == "sigmavault-agents"
    assert wake.nudge(site)                                   # it listens
    agents = until(lambda: read_store(site, lambda s: {a["name"]: a["status"] for a in s.agents()}),
                   "the service registers the box's agents")
    assert agents["self_heal"] == "disabled" and agents["housekeeping"] == "idle"

    second = box.highstate()
    assert [s.id for s in second.values() if s.changes] == []
    assert second["run_agent_service"].comment == "the agent service is as declared"
    assert service_pid(site) == pid

    write_agents_pillar(box, workers=1)                       # config.json changes: the service rereads it
    third = box.highstate()["run_agent_service"]
    assert third.changes == {"done": [f"write the agents' config {config_path(site)}"]}
    assert json.loads(config_path(site).read_text())["workers"] == 1
    assert service_pid(site) == pid                           # no restart


def test_enabled_false_stops_the_service_and_true_starts_it_again(agents_box):
    box, site = agents_box, agents_box.site
    write_agents_pillar(box)
    box.highstate()
    pid = service_pid(site)
    assert pid is not None

    write_agents_pillar(box, enabled=False)
    stopped = box.highstate()["run_agent_service"]
    assert stopped.changes["done"][-1] == "stop the agent service (agents.enabled: false)"
    assert not alive(pid) and service_pid(site) is None
    assert not wake.nudge(site)
    assert [s.id for s in box.highstate().values() if s.changes] == []

    write_agents_pillar(box)
    again = box.highstate()["run_agent_service"]
    assert again.changes == {"done": ["start the agent service"]}
    assert service_pid(site) not in (None, pid)


def test_a_bad_agents_pillar_is_refused_by_its_key_and_nothing_is_made(agents_box):
    box, site = agents_box, agents_box.site
    write_agents_pillar(box, drift={"schedule": "@every 0s"}, quiet_hours={"start": "03:00", "end": "03:00"})

    results = box.highstate()
    validated = results["validate_pillar_and_disks"]
    assert validated.result is False
    assert "sigmavault.agents.drift.schedule: schedule '@every 0s' is not an interval" in validated.comment
    assert "sigmavault.agents.quiet_hours: start and end are both 03:00" in validated.comment
    assert "run_agent_service" not in results or results["run_agent_service"].result is False
    assert not (site.state_dir / "agents").exists()          # no folder, no config.json, no database
    assert service_pid(site) is None
    assert not any(Path(f"/proc/{pid}/cmdline").exists() and str(site.state_dir).encode()
                   in Path(f"/proc/{pid}/cmdline").read_bytes() for pid in os.listdir("/proc") if pid.isdigit())

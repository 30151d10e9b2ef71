"""The agent service's config.json (agents/config.py) and the state's plan for the service
(agents/service_plan.py, agents/unit.py): pillar and facts in, config and steps out."""

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from sigmavault.agents.config import config_path, config_text, read_config, runtime_config
from sigmavault.agents.registry import Agent, Outcome, Subject
from sigmavault.agents.service_facts import (
    Program,
    ServiceFacts,
    code_files,
    descends_from,
    installed_program,
    newest_change,
    parent_pid,
    process_start_time,
    read_facts,
)
from sigmavault.agents.service_plan import plan_service
from sigmavault.agents.unit import unit_path, unit_text
from sigmavault.records import RecordDamaged
from sigmavault.site import Site
from sigmavault.verdict import validate_pillar

from .builders import pillar


def _ok(ctx) -> Outcome:
    return Outcome(True, "done")


def _echo_settings(document: dict, site: Site) -> dict:
    return {"rotation_days": document["encryption"]["rotation_days"], "state_dir": str(site.state_dir)}


WATCH = Agent("drift", "Watches for drift.", 40, "@every 1h", _ok)
ROTATE = Agent("key_rotation", "Rotates the key.", 60, "@daily", _ok, settings=_echo_settings)
SQUEEZE = Agent("compression", "Runs jobs.", 20, None, _ok, subjects=lambda s: [Subject("docs", pool="tank")],
                heavy=True)
AGENTS = (WATCH, ROTATE, SQUEEZE)


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "etc").mkdir()
    return Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state", fstab=tmp_path / "fstab",
                etc=tmp_path / "etc")


def _document(**domains) -> dict:
    verdict = validate_pillar(pillar(**domains))
    assert verdict.ok, [str(e) for e in verdict.errors]
    return verdict.document


def test_every_agent_appears_with_its_own_schedule_unless_the_pillar_overrides_it(site):
    config = runtime_config(_document(agents={"drift": {"schedule": "@every 5m", "jitter_seconds": 7},
                                              "compression": {"enabled": False}}), site, AGENTS)
    assert config["agents"] == {
        "compression": {"enabled": False, "schedule": None, "jitter_seconds": 60, "settings": {}},
        "drift": {"enabled": True, "schedule": "@every 5m", "jitter_seconds": 7, "settings": {}},
        "key_rotation": {"enabled": True, "schedule": "@daily", "jitter_seconds": 60,
                         "settings": {"rotation_days": 30, "state_dir": str(site.state_dir)}},
    }


def test_the_runtime_part_follows_the_pillar(site):
    config = runtime_config(_document(system={"timezone": "Europe/Berlin"}, agents={
        "workers": 4, "history_days": 30, "breaker": {"failures": 5, "window_minutes": 10},
        "quiet_hours": {"start": "22:00", "end": "06:00"}}), site, AGENTS)
    assert {key: value for key, value in config.items() if key != "agents"} == {
        "version": 1,
        "site": {"pillar_dir": str(site.pillar_dir), "state_dir": str(site.state_dir), "fstab": str(site.fstab),
                 "etc": str(site.etc)},
        "workers": 4,
        "quiet_hours": {"start": "22:00", "end": "06:00", "zone": "Europe/Berlin"},
        "history_days": 30,
        "breaker": {"failures": 5, "window_seconds": 600},
    }


def test_quiet_hours_keep_the_boxs_own_zone_when_the_pillar_names_none(site):
    document = _document(agents={"quiet_hours": {"start": "01:00", "end": "05:00"}})
    assert runtime_config(document, site, AGENTS)["quiet_hours"]["zone"] == "UTC"
    (site.etc / "timezone").write_text("America/New_York\n")
    assert runtime_config(document, site, AGENTS)["quiet_hours"]["zone"] == "America/New_York"


def test_no_quiet_hours_is_null(site):
    assert runtime_config(_document(), site, AGENTS)["quiet_hours"] is None


def test_the_boxs_own_agents_are_all_listed_by_default(site):
    from sigmavault.agents.builtin import BUILTIN

    config = runtime_config(_document(), site)
    assert set(config["agents"]) == {agent.name for agent in BUILTIN}
    json.dumps(config)    # the whole of it is JSON


def test_the_same_pillar_makes_the_same_bytes_and_the_service_reads_them_back(site, tmp_path):
    text = config_text(runtime_config(_document(), site, AGENTS))
    assert text == config_text(runtime_config(_document(), site, AGENTS))
    path = tmp_path / "config.json"
    path.write_text(text)
    assert read_config(path) == json.loads(text)


@pytest.mark.parametrize("content, said", [
    ("{\"version\": 1, \"agents\": {}, ", "is not valid JSON"),
    ("[]", "holds a list where a mapping"),
    ("{\"version\": 2, \"agents\": {}, \"site\": {}}", "is version 2"),
    ("{\"version\": 1}", "lacks its agents or site"),
])
def test_a_damaged_config_names_the_file_and_the_remedy(tmp_path, content, said):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(RecordDamaged) as raised:
        read_config(path)
    assert said in str(raised.value) and str(path) in str(raised.value) and "sigmavault apply" in str(raised.value)


# --- the service plan -------------------------------------------------------------------------------------

BINARY = Path("/opt/sv/bin/sigmavault-agents")
PROGRAM = Program((str(BINARY),), BINARY)


def _facts(**changes) -> ServiceFacts:
    """A box where everything is as declared: folder, config and service running since after its binary."""
    base = ServiceFacts(systemd=False, program=PROGRAM, program_changed=1000.0, folder_mode=0o700,
                        config_text="{}\n", unit_text=None, running=True, enabled=True, started=2000.0)
    return replace(base, **changes)


def _summaries(plan) -> list[str]:
    return [step.summary for step in plan.steps]


def test_nothing_to_do_when_the_service_runs_as_declared(site):
    plan = plan_service(_document(), site, "{}\n", _facts())
    assert (plan.steps, plan.refusals) == ([], [])


def test_a_fresh_box_gets_its_folder_its_config_and_a_started_service(site):
    plan = plan_service(_document(), site, "{\"version\": 1}\n",
                        _facts(folder_mode=None, config_text=None, running=False, started=None))
    folder, config, start = plan.steps
    assert folder.commands == (("install", "-d", "-m", "0700", str(site.state_dir / "agents")),)
    assert config.writes == ((str(config_path(site)), "{\"version\": 1}\n"),)
    launch = start.commands[0]
    assert launch[:2] == ("start-stop-daemon", "--start")
    assert {"--background", "--make-pidfile", "--notify-await"} <= set(launch)
    assert launch[launch.index("--pidfile") + 1] == str(site.state_dir / "agents" / "agents.pid")
    assert launch[launch.index("--startas") + 1:] == (str(BINARY), "--", "--state-dir", str(site.state_dir))


def test_a_new_config_is_written_without_restarting_the_service(site):
    plan = plan_service(_document(), site, "{\"workers\": 3}\n", _facts())
    assert _summaries(plan) == [f"write the agents' config {config_path(site)}"]
    assert plan.steps[0].commands == ()


def test_a_folder_open_to_others_is_closed(site):
    assert _summaries(plan_service(_document(), site, "{}\n", _facts(folder_mode=0o755))) == [
        f"make the agents folder {site.state_dir / 'agents'} (root only)"]


def test_a_program_newer_than_the_running_service_restarts_it(site):
    plan = plan_service(_document(), site, "{}\n", _facts(program_changed=3000.0))
    assert _summaries(plan) == ["restart the agent service (its code changed since it started)"]
    stop, start = plan.steps[0].commands[0], plan.steps[0].commands[1]
    assert stop[:2] == ("start-stop-daemon", "--stop") and "--remove-pidfile" in stop
    assert start[:2] == ("start-stop-daemon", "--start")


def test_an_apply_made_inside_the_service_does_not_restart_it(site):
    """drift's converge is a salt-call under the service: restarting the service would kill that apply."""
    assert plan_service(_document(), site, "{}\n", _facts(program_changed=3000.0, planned_by_service=True)).steps == []


def test_on_systemd_an_apply_inside_the_service_writes_a_changed_unit_and_leaves_the_restart_for_later(site):
    plan = plan_service(_document(), site, "{}\n", _facts(systemd=True, unit_text="[Unit]\nold\n",
                                                         planned_by_service=True))
    [step] = plan.steps
    assert step.commands == (("systemctl", "daemon-reload"),)
    assert "the restart waits for the next apply not made by an agent" in step.summary


def test_a_process_descends_from_its_forebears_only():
    parents = {40: 30, 30: 20, 20: 1, 1: None, 50: 20, 60: 60}
    assert descends_from(40, 20, parents.get) and descends_from(40, 40, parents.get)
    assert not descends_from(50, 30, parents.get) and not descends_from(20, 40, parents.get)
    assert not descends_from(60, 20, parents.get)     # a loop in the data ends the walk
    assert descends_from(os.getpid(), os.getppid(), parent_pid)
    with subprocess.Popen(["sleep", "600"]) as sibling:
        try:
            assert not descends_from(os.getpid(), sibling.pid, parent_pid)
        finally:
            sibling.kill()


def test_the_services_code_is_its_entry_point_and_the_agents_package(tmp_path):
    files = code_files(PROGRAM)
    assert BINARY in files and any(f.name == "agents_service.py" for f in files)
    assert any(f.parent.name == "builtin" and f.name == "drift.py" for f in files)
    old, new = tmp_path / "old.py", tmp_path / "new.py"
    old.write_text("")
    new.write_text("")
    os.utime(old, (1000, 1000))
    os.utime(new, (3000, 3000))
    assert newest_change([old, tmp_path / "gone.py", new]) == 3000
    assert newest_change([tmp_path / "gone.py"]) is None


def test_enabled_false_stops_a_running_service_and_leaves_a_stopped_one(site):
    document = _document(agents={"enabled": False})
    assert _summaries(plan_service(document, site, "{}\n", _facts())) == [
        "stop the agent service (agents.enabled: false)"]
    assert plan_service(document, site, "{}\n", _facts(running=False)).steps == []


def test_a_missing_program_refuses_with_the_key_to_change(site):
    plan = plan_service(_document(), site, "{}\n", _facts(program=None, running=False))
    assert plan.steps == []
    assert [e.path for e in plan.refusals] == ["sigmavault.agents.enabled"]
    assert "is not installed" in plan.refusals[0].message and "sigmavault-agents" in plan.refusals[0].message
    assert plan_service(_document(agents={"enabled": False}), site, "{}\n",
                        _facts(program=None, running=False)).refusals == []


def test_on_systemd_the_unit_is_written_and_systemd_reloaded_first(site):
    plan = plan_service(_document(), site, "{}\n", _facts(systemd=True, unit_text=None, running=False,
                                                         enabled=False))
    [step] = plan.steps
    assert step.writes == ((str(unit_path(site)), unit_text(PROGRAM.command, site.state_dir)),)
    assert step.commands == (("systemctl", "daemon-reload"),)
    assert str(unit_path(site)) == str(site.etc / "systemd" / "system" / "sigmavault-agents.service")


def test_on_systemd_a_changed_unit_restarts_the_running_service(site):
    plan = plan_service(_document(), site, "{}\n", _facts(systemd=True, unit_text="[Unit]\nold\n"))
    assert plan.steps[0].commands == (("systemctl", "daemon-reload"), ("systemctl", "restart",
                                                                         "sigmavault-agents.service"))


def test_on_systemd_a_stopped_service_is_enabled_and_started(site):
    unit = unit_text(PROGRAM.command, site.state_dir)
    plan = plan_service(_document(), site, "{}\n", _facts(systemd=True, unit_text=unit, running=False,
                                                         enabled=False))
    assert [step.commands for step in plan.steps] == [(("systemctl", "enable", "--now", "sigmavault-agents.service"),)]
    assert plan_service(_document(agents={"enabled": False}), site, "{}\n",
                        _facts(systemd=True, unit_text=unit, running=False, enabled=True)).steps[0].commands == (
        ("systemctl", "disable", "sigmavault-agents.service"),)


def test_the_unit_is_a_notify_service_with_a_watchdog_that_restarts_on_failure():
    text = unit_text(PROGRAM.command, Path("/var/lib/sigmavault"))
    lines = set(text.splitlines())
    assert {"Type=notify", "NotifyAccess=main", "WatchdogSec=30", "Restart=on-failure", "RestartSec=5",
            f"ExecStart={BINARY} --state-dir /var/lib/sigmavault", "WantedBy=multi-user.target"} <= lines
    assert any(line.startswith("After=") and "local-fs.target" in line for line in lines)
    # A namespace of its own would hide the pools a converge from the service mounts.
    assert not any(line.startswith(("PrivateTmp", "ProtectSystem", "ProtectHome", "PrivateDevices"))
                   for line in lines)


def test_the_unit_quotes_a_path_with_a_space():
    text = unit_text(("/opt/my box/sigmavault-agents",), Path("/s"))
    assert 'ExecStart="/opt/my box/sigmavault-agents" --state-dir /s' in text


def test_systemd_reads_back_a_path_with_a_specifier_a_dollar_quotes_and_a_backslash(tmp_path):
    """% would be a specifier and $ a variable to systemd; " and the backslash end or escape a quoted word."""
    program = tmp_path / "my %n box" / "sigmavault-agents"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    unit = tmp_path / "sigmavault-agents.service"
    unit.write_text(unit_text((str(program),), Path('/s $HOME "q" \\ 100%')))
    assert f'ExecStart="{tmp_path}/my %%n box/sigmavault-agents" --state-dir "/s $$HOME \\"q\\" \\\\ 100%%"' in (
        unit.read_text().splitlines())
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    about_ours = [line for line in done.stderr.splitlines() if str(unit) in line or "sigmavault-agents" in line]
    assert (done.returncode, about_ours) == (0, [])


# --- facts read from the machine ---------------------------------------------------------------------------

@pytest.fixture
def fake_service(tmp_path: Path, site: Site):
    """A stand-in program named sigmavault-agents, run the way the service is, its pid in the pid file."""
    program = tmp_path / "bin" / "sigmavault-agents"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\necho ready\nwhile :; do sleep 0.2; done\n")
    program.chmod(0o755)
    (site.state_dir / "agents").mkdir(parents=True, mode=0o700)
    process = subprocess.Popen(["/bin/sh", str(program), "--state-dir", str(site.state_dir)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"     # it runs as the program now, not as our fork
    (site.state_dir / "agents" / "agents.pid").write_text(f"{process.pid}\n")
    try:
        yield program, process
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def test_the_service_in_the_pid_file_is_found_running_with_its_start_time(site, fake_service):
    program, process = fake_service
    facts = read_facts(site, Program((str(program),), program))
    assert facts.running and facts.folder_mode == 0o700 and facts.config_text is None
    assert facts.program_changed == newest_change(code_files(Program((str(program),), program)))
    assert facts.program_changed >= program.stat().st_mtime and not facts.planned_by_service
    started = process_start_time(process.pid)
    assert started is not None and abs(started - facts.started) < 1e-6
    assert started <= Path(f"/proc/{process.pid}").stat().st_mtime + 2


def test_a_pid_the_kernel_gave_to_another_program_is_not_the_service(site, fake_service):
    program, process = fake_service
    (site.state_dir / "agents" / "agents.pid").write_text(f"{os.getpid()}\n")
    assert not read_facts(site, Program((str(program),), program)).running


def test_a_dead_service_is_not_running(site, fake_service):
    program, process = fake_service
    process.kill()
    process.wait()
    assert not read_facts(site, Program((str(program),), program)).running


def test_without_its_script_the_service_runs_as_pythons_module(site, monkeypatch, tmp_path):
    """The image puts the library on Python's path without console scripts."""
    monkeypatch.setattr("sys.executable", str(tmp_path / "nowhere" / "python3"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    program = installed_program()
    assert program.command == (str(tmp_path / "nowhere" / "python3"), "-m", "sigmavault.cli.agents_service")
    assert program.file.name == "agents_service.py" and program.file.is_file()
    assert f"ExecStart={tmp_path}/nowhere/python3 -m sigmavault.cli.agents_service --state-dir /s" in unit_text(
        program.command, Path("/s"))
    launch = plan_service(_document(), site, "{}\n", _facts(program=program, running=False)).steps[0].commands[0]
    assert launch[launch.index("--startas") + 1:] == (
        str(tmp_path / "nowhere" / "python3"), "--", "-m", "sigmavault.cli.agents_service", "--state-dir",
        str(site.state_dir))


def test_the_installed_script_comes_first():
    program = installed_program()
    assert Path(program.command[0]).name == "sigmavault-agents" and program.file == Path(program.command[0])


def test_systemd_reads_the_unit_without_a_complaint(tmp_path):
    """systemd's own parser (systemd-analyze verify): every directive is known and every value parses."""
    unit = tmp_path / "sigmavault-agents.service"
    unit.write_text(unit_text(installed_program().command, Path("/var/lib/sigmavault")))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    about_ours = [line for line in done.stderr.splitlines() if str(unit) in line or "sigmavault-agents" in line]
    assert (done.returncode, about_ours) == (0, [])

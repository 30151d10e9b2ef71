"""Daemons brought to their wanted state: through systemd where it runs, by their own commands elsewhere."""

import os
from pathlib import Path

import pytest

from sigmavault import services
from sigmavault.services import Daemon


def daemon(tmp_path: Path) -> Daemon:
    return Daemon("smbd", ("smbd", "--daemon"), tmp_path / "smbd.pid", ("smbcontrol", "smbd", "reload-config"))


@pytest.fixture
def no_systemd(monkeypatch):
    monkeypatch.setattr(services, "systemd_runs", lambda: False)


def test_without_systemd_a_stopped_daemon_is_started_and_waited_for(tmp_path, no_systemd):
    [start, wait] = services.converge_commands(daemon(tmp_path), config_changed=True)
    assert start == ["smbd", "--daemon"]
    assert wait[:3] == ["timeout", "15", "sh"] and str(tmp_path / "smbd.pid") in wait[-1]


def test_without_systemd_a_running_daemon_rereads_a_changed_config_and_is_otherwise_left(tmp_path, no_systemd):
    (tmp_path / "smbd.pid").write_text(f"{os.getpid()}\n")    # a live pid: this test's own
    assert services.converge_commands(daemon(tmp_path), config_changed=True) == [
        ["smbcontrol", "smbd", "reload-config"]]
    assert services.converge_commands(daemon(tmp_path), config_changed=False) == []
    assert services.converge_commands(daemon(tmp_path), False, wanted=False)[0] == ["kill", "-TERM", str(os.getpid())]


def test_a_stale_pid_file_counts_as_stopped(tmp_path, no_systemd):
    (tmp_path / "smbd.pid").write_text("999999999\n")
    assert not services.running(daemon(tmp_path))
    assert services.converge_commands(daemon(tmp_path), False, wanted=False) == []


def test_under_systemd_the_unit_is_enabled_started_and_reloaded(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "systemd_runs", lambda: True)
    monkeypatch.setattr(services, "running", lambda d: False)
    assert services.converge_commands(daemon(tmp_path), True) == [["systemctl", "enable", "--now", "smbd"]]
    monkeypatch.setattr(services, "running", lambda d: True)
    monkeypatch.setattr(services, "enabled", lambda d: False)
    assert services.converge_commands(daemon(tmp_path), True) == [
        ["systemctl", "enable", "smbd"], ["systemctl", "reload-or-restart", "smbd"]]

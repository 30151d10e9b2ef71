"""Host name and time zone from pillar. Runs in its own UTS namespace and etc folder: the host keeps its name."""

import os
import shlex
import socket
import subprocess

from tests.system.loopdisks import sh


def test_host_name_and_time_zone_are_set_then_left_alone(box):
    box.write_pillar({"system": {"hostname": "nas-test", "timezone": "Europe/Berlin"}})
    apply = shlex.join(box.cli_argv("apply"))
    script = f"{apply} && {apply} && hostname"
    env = {**os.environ, "SIGMAVAULT_ETC": str(box.site.etc)}
    run = subprocess.run(["unshare", "--uts", "bash", "-c", script], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    summaries = [line for line in run.stdout.splitlines() if " states: " in line]
    # first apply: host, node key, the panel's PAM file and the agent service; second: nothing
    assert [s.split(": ")[1].split(",")[0] for s in summaries] == ["4 changed", "0 changed"]
    assert "set host name to nas-test" in run.stdout and "set time zone to Europe/Berlin" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "nas-test"
    assert (box.site.etc / "hostname").read_text() == "nas-test\n"
    assert (box.site.etc / "timezone").read_text() == "Europe/Berlin\n"
    assert "127.0.1.1\tnas-test\n" in (box.site.etc / "hosts").read_text()
    assert os.readlink(box.site.etc / "localtime") == "/usr/share/zoneinfo/Europe/Berlin"
    assert socket.gethostname() != "nas-test"


def test_unknown_time_zone_is_refused_with_its_key(box):
    box.write_pillar({"system": {"timezone": "Mars/Olympus_Mons"}})
    run = box.cli("apply")
    assert run.returncode == 1
    assert "sigmavault.system.timezone" in run.stdout and "Mars/Olympus_Mons" in run.stdout
    assert not (box.site.etc / "timezone").exists() and sh("hostname").stdout.strip() == socket.gethostname()

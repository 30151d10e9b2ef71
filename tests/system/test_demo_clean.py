"""`make demo-clean` undoes what the demo made and only that: in a private copy of the host's /etc, an
account, group, smb.conf (with smbd serving it), PAM file and folder the demo made are gone afterwards, and
what the host had before is left or put back as it was."""

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from sigmavault import demo, demo_record, steps, tree
from sigmavault.agents.config import config_text, runtime_config
from sigmavault.agents.service_facts import read_facts, service_pid
from sigmavault.agents.service_plan import plan_service
from sigmavault.command import run
from sigmavault.services import running, start_commands
from sigmavault.shares.smb_conf import HEADER
from sigmavault.shares.smb_plan import smbd
from sigmavault.site import Site
from sigmavault.verdict import validate_pillar
from tests.system.agents_box import QUIET_AGENTS, alive
from tests.system.loopdisks import require_root
from tests.system.sandbox import private_host_files

HOST_SMB_CONF = "[global]\n   workgroup = HOSTS-OWN\n"


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _group_exists(name: str) -> bool:
    return subprocess.run(["getent", "group", name], capture_output=True, check=False).returncode == 0


@pytest.fixture
def host(tmp_path, monkeypatch):
    reason = require_root()
    if reason:
        pytest.skip(reason)
    monkeypatch.setattr(demo_record, "RECORD", tmp_path / "demo" / "before-demo.json")
    monkeypatch.setattr(demo_record, "SAVED", tmp_path / "demo" / "saved")
    with private_host_files(tmp_path / "host"):
        yield tmp_path


def test_demo_clean_removes_what_the_demo_made_and_restores_what_it_replaced(host):
    mountpoint = host / "srv" / "tank"
    document = {"users": {"accounts": {"svdemo_new": {}, "svdemo_old": {}}, "groups": {"svdemo_grp": {}}},
                "storage": {"disks": {}, "pools": {"tank": {"mountpoint": str(mountpoint), "datasets": {}}}}}
    run(["useradd", "--no-create-home", "svdemo_old"])            # the host had this one before the demo
    Path(demo_record.SMB_CONF).write_text(HOST_SMB_CONF)
    demo_record.remember(document)
    # What applying the demo's pillar does to the host:
    run(["groupadd", "svdemo_grp"])
    run(["useradd", "--no-create-home", "--gid", "svdemo_grp", "svdemo_new"])
    demo_record.before_making(accounts=("svdemo_admin",), groups=("svdemo_admins",))
    run(["groupadd", "svdemo_admins"])
    run(["useradd", "--no-create-home", "--gid", "svdemo_admins", "svdemo_admin"])
    Path(demo_record.SMB_CONF).write_text(HEADER + f"[global]\n   smb ports = 445\n\n[media]\n   path = {mountpoint}\n")
    demo_record.PAM_FILE.write_text("auth required pam_unix.so\n")
    mountpoint.mkdir(parents=True)
    for command in start_commands(smbd(demo_record.SMB_CONF)):
        run(command)
    assert running(smbd(demo_record.SMB_CONF))

    demo.down(document)

    assert not running(smbd(demo_record.SMB_CONF))
    assert Path(demo_record.SMB_CONF).read_text() == HOST_SMB_CONF
    assert not _exists("svdemo_new") and not _exists("svdemo_admin")
    assert not _group_exists("svdemo_grp") and not _group_exists("svdemo_admins")
    assert _exists("svdemo_old")
    assert not demo_record.PAM_FILE.exists()
    assert not mountpoint.exists()


def test_a_second_demo_keeps_the_first_record(host):
    document = {"users": {"accounts": {"svdemo_new": {}}, "groups": {}}, "storage": {"disks": {}, "pools": {}}}
    demo_record.remember(document)
    run(["useradd", "--no-create-home", "svdemo_new"])
    assert demo_record.remember(document).accounts == ["svdemo_new"]
    assert os.path.exists(demo_record.RECORD)


def test_demo_clean_stops_the_agent_service_the_demo_started(host, monkeypatch):
    monkeypatch.setenv("SIGMAVAULT_STATE_DIR", str(host / "state"))
    site = Site.from_environment(pillar_dir=str(tree.example_pillar_dir()))
    document = validate_pillar({"sigmavault": {"agents": QUIET_AGENTS}}).document
    text = config_text(runtime_config(document, site))
    steps.converge(lambda: plan_service(document, site, text, read_facts(site)))   # what the demo's apply does
    pid = service_pid(site)
    assert pid is not None and site.state_dir == host / "state"

    demo.down({"storage": {"disks": {}, "pools": {}}})

    assert service_pid(site) is None and not alive(pid)

"""`sigmavault reseal` and `keys recover` hold the box as an apply does (agents/boxlock.py): they never
reseal beside the key_rotation agent, and while agent work holds the box they refuse with nothing changed."""

import pytest
from click.testing import CliRunner

from sigmavault.agents import boxlock
from sigmavault.cli import keys
from sigmavault.cli.main import cli
from sigmavault.encryption import nodekey
from sigmavault.site import Site

KEY = "sigmavault.encryption.secrets.api_token"


@pytest.fixture
def run(tmp_path):
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "site.sls").write_text("sigmavault:\n  encryption:\n    secrets: {}\n")

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, ["--pillar", str(pillar), "--state-dir", str(tmp_path / "state"), *args],
                                  input=input, catch_exceptions=False)
    invoke.pillar, invoke.state = pillar, tmp_path / "state"
    invoke.site = Site(pillar_dir=pillar, state_dir=tmp_path / "state")
    assert invoke("keys", "gen").exit_code == 0
    assert invoke("seal", "site.sls", KEY, input="s3cret").exit_code == 0
    return invoke


@pytest.mark.parametrize("command", [("reseal",), ("keys", "recover", "--identity", "{node_key}")])
def test_while_agent_work_holds_the_box_a_reseal_refuses_and_changes_nothing(run, monkeypatch, command):
    monkeypatch.setattr(keys, "BOX_WAIT_SECONDS", 0.2)
    node_key = str(nodekey.load(run.state).path)
    before = (nodekey.load(run.state).recipient, (run.pillar / "site.sls").read_text())
    task = boxlock.try_shared(run.site)          # what the running key_rotation agent holds
    assert task is not None
    try:
        refused = run(*(part.format(node_key=node_key) for part in command))
    finally:
        boxlock.release(task)
    assert refused.exit_code == 1
    assert "did not start, nothing changed: the box is held" in refused.output
    assert (nodekey.load(run.state).recipient, (run.pillar / "site.sls").read_text()) == before


def test_a_reseal_holds_the_box_while_it_rewrites_the_keys(run, monkeypatch):
    seen = []
    reseal_site = keys.rotation.reseal_site

    def watched(*args, **kwargs):
        seen.append(boxlock.try_shared(run.site))     # an agent task could not start now
        return reseal_site(*args, **kwargs)

    monkeypatch.setattr(keys.rotation, "reseal_site", watched)
    first = nodekey.load(run.state).recipient
    done = run("reseal")
    assert done.exit_code == 0, done.output
    assert seen == [None] and nodekey.load(run.state).recipient != first
    assert run("unseal", "site.sls", KEY).output == "s3cret\n"

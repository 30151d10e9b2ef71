"""`sigmavault agents run NAME SUBJECT` queues only a subject the service registered for that agent: a
made-up one would run beside the scheduled run of the same job or the heavy task of its pool."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from sigmavault.agents.store import Store, database_path
from sigmavault.cli.main import cli
from sigmavault.site import Site

AGENT = {"name": "key_rotation", "description": "Rotates keys.", "priority": 70, "schedule": "@daily",
         "enabled": True, "heavy": True, "holds_box": True, "isolated": True, "max_attempts": 3}
JOBS = {"name": "compression", "description": "Runs jobs.", "priority": 20, "schedule": None,
        "enabled": True, "heavy": True, "holds_box": True, "isolated": True, "max_attempts": 2}


@pytest.fixture
def state(tmp_path: Path) -> Path:
    site = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state#1?%20")
    store = Store.open(site)
    store.register([AGENT, JOBS], {"key_rotation": [("", None)], "compression": [("docs", "tank")]})
    store.close()
    return site.state_dir


def _tasks(state: Path) -> list[dict]:
    store = Store(database_path(Site(pillar_dir=state, state_dir=state)))
    try:
        return store.tasks(("queued", "running", "done", "failed", "cancelled"))
    finally:
        store.close()


def invoke(state: Path, *args: str):
    return CliRunner().invoke(cli, ["--state-dir", str(state), "agents", *args])


def test_a_subject_the_agent_does_not_have_is_refused_with_its_subjects_and_nothing_is_queued(state):
    refused = invoke(state, "run", "key_rotation", "x")
    assert refused.exit_code == 2
    assert "agent 'key_rotation' has no subject 'x'; its subjects are: '' (the box)" in refused.output
    refused = invoke(state, "run", "compression", "nope")
    assert refused.exit_code == 2 and "its subjects are: 'docs'" in refused.output
    assert _tasks(state) == []


def test_a_registered_subject_is_queued_with_its_pool(state):
    queued = invoke(state, "run", "compression", "docs")
    assert queued.exit_code == 0, queued.output
    [task] = _tasks(state)
    assert (task["agent"], task["subject"], task["pool"], task["state"]) == ("compression", "docs", "tank", "queued")

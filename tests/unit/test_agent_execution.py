"""What a running task's context talks to (agents/execution.py ThreadHost, cli/agents_task.py ChildHost): a
box-holding task's converge that would change the box is refused at once, and a child task reads its facts
from a state dir whatever characters its path holds."""

import io
from pathlib import Path

import pytest

from sigmavault.agents.execution import BoxHeld, Running, ThreadHost
from sigmavault.agents.registry import Agent, ConvergeReport, Outcome, Subject
from sigmavault.agents.store import Store, database_path
from sigmavault.cli.agents_task import ChildHost
from sigmavault.site import Site


def _agent(holds_box: bool) -> Agent:
    return Agent("rotator", "Holds the box.", 50, None, lambda ctx: Outcome(True, "ok"), holds_box=holds_box)


def _site(tmp_path: Path, name: str = "state") -> Site:
    return Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / name)


class Converge:
    def __init__(self):
        self.asked: list[bool] = []

    def __call__(self, site: Site, test: bool) -> ConvergeReport:
        self.asked.append(test)
        return ConvergeReport(ok=True, changes={}, errors=[])


@pytest.mark.parametrize("holds_box", [True, False])
def test_a_thread_task_converges_for_real_only_when_it_does_not_hold_the_box(tmp_path, holds_box):
    converge = Converge()
    running = Running({"id": 1, "agent": "rotator"}, _agent(holds_box), Subject(), {})
    host = ThreadHost(running, None, _site(tmp_path), lambda tag, data: None, converge)
    assert host.converge(test=True).ok
    if holds_box:
        with pytest.raises(BoxHeld, match="agent rotator holds the box .*test=True"):
            host.converge(test=False)
        assert converge.asked == [True]        # refused before any apply started
    else:
        assert host.converge(test=False).ok and converge.asked == [True, False]


def test_a_box_holding_child_task_refuses_a_converge_that_changes_the_box(tmp_path):
    host = ChildHost(io.StringIO(), {"agent": "rotator", "holds_box": True}, _site(tmp_path))
    with pytest.raises(BoxHeld, match="agent rotator holds the box"):
        host.converge(test=False)


@pytest.mark.parametrize("name", ["state?x=1", "state#1", "state%20a"])
def test_a_child_task_recalls_facts_from_a_state_dir_with_uri_characters_in_its_path(tmp_path, name):
    site = _site(tmp_path, name)
    store = Store.open(site)
    store.remember("rotator", "", "last", {"rotated": 3})
    store.close()
    host = ChildHost(io.StringIO(), {"agent": "rotator", "database": str(database_path(site))}, site)
    assert host.recall("", "last", "missing") == {"rotated": 3}

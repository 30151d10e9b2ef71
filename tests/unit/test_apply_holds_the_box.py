"""A real apply holds the box (agents/boxlock.py) through the one salt_call every apply goes through: while
agent work holds the box and does not yield in time, the apply does not start and says why."""

from pathlib import Path

import pytest

from sigmavault.agents import boxlock
from sigmavault.salt_bridge.call import changes_the_box, salt_call
from sigmavault.site import Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state", fstab=tmp_path / "fstab",
                etc=tmp_path / "etc")


@pytest.mark.parametrize("args, holds", [
    (("state.apply",), True), (("state.apply", "state_events=True"), True), (("state.sls", "sigmavault.agents"), True),
    (("state.apply", "test=True"), False), (("sigmavault_pillar.validate",), False),
    (("sigmavault_compression.run", "name=docs"), False), ((), False),
])
def test_only_a_real_apply_holds_the_box(args, holds):
    assert changes_the_box(args) is holds


def test_an_apply_does_not_start_while_agent_work_holds_the_box(site):
    site.state_dir.mkdir(parents=True)
    task = boxlock.try_shared(site)      # what a running box-holding agent task holds
    assert task is not None
    try:
        with pytest.raises(boxlock.BoxBusy) as busy:
            salt_call(site, "state.apply", box_wait_seconds=0.3)
        assert "the box is held" in str(busy.value) and "try again later" in str(busy.value)
        assert not (site.state_dir / "salt").exists()   # salt-call was never started: no config was written
        assert not boxlock.apply_waiting(site)           # and it no longer asks the agents to yield
    finally:
        boxlock.release(task)
    with boxlock.for_apply(site, wait_seconds=0):        # once the task is done, an apply gets the box
        assert boxlock.try_shared(site) is None          # and no agent task starts beside it

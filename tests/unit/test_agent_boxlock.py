"""The "an apply waits for the box" mark (agents/boxlock.py) lives exactly as long as the waiting apply: a
file left by an apply of an older version, or by one killed while it waited, never holds the agents."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sigmavault.agents import boxlock
from sigmavault.site import Site
from tests.polling import until

ROOT = Path(__file__).resolve().parents[2]
WAITER = """
import sys
from pathlib import Path
from sigmavault.agents import boxlock
from sigmavault.site import Site
state = Path(sys.argv[1])
with boxlock.for_apply(Site(pillar_dir=state / "pillar", state_dir=state), wait_seconds=600):
    pass
"""


@pytest.fixture
def site(tmp_path: Path) -> Site:
    found = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state")
    (found.state_dir / "agents").mkdir(parents=True)
    return found


def test_a_flag_file_an_older_version_left_does_not_hold_the_tasks(site):
    # The old mark: a file naming a pid; after a reboot that pid is some other live process (here: ours).
    (site.state_dir / "agents" / "apply-waiting").write_text(f"{os.getpid()}\n")
    boxlock.waiting_path(site).touch()       # and a mark file nobody holds
    assert not boxlock.apply_waiting(site)


def test_an_apply_waiting_in_this_process_holds_the_tasks_until_it_has_the_box(site):
    task = boxlock.try_shared(site)
    assert task is not None
    got_box = threading.Event()

    def apply() -> None:
        with boxlock.for_apply(site, wait_seconds=120):
            got_box.set()

    waiter = threading.Thread(target=apply)
    waiter.start()
    try:
        until(lambda: boxlock.apply_waiting(site), "the waiting apply to be seen")
        assert not got_box.is_set()
    finally:
        boxlock.release(task)
    waiter.join(120)
    assert got_box.is_set() and not boxlock.apply_waiting(site)


def test_an_apply_killed_while_it_waits_leaves_no_mark(site):
    task = boxlock.try_shared(site)
    assert task is not None
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", WAITER, str(site.state_dir)], env=env)
    try:
        until(lambda: boxlock.apply_waiting(site), "the child apply to wait for the box")
        child.send_signal(signal.SIGKILL)
        child.wait(60)
        assert not boxlock.apply_waiting(site)
        assert boxlock.waiting_path(site).exists()    # the file stays; only a holder makes it a mark
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        boxlock.release(task)

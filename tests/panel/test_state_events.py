"""Per-state progress from Salt's event bus, with a real salt-call (needs root: the states read the disks).

A throw-away site whose pillar declares nothing is previewed (test=True): no state changes the box.
"""

import fcntl
from pathlib import Path

import pytest

from sigmavault.cli.state_results import parse_state_results
from sigmavault.salt_bridge.call import EVENT_BUS, LOG_LINES, salt_call
from sigmavault.salt_bridge.config import write_config_dir
from sigmavault.site import Site
from tests.system.loopdisks import require_root

pytestmark = pytest.mark.skipif(bool(require_root()), reason=require_root() or "")


@pytest.fixture
def empty_site(tmp_path: Path) -> Site:
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (pillar / "sigmavault.sls").write_text("sigmavault: {}\n")
    (tmp_path / "etc").mkdir()
    return Site(pillar_dir=pillar, state_dir=tmp_path / "state", fstab=tmp_path / "fstab", etc=tmp_path / "etc")


def preview(site: Site) -> tuple[object, list[str]]:
    heard = []
    reply = salt_call(site, "state.apply", "test=True", on_state_done=lambda name, seconds: heard.append(name))
    return reply, heard


def test_each_state_reports_itself_on_salts_event_bus_in_run_order(empty_site):
    reply, heard = preview(empty_site)
    results, errors = parse_state_results(reply.data)
    assert not errors and reply.progress_from == EVENT_BUS
    assert heard == [state.id for state in results] and "validate_pillar_and_disks" in heard
    bus = empty_site.state_dir / "salt" / "bus"
    assert not (bus / "master_event_pull.ipc").exists()   # the bus is taken down with the run


def test_progress_comes_from_the_log_while_another_run_holds_the_bus(empty_site):
    write_config_dir(empty_site)
    bus = empty_site.state_dir / "salt" / "bus"
    bus.mkdir(parents=True)
    with open(bus / "bus.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        reply, heard = preview(empty_site)
    results, _ = parse_state_results(reply.data)
    assert reply.progress_from == LOG_LINES and len(heard) == len(results) > 0

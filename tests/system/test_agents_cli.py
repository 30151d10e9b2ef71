"""`sigmavault agents` against the real service a highstate started: list, run, queue, cancel and history; a
task queued while no service runs waits for it; and `sigmavault apply` does not start while agent work
holds the box."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from sigmavault.agents import boxlock
from sigmavault.agents.builtin import BUILTIN
from sigmavault.agents.config import config_path
from sigmavault.agents.service_facts import service_pid
from tests.system.agents_box import QUIET_AGENTS, read_store, stopping_service, until, write_agents_pillar
from tests.system.test_compression_jobs import pool_pillar


@pytest.fixture
def agents_box(box):
    with stopping_service(box.site):
        yield box

def _quiet_now() -> dict:
    """Quiet hours from an hour ago to an hour from now (UTC): heavy work waits."""
    now = datetime.now(UTC)
    return {"start": (now - timedelta(hours=1)).strftime("%H:%M"), "end": (now + timedelta(hours=1)).strftime("%H:%M")}


def _runs(site, agent: str | None = None) -> list[dict]:
    return read_store(site, lambda store: store.history(agent)) or []


def _tasks(site, states=("queued", "running")) -> list[dict]:
    return read_store(site, lambda store: store.tasks(states)) or []


def test_list_run_cancel_and_history_against_the_running_service(agents_box):
    box, site = agents_box, agents_box.site
    # A pool with a job run only on demand: the service registers it as a subject of compression.
    jobs = {"docs": {"source": "tank/logs", "target": box.path("tank", "archives")}}
    box.write_pillar({"system": {"timezone": "UTC"}, "agents": {**QUIET_AGENTS, "quiet_hours": _quiet_now()},
                      **pool_pillar(box, box.disks.make(1), jobs)})
    box.highstate()
    pid = service_pid(site)
    until(lambda: read_store(site, lambda store: store.agents()), "the service registers its agents")

    listed = box.cli("agents", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0] == f"agent service: running (pid {pid})"
    rows = {line.split()[0]: line.split()[1] for line in listed.stdout.splitlines()[2:]}
    assert rows == {agent.name: "disabled" if agent.name in ("self_heal", "key_rotation", "drift") else "idle"
                    for agent in BUILTIN}
    assert {a["name"] for a in json.loads(box.cli("agents", "list", "--json").stdout)} == set(rows)

    unknown = box.cli("agents", "run", "scrub")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        2, "error: no agent is named 'scrub'; `sigmavault agents list` shows the agents of this box")
    assert _tasks(site, ("queued", "running", "done", "failed", "cancelled")) == []     # nothing changed
    made_up = box.cli("agents", "run", "compression", "nope")
    assert (made_up.returncode, made_up.stderr.strip()) == (
        2, "error: agent 'compression' has no subject 'nope'; its subjects are: 'docs' (`sigmavault agents list` "
           "shows the agents of this box)")
    assert _tasks(site, ("queued", "running", "done", "failed", "cancelled")) == []

    heavy = box.cli("agents", "run", "compression", "docs")
    assert heavy.returncode == 0, heavy.stderr
    heavy_id = int(heavy.stdout.split()[1])
    assert heavy.stdout.strip() == f"task {heavy_id} queued: compression docs (`sigmavault agents queue` follows it)"

    light = box.cli("agents", "run", "housekeeping")
    light_id = int(light.stdout.split()[1])
    done = until(lambda: [r for r in _runs(site, "housekeeping") if r["task_id"] == light_id], "housekeeping ran")
    assert done[0]["state"] == "done" and done[0]["ok"] is True
    # The service dispatched after the heavy task was queued, and left it waiting for the quiet hours' end.
    queued = box.cli("agents", "queue")
    assert [line.split()[:4] for line in queued.stdout.splitlines()[1:]] == [
        [str(heavy_id), "compression", "docs", "queued"]]

    cancelled = box.cli("agents", "cancel", str(heavy_id))
    assert cancelled.stdout.strip() == f"task {heavy_id} cancelled before it started"
    assert box.cli("agents", "queue").stdout.strip() == "no task is queued or running"
    again = box.cli("agents", "cancel", str(heavy_id))
    assert again.stdout.strip() == f"task {heavy_id} had already ended (cancelled); nothing to cancel"
    missing = box.cli("agents", "cancel", "99999")
    assert missing.returncode == 2 and "no task has id 99999" in missing.stderr

    history = json.loads(box.cli("agents", "history", "housekeeping", "--json").stdout)
    assert [(r["task_id"], r["agent"], r["state"]) for r in history] == [(light_id, "housekeeping", "done")]
    table = box.cli("agents", "history").stdout.splitlines()
    assert table[0].split() == ["TASK", "AGENT", "SUBJECT", "STATE", "FINISHED", "SECONDS", "SUMMARY"]
    assert table[1].split()[:4] == [str(light_id), "housekeeping", "-", "done"]
    assert box.cli("agents", "history", "scrub").returncode == 2


def test_a_running_task_is_cancelled_at_a_safe_point(agents_box):
    box, site = agents_box, agents_box.site
    write_agents_pillar(box, drift={"enabled": True, "schedule": "@yearly", "jitter_seconds": 0})
    box.highstate()
    until(lambda: read_store(site, lambda store: store.agents()), "the service registers its agents")

    run = box.cli("agents", "run", "drift")       # a dry run of the whole highstate: it runs for a while
    task_id = int(run.stdout.split()[1])
    until(lambda: [t for t in _tasks(site) if t["id"] == task_id and t["state"] == "running"], "drift runs")
    cancel = box.cli("agents", "cancel", str(task_id))
    assert cancel.stdout.strip() == f"task {task_id} is running: the service stops it at a safe point"
    ended = until(lambda: [r for r in _runs(site, "drift") if r["task_id"] == task_id], "the cancelled run ends")
    assert ended[0]["state"] == "cancelled"
    assert _tasks(site) == []


def test_a_task_queued_while_the_service_is_stopped_runs_when_it_starts(agents_box):
    box, site = agents_box, agents_box.site
    write_agents_pillar(box)
    box.highstate()
    until(lambda: read_store(site, lambda store: store.agents()), "the service registers its agents")
    write_agents_pillar(box, enabled=False)
    box.highstate()
    assert service_pid(site) is None

    queued = box.cli("agents", "run", "housekeeping")
    assert queued.returncode == 0, queued.stderr
    task_id = int(queued.stdout.split()[1])
    assert queued.stdout.strip() == (f"task {task_id} queued: housekeeping; the agent service is not running, so it "
                                     "runs when the service starts (`sigmavault apply` starts it)")
    assert [t["state"] for t in _tasks(site)] == ["queued"]
    assert box.cli("agents", "list").stdout.splitlines()[0] == (
        "the agent service is not running (`sigmavault apply` starts it)")

    write_agents_pillar(box)
    applied = box.cli("apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    ran = until(lambda: [r for r in _runs(site, "housekeeping") if r["task_id"] == task_id], "the queued task runs")
    assert ran[0]["state"] == "done"


def test_an_apply_does_not_start_while_agent_work_holds_the_box(agents_box):
    box, site = agents_box, agents_box.site
    write_agents_pillar(box)
    box.highstate()
    before = config_path(site).read_text()
    write_agents_pillar(box, workers=4)

    task = boxlock.try_shared(site)          # what a running box-holding agent task holds
    try:
        refused = box.cli("apply", "--wait-for-box", "0.5")
    finally:
        boxlock.release(task)
    assert refused.returncode == 1
    assert refused.stderr.startswith("the apply did not start, nothing changed: the box is held")
    assert config_path(site).read_text() == before

    applied = box.cli("apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert json.loads(config_path(site).read_text())["workers"] == 4

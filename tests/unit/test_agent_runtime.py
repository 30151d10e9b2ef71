"""The runtime in process, with small test agents (tests/system/agents_fixture.py): real threads, real
child processes for isolated tasks, a real SQLite queue. Tests wait on events and database state."""

import sqlite3
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sigmavault.agents import boxlock
from sigmavault.agents.runtime import Runtime, RuntimeConfig
from sigmavault.agents.store import Store
from sigmavault.cli.agents_service import read_runtime_config
from sigmavault.site import Site
from tests.polling import until as wait_until
from tests.system.agents_fixture import AGENTS, starts

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = "tests.system.agents_fixture:AGENTS"




class Events:
    def __init__(self):
        self.seen: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    def __call__(self, tag: str, data: dict) -> None:
        with self._lock:
            self.seen.append((tag, data))

    def tags(self) -> list[str]:
        with self._lock:
            return [tag for tag, _ in self.seen]

    def data(self, tag: str) -> list[dict]:
        with self._lock:
            return [data for seen, data in self.seen if seen == tag]


def document(work: Path, state: Path, **extra) -> dict:
    agents = {agent.name: {"enabled": True, "schedule": None, "jitter_seconds": 0, "settings": {"dir": str(work)}}
              for agent in AGENTS}
    agents["scrubber"]["settings"]["pools"] = {"a": "tank", "b": "tank"}
    agents["flaky"]["settings"]["succeed_at"] = 3
    return {"version": 1, "site": {"pillar_dir": str(state / "pillar"), "state_dir": str(state)}, "workers": 3,
            "quiet_hours": None, "history_days": 90, "breaker": {"failures": 2, "window_seconds": 600},
            "backoff_seconds": 0.05, "agents": agents} | extra


class Harness:
    def __init__(self, tmp_path: Path, clock=None, **extra):
        self.work, self.state = tmp_path / "work", tmp_path / "state"
        self.work.mkdir()
        self.site = Site(pillar_dir=self.state / "pillar", state_dir=self.state)
        self.store = Store.open(self.site, clock) if clock else Store.open(self.site)
        self.events = Events()
        self.config = RuntimeConfig.parse(document(self.work, self.state, **extra), self.state)
        self.runtime = Runtime(self.store, AGENTS, self.config, publish=self.events, stop_grace=1.0,
                               task_command=[sys.executable, "-m", "sigmavault.cli.agents_task", "--agents", FIXTURE])
        self.thread: threading.Thread | None = None

    def start(self) -> "Harness":
        self.thread = threading.Thread(target=self.runtime.run, daemon=True)
        self.thread.start()
        return self

    def run(self, agent: str, subject: str = "") -> int:
        return self.store.enqueue(agent, subject, nudge=False) if self.thread is None else self._nudged(agent, subject)

    def _nudged(self, agent: str, subject: str) -> int:
        task = self.store.enqueue(agent, subject, nudge=False)
        self.runtime.poke()
        return task

    def state_of(self, task: int) -> str:
        return self.store.task(task)["state"]

    def wait_state(self, task: int, *states: str) -> dict:
        return wait_until(lambda: self.store.task(task) if self.state_of(task) in states else None,
                          f"task {task} to be {' or '.join(states)}")

    def release(self) -> None:
        (self.work / "release").touch()

    def close(self) -> None:
        self.release()
        self.runtime.stopping.set()
        self.runtime.poke()
        if self.thread:
            self.thread.join(30)
        self.runtime.stop()
        self.store.close()


@pytest.fixture
def harness(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    made = []

    def make(clock=None, start=True, **extra) -> Harness:
        found = Harness(tmp_path, clock, **extra)
        made.append(found)
        return found.start() if start else found
    yield make
    for found in made:
        found.close()


def test_a_task_runs_publishes_its_life_and_lands_in_history(harness):
    h = harness()
    task = h.run("quick")
    done = h.wait_state(task, "done")
    assert done["outcome"] == "done at once"
    assert [run["summary"] for run in h.store.history("quick")] == ["done at once"]
    wait_until(lambda: f"sigmavault/agents/task/{task}/finished" in h.events.tags(), "the finished event")
    life = [t.rsplit("/", 1)[1] for t in h.events.tags() if t.startswith(f"sigmavault/agents/task/{task}/")]
    assert sorted(life) == ["finished", "queued", "started"] and life.index("started") < life.index("finished")
    assert wait_until(lambda: h.store.agent("quick")["status"] == "idle", "quick idle again")


def test_an_isolated_task_reports_progress_and_facts_through_the_service(harness):
    h = harness()
    task = h.run("sleeper")
    wait_until(lambda: h.store.task(task)["message"] == "waiting for the release file", "progress stored")
    assert h.store.task(task)["progress"] == 0.5
    assert h.store.agent("sleeper")["status"] == "running"
    h.release()
    h.wait_state(task, "done")
    assert h.store.recall("sleeper", "", "released") is True
    assert any(d.get("message") == "waiting for the release file"
               for d in h.events.data(f"sigmavault/agents/task/{task}/progress"))


def test_a_failure_worth_retrying_is_retried_with_backoff_until_it_works(harness):
    h = harness()
    task = h.run("flaky")
    done = h.wait_state(task, "done")
    assert (done["attempt"], done["outcome"]) == (3, "attempt 3 worked")
    runs = sorted(h.store.history("flaky"), key=lambda run: run["id"])
    assert [(run["attempt"], run["state"]) for run in runs] == [(1, "failed"), (2, "failed"), (3, "done")]
    # The backoff doubles: the third attempt started at least 0.05 + 0.1 s after the first ended.
    first_end, third_start = (datetime.fromisoformat(runs[0]["finished"][:-1]),
                              datetime.fromisoformat(runs[2]["started"][:-1]))
    assert third_start - first_end >= timedelta(seconds=0.15)


def test_an_exception_is_a_failed_attempt_retried_then_failed_for_good(harness):
    h = harness()
    task = h.run("raiser")
    failed = h.wait_state(task, "failed")
    assert failed["attempt"] == 2 and "OSError: the disk went away" in failed["outcome"]


def test_an_isolated_task_past_its_timeout_is_killed_and_marked_timeout(harness):
    h = harness()
    task = h.run("stubborn")           # timeout_seconds=1, never looks at cancelled()
    ended = h.wait_state(task, "timeout")
    assert "timed out after 1 s" in ended["outcome"]
    assert "killed by SIGKILL" in ended["outcome"]
    assert len(starts(h.work)) == 1


def test_cancel_of_a_running_isolated_task_stops_it(harness):
    h = harness()
    task = h.run("sleeper")
    wait_until(lambda: starts(h.work), "the sleeper to start")
    assert h.store.cancel(task) == "cancelling"
    h.runtime.poke()
    ended = h.wait_state(task, "cancelled")
    assert ended["outcome"] == "cancelled: stopped at a safe point"
    assert h.store.cancel_requested() == []


def test_the_breaker_opens_after_repeated_failures_and_publishes(harness):
    h = harness()
    first = h.run("failing")
    h.wait_state(first, "failed")
    assert h.store.agent("failing")["status"] == "failed"
    second = h.run("failing")
    h.wait_state(second, "failed")
    [event] = wait_until(lambda: h.events.data("sigmavault/agents/breaker_open"), "breaker_open")
    assert (event["agent"], event["failures"], event["window_seconds"]) == ("failing", 2, 600)
    row = h.store.agent("failing")
    assert row["status"] == "breaker-open" and row["breaker_until"]


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 1, 12, 0, 0, 300000, tzinfo=UTC)

    def __call__(self):
        return self.now


def scheduled(h: Harness, agent: str, schedule: str) -> None:
    doc = document(h.work, h.state)
    doc["agents"][agent]["schedule"] = schedule
    h.runtime.apply_config(RuntimeConfig.parse(doc, h.state))


def test_a_schedule_fires_on_its_due_time_and_a_missed_run_runs_once(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    scheduled(h, "quick", "@every 10s")
    h.runtime.tick()
    assert h.store.tasks(("queued", "running", "done")) == []       # first seen: waits for its due time
    clock.now += timedelta(seconds=10)
    h.runtime.tick()
    [first] = h.store.tasks(("queued", "running", "done"))
    assert first["reason"] == "schedule"
    h.wait_state(first["id"], "done")
    clock.now += timedelta(hours=5)                                    # 1800 due times pass while "down"
    restarted = Runtime(h.store, AGENTS, h.runtime.config, publish=h.events)
    restarted.tick()
    restarted.tick()
    assert len(h.store.tasks(("queued", "running", "done"))) == 2       # one catch-up run, not 1800
    restarted.stop()


def test_a_schedule_that_never_comes_does_not_stop_the_service_running_the_others(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    doc = document(h.work, h.state)
    doc["agents"]["failing"]["schedule"] = "0 0 30 2 *"       # 30 February: valid cron, never due
    doc["agents"]["quick"]["schedule"] = "@every 10s"
    h.runtime.apply_config(RuntimeConfig.parse(doc, h.state))
    clock.now += timedelta(seconds=10)
    h.runtime.tick()
    [task] = h.store.tasks(("queued", "running", "done"))
    assert (task["agent"], task["reason"]) == ("quick", "schedule")
    assert h.store.agent("failing")["next_run"] is None


class BrokenSchedule:
    text = "@every 10s"

    def last_at_or_before(self, moment):
        raise OverflowError("date value out of range")

    next_after = last_at_or_before


def test_an_entry_whose_firing_fails_is_dropped_and_the_others_still_fire(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    doc = document(h.work, h.state)
    for agent in ("quick", "failing"):
        doc["agents"][agent]["schedule"] = "@every 10s"
    h.runtime.apply_config(RuntimeConfig.parse(doc, h.state))
    [broken] = [due for due in h.runtime.timetable.entries if due.agent == "failing"]
    broken.schedule = BrokenSchedule()
    clock.now += timedelta(seconds=10)
    h.runtime.tick()
    assert [t["agent"] for t in h.store.tasks(("queued", "running", "done"))] == ["quick"]
    assert [due.agent for due in h.runtime.timetable.entries] == ["quick"]


def test_a_due_time_is_recorded_only_with_its_run_queued(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    scheduled(h, "quick", "@every 10s")
    before = h.store.last_due("quick", "")
    clock.now += timedelta(seconds=10)

    def killed(due, last_due):       # the service dies before the run is queued
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        h.runtime.timetable.fire(clock.now, held=lambda agent: False, enqueue=killed)
    assert h.store.last_due("quick", "") == before
    restarted = Runtime(h.store, AGENTS, h.runtime.config, publish=h.events)
    restarted.tick()                                               # the next service still queues that run
    [task] = h.store.tasks(("queued", "running", "done"))
    assert task["agent"] == "quick" and h.store.last_due("quick", "") == before + timedelta(seconds=10)
    restarted.stop()


def test_a_schedule_is_skipped_while_its_breaker_is_open(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    scheduled(h, "failing", "@every 10s")
    for _ in range(2):
        clock.now += timedelta(seconds=10)
        h.runtime.tick()
        wait_until(lambda: not h.runtime.running_ids(), "the failing run to end")
    assert h.store.agent("failing")["status"] == "breaker-open"
    clock.now += timedelta(seconds=60)
    h.runtime.tick()
    assert len(h.store.tasks(("queued", "running", "failed"))) == 2
    clock.now += timedelta(seconds=600)                                # the window passes
    h.runtime.tick()
    assert h.store.agent("failing")["breaker_until"] is None
    assert any(row["status"] == "idle" for row in h.events.data("sigmavault/agents/failing/status"))
    assert len(h.store.tasks(("queued", "running", "failed"))) == 3


def test_quiet_hours_hold_heavy_tasks_until_the_config_lifts_them(harness):
    now = datetime.now(UTC)
    quiet = {"start": (now - timedelta(hours=1)).strftime("%H:%M"), "end": (now + timedelta(hours=1)).strftime("%H:%M"),
             "zone": "UTC"}
    h = harness(quiet_hours=quiet)
    heavy, light = h.run("scrubber", "a"), h.run("quick")
    h.wait_state(light, "done")
    h.runtime.poke()
    wait_until(lambda: h.runtime.tick() is not None and h.state_of(heavy) == "queued", "another pass")
    assert h.state_of(heavy) == "queued" and not starts(h.work)[1:]
    h.runtime.apply_config(RuntimeConfig.parse(document(h.work, h.state), h.state))
    h.runtime.poke()
    h.wait_state(heavy, "running", "done")


def test_one_heavy_task_per_pool(harness):
    h = harness()
    a, b = h.run("scrubber", "a"), h.run("scrubber", "b")
    h.wait_state(a, "running")
    wait_until(lambda: h.store.task(a)["message"], "a to report progress")
    assert h.state_of(b) == "queued"
    h.release()
    h.wait_state(b, "done")
    assert h.store.task(b)["started"] >= h.store.task(a)["finished"]


def test_an_apply_asks_a_box_holding_task_to_yield_and_it_runs_again_after(harness):
    h = harness()
    task = h.run("box_sleeper")
    wait_until(lambda: starts(h.work), "the box sleeper to start")
    with boxlock.for_apply(h.site, wait_seconds=30):
        back = h.wait_state(task, "queued")
        assert (back["reason"], back["attempt"]) == ("yielded to an apply", 1)
        assert boxlock.try_shared(h.site) is None
        h.runtime.poke()
        assert h.state_of(task) == "queued"
    h.release()
    h.runtime.poke()
    done = h.wait_state(task, "done")
    assert done["attempt"] == 1 and len(starts(h.work)) == 2


def test_a_claim_that_fails_after_taking_the_box_lets_it_go(harness, monkeypatch):
    h = harness(start=False)
    h.run("box_sleeper")
    claim = h.store.claim

    def failing_claim(**kwargs):
        def may_start(task):
            if kwargs["may_start"](task):      # the shared box lock is now taken for the task
                raise sqlite3.OperationalError("disk I/O error")
            return False
        return claim(**(kwargs | {"may_start": may_start}))

    monkeypatch.setattr(h.store, "claim", failing_claim)
    with pytest.raises(sqlite3.OperationalError):
        h.runtime.tick()
    assert h.runtime.running_ids() == []
    with boxlock.for_apply(h.site, wait_seconds=0):     # no descriptor of the failed claim holds it
        pass


def test_an_apply_that_cannot_get_the_box_names_the_task_and_the_way_out(harness):
    h = harness()
    task = h.run("box_stubborn")
    wait_until(lambda: starts(h.work), "the stubborn box holder to start")
    with pytest.raises(boxlock.BoxBusy) as busy, boxlock.for_apply(h.site, wait_seconds=0.3):
        pass
    message = str(busy.value)
    assert f"task {task} (box_stubborn, subject the box, pool -)" in message
    assert f"sigmavault agents cancel {task}" in message and "try again later" in message
    assert not boxlock.apply_waiting(h.site)


def test_a_damaged_config_keeps_the_last_good_one_and_says_so(harness, tmp_path):
    h = harness(start=False)
    path = h.state / "agents" / "config.json"
    path.write_text('{"version": 1, "agents": {}, "site": {}, "workers": 1}')
    runtime = Runtime(h.store, AGENTS, h.config, publish=h.events, config_path=path,
                      config_reader=lambda: read_runtime_config(path, h.state))
    path.write_text('{"version": 1, "agen')
    runtime.tick()
    [event] = h.events.data("sigmavault/agents/config/damaged")
    assert str(path) in event["message"] and "sigmavault apply" in event["message"]
    assert runtime.config is h.config
    path.write_text('{"version": 1, "agents": {}, "site": {}, "workers": 1}')
    runtime.tick()
    assert runtime.config.workers == 1 and h.store.agent("quick")["status"] == "disabled"
    runtime.stop()


def test_the_service_is_unhealthy_when_a_worker_is_gone_so_the_watchdog_stops(harness):
    h = harness(start=False)
    assert h.runtime.healthy()
    h.runtime._work.put(None)          # one worker ends, as a crashed worker thread would
    wait_until(lambda: not h.runtime.healthy(), "the runtime to notice a worker is gone")


def test_a_restart_leaves_no_agent_running_or_breaker_open_that_no_longer_is(harness):
    clock = Clock()
    h = harness(clock=clock, start=False)
    h.store.set_agent("quick", status="running")                 # a dead service's rows
    h.store.set_agent("failing", status="breaker-open", breaker_until="2026-03-01T11:00:00.000Z")
    h.store.set_agent("raiser", status="breaker-open", breaker_until="2026-03-01T13:00:00.000Z")
    restarted = Runtime(h.store, AGENTS, h.config, publish=h.events)
    assert {row["name"]: row["status"] for row in h.store.agents() if row["name"] in ("quick", "failing", "raiser")} \
        == {"quick": "idle", "failing": "idle", "raiser": "breaker-open"}
    restarted.stop()

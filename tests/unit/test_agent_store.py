import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from sigmavault.agents.store import Store, UnknownAgent, UnknownSubject, UnknownTask, stamp
from sigmavault.site import Site


class Clock:
    def __init__(self):
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def agent_row(name: str, priority: int = 50, heavy: bool = False, holds_box: bool = False,
              max_attempts: int = 3) -> dict:
    return {"name": name, "description": f"{name} things", "priority": priority, "schedule": None, "enabled": True,
            "heavy": heavy, "holds_box": holds_box, "isolated": True, "max_attempts": max_attempts}


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    site = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state")
    store = Store.open(site, clock)
    store.register([agent_row("low", 10), agent_row("high", 90), agent_row("scrub", 50, heavy=True),
                    agent_row("once", 50, max_attempts=1)],
                   {"low": [("", None), ("b", None), ("other", None)], "high": [("", None)], "once": [("", None)],
                    "scrub": [("tank", "tank"), ("tank2", "tank"), ("other", "other")]})
    yield store
    store.close()


def test_the_database_is_private_to_root(store, tmp_path):
    assert stat.S_IMODE(os.stat(tmp_path / "state" / "agents").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_tasks_are_claimed_highest_priority_first_then_oldest(store):
    first_low, high, second_low = store.enqueue("low"), store.enqueue("high"), store.enqueue("low", "b")
    assert [store.claim()["id"] for _ in range(3)] == [high, first_low, second_low]
    assert store.claim() is None
    assert [t["state"] for t in store.tasks()] == ["running"] * 3


def test_enqueue_of_an_unknown_agent_is_refused(store):
    with pytest.raises(UnknownAgent, match="nope"):
        store.enqueue("nope")


def test_enqueue_of_a_subject_the_agent_does_not_have_is_refused_and_queues_nothing(store):
    with pytest.raises(UnknownSubject) as refused:
        store.enqueue("scrub", "x")         # no pool: it would run beside a heavy task of tank
    assert "'x'" in str(refused.value) and "'other', 'tank', 'tank2'" in str(refused.value)
    with pytest.raises(UnknownSubject, match="its subjects are: '' \\(the box\\)"):
        store.enqueue_unless_pending("high", "x")
    assert store.tasks(("queued", "running")) == []


def test_a_scheduled_run_records_its_due_time_with_the_run_or_not_at_all(store, clock):
    due = clock.now - timedelta(minutes=1)
    assert store.enqueue_unless_pending("low", "", last_due=due) is not None
    assert store.last_due("low", "") == due
    with pytest.raises(UnknownSubject):
        store.enqueue_unless_pending("low", "gone", last_due=clock.now)
    assert store.last_due("low", "gone") is None


def test_one_heavy_task_per_pool_at_a_time(store):
    tank, tank2 = store.enqueue("scrub", "tank"), store.enqueue("scrub", "tank2")
    other = store.enqueue("scrub", "other")
    assert store.task(tank)["pool"] == "tank"
    assert store.claim()["id"] == tank
    assert store.claim()["id"] == other          # tank2 waits: its pool is busy
    assert store.claim() is None
    store.finish(tank, "done", "scrubbed", ok=True)
    assert store.claim()["id"] == tank2


def test_quiet_hours_hold_heavy_tasks_but_not_light_ones(store):
    heavy, light = store.enqueue("scrub", "tank"), store.enqueue("low")
    assert store.claim(hold_heavy=True)["id"] == light
    assert store.claim(hold_heavy=True) is None
    assert store.claim(hold_heavy=False)["id"] == heavy


def test_the_same_agent_and_subject_never_runs_twice_at_once(store):
    first, second = store.enqueue("low"), store.enqueue("low")
    assert store.claim()["id"] == first
    assert store.claim() is None
    store.finish(first, "done", "ok", ok=True)
    assert store.claim()["id"] == second


def test_a_scheduled_enqueue_is_skipped_while_the_same_run_is_queued_or_running(store):
    first = store.enqueue_unless_pending("low", "")
    assert first is not None and store.enqueue_unless_pending("low", "") is None
    store.claim()
    assert store.enqueue_unless_pending("low", "") is None
    assert store.enqueue_unless_pending("low", "other") is not None
    store.finish(first, "done", "ok", ok=True)
    assert store.enqueue_unless_pending("low", "") is not None


def test_a_retry_waits_out_its_backoff_and_counts_an_attempt(store, clock):
    task = store.enqueue("low")
    store.claim()
    retried = store.retry(task, "disk busy", delay=timedelta(seconds=60))
    assert (retried["state"], retried["attempt"], retried["reason"]) == ("queued", 2, "retry")
    assert retried["not_before"] == stamp(clock.now + timedelta(seconds=60))
    assert store.claim() is None
    clock.advance(seconds=60)
    assert store.claim()["id"] == task
    assert [(run["attempt"], run["state"], run["ok"]) for run in store.history("low")] == [(1, "failed", False)]


def test_yielding_to_an_apply_keeps_the_attempt(store):
    task = store.enqueue("low")
    store.claim()
    assert store.retry(task, "yielded", reason="yielded to an apply", counts=False)["attempt"] == 1


def test_cancel_of_a_queued_task_is_immediate_and_of_a_running_one_is_asked(store):
    queued, running = store.enqueue("low"), store.enqueue("high")
    store.claim()
    assert store.cancel(queued) == "cancelled"
    assert store.task(queued)["state"] == "cancelled" and store.claim() is None
    assert store.cancel(running) == "cancelling"
    assert store.cancel_requested() == [running]
    store.finish(running, "cancelled", "cancelled while running")
    assert store.cancel(running) == "cancelled" and store.cancel_requested() == []
    with pytest.raises(UnknownTask, match="42"):
        store.cancel(42)


def test_a_cancel_asked_before_the_retry_is_recorded_ends_the_task_instead(store):
    task = store.enqueue("low")
    store.claim()
    assert store.cancel(task) == "cancelling"       # lands after the attempt ended, before the service saw it
    ended = store.retry(task, "disk busy", delay=timedelta(seconds=60))
    assert (ended["state"], ended["outcome"]) == ("cancelled", "cancelled: disk busy")
    assert store.cancel_requested() == [] and store.claim() is None
    assert [run["state"] for run in store.history()] == ["failed"]


def test_after_a_dead_service_running_tasks_are_requeued_or_marked_never_lost(store, tmp_path, clock):
    again, spent, asked, waiting = (store.enqueue("low"), store.enqueue("once"), store.enqueue("high"),
                                    store.enqueue("low", "b"))
    store.claim(), store.claim(), store.claim(), store.claim()
    waiting_too = store.enqueue("scrub", "tank")
    store.cancel(asked)
    store.close()     # the service died: its rows stay "running"

    reopened = Store(tmp_path / "state" / "agents" / "agents.sqlite3", clock)
    recovered = {task["id"]: task for task in reopened.recover()}
    assert (recovered[again]["state"], recovered[again]["attempt"], recovered[again]["reason"]) == \
        ("queued", 2, "interrupted")
    assert recovered[spent]["state"] == "interrupted"
    assert recovered[asked]["state"] == "cancelled"
    assert recovered[waiting]["state"] == "queued"
    assert reopened.task(waiting_too)["state"] == "queued"
    assert {run["task_id"] for run in reopened.history() if run["state"] == "interrupted"} == \
        {again, spent, asked, waiting}
    assert reopened.recover() == []
    reopened.close()


def test_history_keeps_outcome_duration_and_details_newest_first(store, clock):
    task = store.enqueue("low")
    store.claim()
    clock.advance(seconds=7)
    store.finish(task, "done", "saved 3 GiB", {"saved": 3}, ok=True)
    [run] = store.history("low")
    assert (run["ok"], run["duration"], run["summary"], run["details"]) == (True, 7.0, "saved 3 GiB", {"saved": 3})
    assert store.history("high") == []


def test_facts_are_remembered_per_agent_and_subject(store):
    store.remember("scrub", "tank", "errors", {"csum": 0})
    store.remember("scrub", "tank", "errors", {"csum": 2})
    assert store.recall("scrub", "tank", "errors") == {"csum": 2}
    assert store.recall("scrub", "other", "errors", "none") == "none"
    assert [(f["subject"], f["value"]) for f in store.facts("scrub")] == [("tank", {"csum": 2})]


def test_retention_prunes_old_history_finished_tasks_and_facts_only(store, clock):
    old = store.enqueue("low")
    store.claim()
    store.finish(old, "done", "old", ok=True)
    store.remember("low", "", "seen", 1)
    clock.advance(days=100)
    pending = store.enqueue("low")
    store.remember("low", "", "fresh", 2)
    assert store.prune(clock.now - timedelta(days=90)) == {"runs": 1, "tasks": 1, "facts": 1}
    assert [t["id"] for t in store.tasks(("queued", "done"))] == [pending]
    assert [f["key"] for f in store.facts("low")] == ["fresh"]


def test_the_breaker_counts_failures_and_timeouts_in_the_window(store, clock):
    for state in ("failed", "timeout", "done"):
        task = store.enqueue("low")
        store.claim()
        store.finish(task, state, state, ok=state == "done")
        clock.advance(minutes=10)
    assert store.failures_since("low", clock.now - timedelta(minutes=30)) == 2
    assert store.failures_since("low", clock.now - timedelta(minutes=15)) == 0


def test_status_rows_survive_a_new_registration_and_unregistered_agents_go(store):
    store.set_agent("low", status="failed", last_outcome="no disk")
    store.register([agent_row("low", 20)], {"low": [("", None)]})
    [row] = store.agents()
    assert (row["name"], row["priority"], row["status"], row["last_outcome"]) == ("low", 20, "failed", "no disk")


def test_claim_may_be_refused_by_the_box_lock_and_by_the_breaker(store):
    task = store.enqueue("low")
    assert store.claim(may_start=lambda t: False) is None
    assert store.claim(runnable=lambda agent: agent != "low") is None
    assert store.task(task)["state"] == "queued"
    assert store.claim()["id"] == task

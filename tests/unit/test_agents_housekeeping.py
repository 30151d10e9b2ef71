"""The housekeeping agent keeps the agents' database to history_days: older runs go, newer ones stay."""

from datetime import timedelta
from pathlib import Path

from sigmavault.agents.builtin.housekeeping import HOUSEKEEPING, settings
from sigmavault.agents.registry import Subject, TaskContext
from sigmavault.agents.store import Store, database_path, now_utc
from sigmavault.site import Site

AGENT = {"name": "drift", "description": "d", "priority": 1, "schedule": None, "enabled": True, "heavy": False,
         "holds_box": False, "isolated": False, "max_attempts": 1}


def _finished_run(site: Site, days_ago: float, summary: str) -> None:
    store = Store(database_path(site), clock=lambda: now_utc() - timedelta(days=days_ago))
    store.register([AGENT], {"drift": [("", None)]})
    task = store.enqueue("drift", nudge=False)
    store.claim()
    store.finish(task, "done", summary, ok=True)
    store.close()


def test_runs_older_than_history_days_are_dropped_and_newer_ones_kept(tmp_path: Path):
    site = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state")
    _finished_run(site, 100, "old")
    _finished_run(site, 10, "recent")
    ctx = TaskContext(task_id=1, agent="housekeeping", subject=Subject(), site=site, attempt=1, host=None,
                      settings=settings({"agents": {"history_days": 30}}, site))
    outcome = HOUSEKEEPING.run(ctx)
    assert outcome.ok and outcome.details == {"runs": 1, "tasks": 1, "facts": 0}
    store = Store(database_path(site))
    assert [run["summary"] for run in store.history()] == ["recent"]
    store.close()

"""Housekeeping: the agents' own memory kept to sigmavault.agents.history_days. Runs, finished tasks and facts
older than that go from the database. A thread of the service (isolated=False), so the database keeps one
writing process."""

from __future__ import annotations

from datetime import timedelta

from sigmavault.agents.registry import Agent, Outcome, TaskContext
from sigmavault.agents.store import Store, now_utc
from sigmavault.site import Site


def settings(document: dict, site: Site) -> dict:
    return {"history_days": document.get("agents", {}).get("history_days", 90)}


def run_housekeeping(ctx: TaskContext) -> Outcome:
    days = ctx.settings["history_days"]
    store = Store.open(ctx.site)
    try:
        dropped = store.prune(now_utc() - timedelta(days=days))
    finally:
        store.close()
    return Outcome(True, f"kept {days} day(s) of history: dropped {dropped['runs']} run(s), {dropped['tasks']} "
                         f"finished task(s) and {dropped['facts']} fact(s) older than that", dropped)


HOUSEKEEPING = Agent(
    name="housekeeping",
    description="Drops the agents' history, finished tasks and facts older than agents.history_days.",
    priority=10, schedule="@daily", run=run_housekeeping, settings=settings,
    heavy=False, holds_box=False, isolated=False, timeout_seconds=600, max_attempts=2)

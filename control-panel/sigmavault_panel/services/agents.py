"""The agents' database as the panel reads and writes it: through sigmavault.agents.store, never SQL here.

The agent service is the one writer of the database; the panel only enqueues and cancels (short
transactions that nudge the service awake) and reads the status rows, the queue and the history.
"""

import threading

from flask import current_app

from sigmavault.agents.store import ACTIVE, FINAL, Store, UnknownAgent, UnknownSubject, UnknownTask
from sigmavault_panel.panel import panel

STATES = ACTIVE + FINAL
HISTORY_LIMIT = 50
MAX_LIMIT = 500
MAX_ID = 2**63 - 1          # SQLite's largest integer: a larger id names no task
_opening = threading.Lock()

__all__ = ["STATES", "TaskEnded", "UnknownAgent", "UnknownSubject", "UnknownTask", "cancel", "run", "store"]


def store() -> Store:
    """The panel's one Store (opened on first use; safe across the server's threads)."""
    extensions = current_app.extensions
    with _opening:
        if "sigmavault_agents" not in extensions:
            extensions["sigmavault_agents"] = Store.open(panel().site)
        return extensions["sigmavault_agents"]


def cancel(task_id: int) -> str:
    """"cancelled" (it was queued) or "cancelling" (it runs); TaskEnded when it had already ended, UnknownTask
    when there is no such task (an id past SQLite's integers included)."""
    if task_id > MAX_ID:
        raise UnknownTask(task_id)
    agents = store()
    state = agents.task(task_id)["state"]
    if state in ACTIVE:
        state = agents.cancel(task_id)     # the task may end between the two reads: then its final state
        if state in ("cancelled", "cancelling"):
            return state
    raise TaskEnded(f"task {task_id} has already ended ({state}); there is nothing to cancel")


class TaskEnded(Exception):
    pass


def run(name: str, subject: str = "") -> dict:
    """Queue a manual run of agent name for subject and return the task; UnknownAgent or UnknownSubject when
    the service never registered them."""
    agents = store()
    return agents.task(agents.enqueue(name, subject, reason="manual"))

"""The agents page: what each agent is doing, the queue and the history, run and cancel for admins.

The first view is rendered here; /agents/live renders the same sections alone, which the page's script
(static/agents.js) fetches again whenever an `agent` event arrives on /events, so the page follows the
agent service live without a reload.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for

from sigmavault.agents.registry import NAME
from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services import agents
from sigmavault_panel.services.agents import TaskEnded, UnknownAgent, UnknownSubject, UnknownTask

bp = Blueprint("agents", __name__, url_prefix="/agents")
HISTORY = 30


def snapshot() -> dict:
    store = agents.store()
    return {"agents": store.agents(), "tasks": store.tasks(), "runs": store.history(limit=HISTORY)}


@bp.app_template_filter("stamp")
def stamp(text: str | None) -> str:
    """A store time stamp (ISO 8601 UTC, "Z") as the page shows it."""
    return f"{text[:10]} {text[11:19]} UTC" if text else "–"


@bp.get("/")
def index():
    return render_template("agents/index.html", after=panel().bus.last_id, **snapshot())


@bp.get("/live")
def live():
    return render_template("agents/_live.html", **snapshot())


@bp.post("/<name>/run")
def run(name: str):
    try:
        if not NAME.fullmatch(name):
            raise UnknownAgent(name[:60])
        task = agents.run(name, request.form.get("subject", "")[:200])
    except (UnknownAgent, UnknownSubject) as error:
        return refuse(404, str(error))
    flash(f"Queued {name} as task {task['id']}.")
    return redirect(url_for("agents.index"))


@bp.post("/tasks/<int:task_id>/cancel")
def cancel(task_id: int):
    try:
        result = agents.cancel(task_id)
    except UnknownTask as error:
        return refuse(404, str(error))
    except TaskEnded as error:
        return refuse(409, str(error))
    flash(f"Task {task_id} is cancelled." if result == "cancelled" else
          f"Task {task_id} is asked to stop at its next safe point.")
    return redirect(url_for("agents.index"))

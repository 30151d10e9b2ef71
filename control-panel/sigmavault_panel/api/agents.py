"""The agents: status rows, the queue, the history; run one now or cancel a task (admins only: access.py)."""

from flask import jsonify, request, url_for

from sigmavault.agents.registry import NAME
from sigmavault_panel.api import BodyError, bp, json_body
from sigmavault_panel.errors import refuse
from sigmavault_panel.services import agents
from sigmavault_panel.services.agents import STATES, TaskEnded, UnknownAgent, UnknownSubject, UnknownTask

MAX_SUBJECT = 200


def _one(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BodyError(400, f"{name}: give it once")
    return values[0] if values else None


def _limit(default: int) -> int:
    text = _one("limit")
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= agents.MAX_LIMIT:
        raise BodyError(400, f"limit: a whole number from 1 to {agents.MAX_LIMIT}")
    return int(text)


@bp.get("/agents")
def agents_list():
    return jsonify({"agents": agents.store().agents()})


@bp.get("/agents/tasks")
def agents_tasks():
    asked = [part for value in request.args.getlist("state") for part in value.split(",") if part]
    unknown = [state for state in asked if state not in STATES]
    if unknown:
        raise BodyError(400, f"state: {unknown[0][:40]!r} is not a task state; one of {', '.join(STATES)}")
    states = tuple(dict.fromkeys(asked)) or agents.ACTIVE
    return jsonify({"tasks": agents.store().tasks(states=states, limit=_limit(100))})


@bp.get("/agents/tasks/<int:task_id>")
def agents_task(task_id: int):
    try:
        if task_id > agents.MAX_ID:
            raise UnknownTask(task_id)
        return jsonify({"task": agents.store().task(task_id)})
    except UnknownTask as error:
        return refuse(404, str(error))


@bp.get("/agents/history")
def agents_history():
    name = _one("agent") or None
    return jsonify({"runs": agents.store().history(agent=name, limit=_limit(agents.HISTORY_LIMIT))})


@bp.post("/agents/<name>/run")
def agents_run(name: str):
    body = json_body({"subject": str}) if request.content_length or request.is_json else {}
    if not NAME.fullmatch(name):
        return refuse(404, str(UnknownAgent(name[:60])))
    subject = body.get("subject", "")
    if len(subject) > MAX_SUBJECT:
        raise BodyError(422, f"subject: at most {MAX_SUBJECT} characters (a job, a pool, a service name)")
    try:
        task = agents.run(name, subject)
    except (UnknownAgent, UnknownSubject) as error:
        return refuse(404, str(error))
    return jsonify({"task": task}), 202, {"Location": url_for("api.agents_task", task_id=task["id"])}


@bp.post("/agents/tasks/<int:task_id>/cancel")
def agents_cancel(task_id: int):
    try:
        result = agents.cancel(task_id)
    except UnknownTask as error:
        return refuse(404, str(error))
    except TaskEnded as error:
        return refuse(409, str(error))
    return jsonify({"result": result, "task": agents.store().task(task_id)})

"""Plan (test=True), apply, and the jobs that ran them; events as a server-sent stream."""

from flask import abort, jsonify

from sigmavault_panel.api import bp, start_job
from sigmavault_panel.events import event_stream
from sigmavault_panel.panel import panel


@bp.post("/plan")
def plan():
    return start_job("preview")


@bp.post("/apply")
def apply():
    return start_job("apply")


@bp.get("/jobs")
def jobs():
    return jsonify({"jobs": [j.as_dict() for j in panel().runner.recent()]})


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    found = panel().runner.get(job_id)
    if found is None:
        abort(404, f"there is no job {job_id}")
    return jsonify({"job": found.as_dict()})


@bp.get("/events")
def events():
    return event_stream()

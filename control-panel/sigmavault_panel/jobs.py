"""Preview (state.apply test=True) and apply as jobs, one at a time, with a page that follows each live."""

from flask import Blueprint, abort, g, redirect, render_template, url_for

from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services import salt_jobs
from sigmavault_panel.services.runner import Busy, Job
from sigmavault_panel.services.versions import HistoryError

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


class JobRefused(Exception):
    def __init__(self, status: int, message: str, job: int | None = None):
        super().__init__(message)
        self.status, self.message, self.job = status, message, job


def _rollback_target(version: str | None) -> str:
    """The version to roll back to (default: the one before the current), known to the pillar's history."""
    store = panel().store
    if not version:
        versions = store.versions(2)
        version = versions[1].id if len(versions) > 1 else None
    if not version:
        raise JobRefused(409, "there is no earlier version of the pillar to roll back to")
    try:
        store.history.text_at(version, store.filename)
    except HistoryError as error:
        raise JobRefused(404, str(error)) from None
    return version


def start(kind: str, version: str | None = None) -> Job:
    """Start a preview, apply or rollback for the current identity; JobRefused says why it cannot start."""
    services = panel()
    args = (services.site, services.salt, services.store)
    if kind == "rollback":
        work = salt_jobs.rollback(*args, _rollback_target(version), g.identity.author)
    else:
        work = salt_jobs.highstate(*args, test=kind == "preview")
    try:
        return services.runner.submit(kind, g.identity.user, work)
    except Busy as error:
        raise JobRefused(409, str(error), error.job.id) from None


def start_and_follow(kind: str, version: str | None = None):
    try:
        job = start(kind, version)
    except JobRefused as refused:
        return refuse(refused.status, refused.message)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/")
def index():
    services = panel()
    return render_template("jobs/index.html", jobs=services.runner.recent(), running=services.runner.running())


@bp.post("/preview")
def preview():
    return start_and_follow("preview")


@bp.post("/apply")
def apply():
    return start_and_follow("apply")


@bp.get("/<int:job_id>")
def show(job_id: int):
    services = panel()
    job = services.runner.get(job_id)
    if job is None:
        abort(404, f"there is no job {job_id}")
    return render_template("jobs/show.html", job=job, after=services.bus.last_id)

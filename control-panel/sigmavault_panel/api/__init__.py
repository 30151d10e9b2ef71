"""REST API /api/v1: JSON over the same services as the pages; session or 'Authorization: Bearer' token."""

from flask import Blueprint, jsonify, request, url_for

from sigmavault_panel.errors import refuse
from sigmavault_panel.jobs import JobRefused, start

bp = Blueprint("api", __name__, url_prefix="/api/v1")


KINDS = {str: "a string", dict: "an object"}


def json_body(fields: dict[str, type]) -> dict:
    """The request's JSON object holding only the given fields, each of its type; else BodyError says why.

    The OpenAPI document describes the same bodies (additionalProperties: false), so a typo in a field's
    name is refused instead of being ignored.
    """
    if not request.is_json:
        raise BodyError(415, "send the body as JSON (Content-Type: application/json)")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BodyError(400, "the body must be a JSON object")
    unknown = [name for name in body if name not in fields]
    if unknown:
        raise BodyError(422, f"unknown field {unknown[0][:40]!r}; this operation takes {', '.join(fields)}")
    for name, kind in fields.items():
        if name in body and not isinstance(body[name], kind):
            raise BodyError(422, f"{name}: must be {KINDS[kind]}")
    return body


class BodyError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def start_job(kind: str, version: str | None = None):
    """202 with the job and its Location, or the reason it cannot start (409 names a running job)."""
    try:
        job = start(kind, version)
    except JobRefused as refused:
        extra = {"job": refused.job} if refused.job else {}
        return refuse(refused.status, refused.message, **extra)
    return jsonify({"job": job.as_dict()}), 202, {"Location": url_for("api.job", job_id=job.id)}


@bp.errorhandler(BodyError)
def body_error(error: BodyError):
    return refuse(error.status, error.message)


from sigmavault_panel.api import agents, box, health, jobs, openapi, pillar, tokens  # noqa: E402,F401  (routes register on bp)

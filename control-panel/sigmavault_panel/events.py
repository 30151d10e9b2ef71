"""Server-sent events: job progress as it happens, for the browser and for API clients.

A stream resumes after Last-Event-ID, sends a comment as heartbeat, and ends after SSE_MAX_SECONDS
(the browser reconnects), so no stream holds a server thread forever.
"""

import json
import time

from flask import Blueprint, Response, current_app, request

from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services.bus import Event

bp = Blueprint("events", __name__)


def format_event(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(event.as_dict(), separators=(',', ':'))}\n\n"


class BadQuery(ValueError):
    pass


def _number(name: str) -> int | None:
    """The query parameter as a whole number, None when absent; BadQuery when it is something else."""
    values = request.args.getlist(name)
    if not values:
        return None
    if len(values) > 1 or not values[0].isascii() or not values[0].isdigit():
        raise BadQuery(f"{name}: one whole number")
    return int(values[0])


def _start_id(job_filter: int | None, after: int | None) -> tuple[int, bool]:
    """(the id to continue after, whether the client asked to resume and must hear about missed events)."""
    given = request.headers.get("Last-Event-ID")
    if given is None and after is None:   # a job's stream replays that job from the start; the full one starts now
        return (panel().bus.last_id if job_filter is None else 0), False
    try:
        return max(0, int(given if given is not None else after)), True
    except ValueError:
        return 0, False


def event_stream() -> Response:
    """The response for GET /events and /api/v1/events; ?job=N keeps only that job's events."""
    services, config = panel(), current_app.config
    try:
        job_filter, after = _number("job"), _number("after")
    except BadQuery as error:
        return refuse(400, str(error))
    if not services.streams.take():
        return refuse(503, f"too many open event streams ({services.streams.limit}); try again shortly")
    (last_id, resuming), heartbeat = _start_id(job_filter, after), config["SSE_HEARTBEAT_SECONDS"]
    lifetime = config["SSE_MAX_SECONDS"]

    def generate():
        nonlocal last_id
        ends = time.monotonic() + lifetime
        try:
            yield "retry: 2000\n\n"
            while time.monotonic() < ends:
                events, missed = services.bus.wait(last_id, timeout=min(heartbeat, max(0.0, ends - time.monotonic())))
                if missed and resuming:
                    yield "event: reset\ndata: {}\n\n"
                if not events:
                    yield ": keep-alive\n\n"
                for event in events:
                    last_id = event.id
                    if job_filter is None or event.data.get("job") == job_filter:
                        yield format_event(event)
        finally:
            services.streams.give_back()

    return Response(generate(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@bp.get("/events")
def stream():
    return event_stream()

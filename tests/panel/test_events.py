"""The event stream: job progress as server-sent events, resumable, bounded in number and in time."""

import json
import threading

from sigmavault_panel.services.bus import EventBus


def read_events(response, until: str = "job.finished") -> list[tuple[str, dict]]:
    events, current = [], {}
    for chunk in response.response:
        for line in chunk.decode().splitlines():
            if line.startswith("event: "):
                current["type"] = line[7:]
            elif line.startswith("data: "):
                events.append((current.get("type"), json.loads(line[6:])))
                if current.get("type") == until:
                    response.close()
                    return events
    return events


def test_stream_delivers_a_jobs_progress_and_its_end(app, admin):
    services = app.extensions["sigmavault"]
    services.bus.publish("job.progress", job=7, n=1, name="tank", seconds=0.5)
    services.bus.publish("job.progress", job=8, n=1, name="other", seconds=0.5)
    services.bus.publish("job.finished", job=7, status="succeeded", summary="ok")
    events = read_events(admin.get("/events?job=7", buffered=False))
    assert [(t, d["name"] if t == "job.progress" else d["status"]) for t, d in events] == [
        ("job.progress", "tank"), ("job.finished", "succeeded")]


def test_stream_resumes_after_last_event_id(app, admin):
    bus = app.extensions["sigmavault"].bus
    first = bus.publish("job.progress", job=1, n=1, name="a", seconds=0)
    bus.publish("job.progress", job=1, n=2, name="b", seconds=0)
    bus.publish("job.finished", job=1, status="succeeded", summary="")
    events = read_events(admin.get("/events", headers={"Last-Event-ID": str(first.id)}, buffered=False))
    assert [d.get("name") for t, d in events if t == "job.progress"] == ["b"]


def test_stream_sends_heartbeats_and_ends_after_its_lifetime(app, admin):
    app.config["SSE_MAX_SECONDS"] = 0.5
    body = b"".join(admin.get("/events", buffered=False).response).decode()
    assert body.startswith("retry: 2000") and ": keep-alive" in body


def test_live_events_reach_a_waiting_stream(app, admin):
    bus = app.extensions["sigmavault"].bus
    response = admin.get("/events?job=3", buffered=False)
    timer = threading.Timer(0.3, lambda: bus.publish("job.finished", job=3, status="failed", summary="x"))
    timer.start()
    assert read_events(response)[-1][1]["status"] == "failed"


def test_too_many_streams_are_refused_not_queued(app, admin):
    slots = app.extensions["sigmavault"].streams
    slots.open = slots.limit
    response = admin.get("/api/v1/events")
    assert response.status_code == 503 and "too many open event streams" in response.json["error"]["message"]
    slots.open = 0


def test_a_resuming_client_that_missed_events_is_told_to_reload():
    bus = EventBus(history=3)
    for n in range(6):
        bus.publish("job.progress", job=1, n=n)
    events, missed = bus.since(1)
    assert missed and [e.data["n"] for e in events] == [3, 4, 5]


def test_streams_give_their_slot_back_when_they_end(app, admin):
    app.config["SSE_MAX_SECONDS"] = 0.2
    b"".join(admin.get("/events", buffered=False).response)
    assert app.extensions["sigmavault"].streams.open == 0

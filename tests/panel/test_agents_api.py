"""The agents in the API and on the panel's page, over a real agents database (sigmavault.agents.store) in the
test's state dir, with the rows the agent service registers; and the agents' events from Salt's real minion
bus reaching the panel's event stream."""

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from sigmavault.agents.store import Store
from sigmavault.salt_bridge import agent_bus
from sigmavault.site import Site
from sigmavault_panel import create_app
from tests.panel.conftest import form_token
from tests.panel.test_events import read_events

AGENTS = [
    {"name": "drift", "description": "Reports states a hand edit changed.", "priority": 60,
     "schedule": "@every 1h", "enabled": True, "heavy": False, "holds_box": False, "isolated": True,
     "max_attempts": 3},
    {"name": "compression", "description": "Runs the declared compression jobs.", "priority": 30,
     "schedule": None, "enabled": True, "heavy": True, "holds_box": True, "isolated": True, "max_attempts": 2},
]


@pytest.fixture
def store(site):
    """The database as the agent service leaves it once it has registered its agents."""
    opened = Store.open(site)
    opened.register(AGENTS, {"drift": [("", None)], "compression": [("photos", "tank")]})
    yield opened
    opened.close()


def test_agents_lists_the_status_rows_the_service_keeps(api, store):
    store.set_agent("drift", status="running", last_run="2026-12-03T10:00:00.000Z", last_ok=True,
                    last_outcome="no drift")
    rows = {row["name"]: row for row in api.get("/api/v1/agents").json["agents"]}
    assert set(rows) == {"drift", "compression"}
    assert rows["drift"]["status"] == "running" and rows["drift"]["description"].startswith("Reports")
    assert (rows["drift"]["last_ok"], rows["drift"]["last_outcome"]) == (True, "no drift")
    assert rows["compression"]["status"] == "idle" and rows["compression"]["schedule"] is None


def test_run_queues_a_task_the_queue_then_shows(api, store):
    response = api.post("/api/v1/agents/compression/run", json={"subject": "photos"})
    assert response.status_code == 202, response.json
    task = response.json["task"]
    assert (task["agent"], task["subject"], task["state"], task["reason"]) == ("compression", "photos", "queued",
                                                                                "manual")
    assert task["pool"] == "tank"      # from the subject the service registered
    assert api.get(response.headers["Location"]).json["task"]["id"] == task["id"]
    assert [t["id"] for t in api.get("/api/v1/agents/tasks").json["tasks"]] == [task["id"]]
    assert store.task(task["id"])["state"] == "queued"    # in the database the service reads
    assert api.post("/api/v1/agents/drift/run").json["task"]["subject"] == ""   # no body: the box


def test_cancel_ends_a_queued_task_and_asks_a_running_one_to_stop(api, store):
    queued = api.post("/api/v1/agents/drift/run").json["task"]["id"]
    answer = api.post(f"/api/v1/agents/tasks/{queued}/cancel")
    assert answer.status_code == 200 and answer.json["result"] == "cancelled"
    assert answer.json["task"]["state"] == "cancelled" and store.task(queued)["state"] == "cancelled"
    again = api.post(f"/api/v1/agents/tasks/{queued}/cancel")
    assert again.status_code == 409 and "already ended (cancelled)" in again.json["error"]["message"]

    running = store.enqueue("compression", "photos", nudge=False)
    assert store.claim()["id"] == running
    answer = api.post(f"/api/v1/agents/tasks/{running}/cancel")
    assert answer.json["result"] == "cancelling" and store.cancel_requested() == [running]
    assert [t["state"] for t in api.get("/api/v1/agents/tasks?state=cancelled").json["tasks"]] == ["cancelled"]
    assert [t["id"] for t in api.get("/api/v1/agents/tasks?state=running&state=cancelled").json["tasks"]] == [
        running, queued]


def test_history_lists_runs_newest_first_and_per_agent(api, store):
    for agent in ("drift", "compression", "drift"):
        task = store.enqueue(agent, "photos" if agent == "compression" else "", nudge=False)
        store.claim()
        store.finish(task, "done", f"{agent} ok", {"n": task}, ok=True)
    runs = api.get("/api/v1/agents/history").json["runs"]
    assert [r["summary"] for r in runs] == ["drift ok", "compression ok", "drift ok"]
    drift = api.get("/api/v1/agents/history?agent=drift&limit=1").json["runs"]
    assert len(drift) == 1 and drift[0]["details"] == {"n": runs[0]["task_id"]} and drift[0]["ok"] is True


def test_an_unknown_agent_or_task_is_a_404_that_says_what_to_do(api, store):
    response = api.post("/api/v1/agents/defrag/run")
    assert response.status_code == 404
    assert response.json["error"]["message"] == ("no agent is named 'defrag'; `sigmavault agents list` shows the "
                                                 "agents of this box")
    assert api.post("/api/v1/agents/Not-A-Name/run").status_code == 404
    for task_id in ("4711", "99999999999999999999"):
        answer = api.post(f"/api/v1/agents/tasks/{task_id}/cancel")
        assert answer.status_code == 404 and f"no task has id {task_id}" in answer.json["error"]["message"]
    assert store.tasks(states=("queued", "running", "cancelled")) == []   # nothing was queued or changed


def test_a_subject_the_agent_does_not_have_is_a_404_naming_its_subjects(api, admin, store):
    response = api.post("/api/v1/agents/compression/run", json={"subject": "x"})
    assert response.status_code == 404
    assert "agent 'compression' has no subject 'x'; its subjects are: 'photos'" in response.json["error"]["message"]
    assert api.post("/api/v1/agents/drift/run", json={"subject": "photos"}).status_code == 404
    token = form_token(admin.get("/agents/").get_data(as_text=True))
    page = admin.post("/agents/compression/run", data={"csrf_token": token, "subject": "x"})
    assert page.status_code == 404
    assert store.tasks(states=("queued", "running", "cancelled")) == []   # nothing was queued


def test_bad_queries_and_bodies_are_refused_with_a_reason(api, store):
    assert "not a task state" in api.get("/api/v1/agents/tasks?state=lost").json["error"]["message"]
    assert api.get("/api/v1/agents/history?limit=0").status_code == 400
    assert api.post("/api/v1/agents/drift/run", json={"subject": 3}).status_code == 422
    assert api.post("/api/v1/agents/drift/run", json={"who": "x"}).status_code == 422
    assert api.post("/api/v1/agents/drift/run", data="x", content_type="text/plain").status_code == 415
    assert store.tasks() == []


def test_a_viewer_reads_the_agents_but_may_not_run_or_cancel(app, viewer, store):
    task = store.enqueue("drift", nudge=False)
    assert viewer.get("/api/v1/agents").status_code == 200
    page = viewer.get("/agents/").get_data(as_text=True)
    assert 'data-agent="drift"' in page and "data-run=" not in page and "data-cancel=" not in page
    token = form_token(page)
    for url in ("/api/v1/agents/drift/run", f"/api/v1/agents/tasks/{task}/cancel", "/agents/drift/run",
                f"/agents/tasks/{task}/cancel"):
        response = viewer.post(url, headers={"X-CSRF-Token": token}, data={"csrf_token": token})
        assert response.status_code == 403, url
    secret = app.extensions["sigmavault"].tokens.create("reader", "viewer", "alice")[1]
    refused = app.test_client().post("/api/v1/agents/drift/run", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 403 and "may look but not change" in refused.json["error"]["message"]
    assert [t["id"] for t in store.tasks()] == [task] and store.task(task)["state"] == "queued"


def test_an_admin_runs_and_cancels_from_the_page(admin, store):
    page = admin.get("/agents/").get_data(as_text=True)
    assert 'data-run="drift"' in page and "Nothing queued or running." in page
    token = form_token(page)
    answer = admin.post("/agents/drift/run", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/agents/")
    [task] = store.tasks()
    page = admin.get("/agents/").get_data(as_text=True)
    assert f"Queued drift as task {task['id']}." in page and f'data-cancel="{task["id"]}"' in page
    assert admin.post(f"/agents/tasks/{task['id']}/cancel", data={"csrf_token": token}).status_code == 302
    assert store.task(task["id"])["state"] == "cancelled"
    assert admin.post("/agents/drift/run", data={}).status_code == 400     # no CSRF token: refused
    live = admin.get("/agents/live").get_data(as_text=True)
    assert 'id="queue"' in live and "<html" not in live and "Nothing queued or running." in live


@pytest.fixture
def short_site():
    """A site in a short folder: pytest's own are too deep for the event bus's Unix socket path."""
    root = Path(tempfile.mkdtemp(prefix="svpanel-"))
    (root / "pillar").mkdir()
    (root / "pillar" / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (root / "pillar" / "sigmavault.sls").write_text("sigmavault: {}\n")
    yield Site(pillar_dir=root / "pillar", state_dir=root / "state", fstab=root / "fstab", etc=root / "etc")
    shutil.rmtree(root, ignore_errors=True)


def test_agent_events_on_salts_bus_reach_the_panels_event_stream(short_site, salt, accounts):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SITE": short_site, "SALT_CALL": salt,
                      "AUTHENTICATE": accounts.authenticate, "GROUPS_OF": accounts.groups_of,
                      "SSE_HEARTBEAT_SECONDS": 0.2, "SSE_MAX_SECONDS": 20.0, "PILLAR_CHECKS_THE_BOX": False})
    bridge, bus = app.extensions["sigmavault_agent_events"], app.extensions["sigmavault"].bus
    publisher = agent_bus.publisher(short_site)      # the agent service's, hosting the bus
    try:
        deadline = time.monotonic() + 60
        while not bus.since(0)[0] and time.monotonic() < deadline:   # the panel's subscriber connects
            publisher.publish("sigmavault/agents/test/ping", {})
            bus.wait(bus.last_id, timeout=0.2)
        assert bus.since(0)[0], "the panel never heard the agent service"
        after = bus.last_id
        publisher.publish("sigmavault/agents/task/5/started", {"id": 5, "agent": "drift", "state": "running"})
        secret = app.extensions["sigmavault"].tokens.create("sse", "viewer", "alice")[1]
        client = app.test_client()
        events = read_events(client.get(f"/api/v1/events?after={after}", buffered=False,
                                        headers={"Authorization": f"Bearer {secret}"}), until="agent")
        kind, event = events[-1]
        assert (kind, event["tag"], event["data"]["state"]) == ("agent", "sigmavault/agents/task/5/started",
                                                                 "running")
    finally:
        publisher.close()
        bridge.stop()
        app.extensions["sigmavault"].reader.shutdown()

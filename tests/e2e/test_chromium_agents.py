"""The agents page in real Chromium follows the real agent service live: an admin runs an agent, the page shows
its task running, then finished in the history, without a reload. The service (`sigmavault-agents`) publishes
on Salt's real minion event bus; the panel, served by waitress, hears it and streams it to the page."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sigmavault.agents.config import config_path, config_text, runtime_config
from sigmavault.agents.store import Store
from sigmavault.files import write_atomically
from sigmavault.site import Site
from sigmavault_panel.services.bus import EventBus
from tests.e2e.agents_for_test import AGENTS, release_file
from tests.e2e.conftest import CHROMIUM
from tests.e2e.test_panel_in_chromium import sign_in
from tests.panel.real_accounts import cannot_make_accounts
from tests.system.loopdisks import require_root

REPO = Path(__file__).resolve().parents[2]
SERVICE = str(Path(sys.executable).parent / "sigmavault-agents")
READY_SECONDS = 60


@pytest.fixture
def site():
    """A site in a short folder (the event bus's Unix socket paths must fit), without disks: the agents
    under test need none."""
    reason = require_root() or cannot_make_accounts()
    if reason:
        pytest.skip(reason)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    root = Path(tempfile.mkdtemp(prefix="svagents-"))
    made = Site(pillar_dir=root / "pillar", state_dir=root / "state", fstab=root / "fstab", etc=root / "etc")
    made.pillar_dir.mkdir()
    (made.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (made.pillar_dir / "sigmavault.sls").write_text("sigmavault: {}\n")
    made.etc.mkdir()
    yield made
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def service(site):
    """The real agent service with the test's agents, stopped (SIGTERM) at the end; yields once it has
    registered them in its database."""
    config_path(site).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(config_path(site), config_text(runtime_config({}, site, agents=AGENTS) | {"workers": 1}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    log = open(site.state_dir.parent / "service.log", "w")    # noqa: SIM115  (closed below)
    process = subprocess.Popen([SERVICE, "--state-dir", str(site.state_dir), "--agents",
                                "tests.e2e.agents_for_test:AGENTS"], cwd=REPO, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    store = Store.open(site)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not store.agents():
            assert process.poll() is None, (site.state_dir.parent / "service.log").read_text()
            assert time.monotonic() < deadline, "the agent service never registered its agents"
            time.sleep(0.1)
        yield store
    finally:
        store.close()
        process.terminate()
        try:
            assert process.wait(30) == 0, (site.state_dir.parent / "service.log").read_text()
        finally:
            if process.poll() is None:
                process.kill()
            log.close()


@dataclass
class Served:
    url: str
    bus: EventBus        # the panel's own event bus, which its event stream serves

    def agent_tags(self) -> list[str]:
        return [event.data["tag"] for event in self.bus.since(0)[0] if event.type == "agent"]


@pytest.fixture
def panel(site, account):
    import waitress

    from sigmavault_panel import create_app
    from sigmavault_panel.serving import waitress_settings
    app = create_app({"SITE": site, "ADMIN_GROUP": account.admin_group, "VIEW_GROUP": account.view_group,
                      "SSE_MAX_STREAMS": 4})
    server = waitress.create_server(app, **waitress_settings("127.0.0.1", 0, threads=8))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.effective_port}", app.extensions["sigmavault"].bus)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        app.extensions["sigmavault_agent_events"].stop()
        app.extensions["sigmavault"].reader.shutdown()


def test_the_agents_page_shows_a_task_running_then_finished_without_a_reload(page, site, service, panel, account):
    sign_in(page, panel.url, account)
    page.goto(f"{panel.url}/agents/")
    expect(page.locator('tr[data-agent="held"]')).to_contain_text("Waits until the test releases it.")
    expect(page.locator("#live-state")).to_have_text("Following live.")
    page.shots("agents")

    page.click('button[data-run="held"]')
    expect(page.locator(".flash")).to_contain_text("Queued held as task")
    [task] = service.tasks(states=("queued", "running", "done"))
    page.evaluate("window.sameDocument = true")       # gone if anything reloads the page from here on
    row = page.locator(f'tr[data-task="{task["id"]}"]')
    expect(row.locator("[data-state]")).to_have_text("running")
    expect(row).to_contain_text("waiting for the release file")
    expect(page.locator('tr[data-agent="held"] .badge').first).to_have_text("running")
    page.shots("task-running")

    release_file(site).touch()
    finished = page.locator(f'tr[data-run-of="{task["id"]}"]')
    expect(finished.locator("[data-state]")).to_have_text("done")
    expect(finished).to_contain_text("released")
    expect(row).to_have_count(0)
    expect(page.locator("#queue")).to_contain_text("Nothing queued or running.")
    page.shots("task-finished")
    assert page.evaluate("window.sameDocument") is True
    assert service.task(task["id"])["state"] == "done"
    # What the page followed came from the service over Salt's bus, through the panel's event stream.
    tags = panel.agent_tags()
    assert {f"sigmavault/agents/task/{task['id']}/{step}" for step in ("started", "finished")} <= set(tags), tags

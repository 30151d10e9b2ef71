"""End to end: the panel served by waitress on loopback, a real PAM account, a box of loop disks, real Chromium."""

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sigmavault.cli.state_results import parse_state_results
from sigmavault.salt_bridge.call import salt_call
from sigmavault.site import Site
from tests.panel.real_accounts import cannot_make_accounts, real_account
from tests.system.loopdisks import LoopDisks, require_root
from tests.system.sandbox import private_host_files

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "e2e"
CHROMIUM = "/usr/bin/chromium"
WAIT_MS = 60_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@dataclass
class Nas:
    root: Path
    site: Site
    mountpoint: Path

    @property
    def pillar_file(self) -> Path:
        return self.site.pillar_dir / "sigmavault.sls"


def pool_pillar(image: Path, mountpoint: Path) -> dict:
    return {"sigmavault": {"storage": {
        "disks": {"d0": {"backing_file": str(image)}},
        "pools": {"tank": {"devices": ["d0"], "mountpoint": str(mountpoint), "datasets": {}}}}}}


@pytest.fixture
def nas(tmp_path: Path):
    """A site with one btrfs pool, tank, on a loop disk, already applied; released even on failure."""
    reason = require_root() or cannot_make_accounts()
    if reason:
        pytest.skip(reason)
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    disks = LoopDisks(tmp_path)
    # The pool sits in a folder the test owns, open for the SMB guest (nobody) to walk through: pytest's own
    # folders are 0700, and any other pytest run on the box sets them back to 0700 when it starts.
    walkable = Path(tempfile.mkdtemp(prefix="sigmavault-e2e-"))
    walkable.chmod(0o755)
    (tmp_path / "etc").mkdir()
    site = Site(pillar_dir=tmp_path / "pillar", state_dir=tmp_path / "state", fstab=tmp_path / "fstab",
                etc=tmp_path / "etc")
    try:
        [(image, _device)] = disks.make(1)
        mountpoint = walkable / "tank"
        site.pillar_dir.mkdir()
        (site.pillar_dir / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
        (site.pillar_dir / "sigmavault.sls").write_text(yaml.safe_dump(pool_pillar(image, mountpoint)))
        results, errors = parse_state_results(salt_call(site, "state.apply").data)
        assert not errors and all(r.result for r in results), (errors, results)
        yield Nas(tmp_path, site, mountpoint)
    finally:
        disks.release(tmp_path)
        disks.release(walkable)
        shutil.rmtree(walkable, ignore_errors=True)


@pytest.fixture
def private_host(tmp_path: Path):
    """For a test that adds accounts or starts smbd: list it first, so the account, the box and the panel
    all live in a private copy of /etc and Samba's state (tests.system.sandbox)."""
    reason = require_root()
    if reason:
        pytest.skip(reason)
    with private_host_files(tmp_path / "host"):
        yield


@pytest.fixture
def account():
    with real_account("admin") as made:
        yield made


def slowed_salt(pause: float):
    """The real salt_call, pausing after each finished state so a person (or a test) can watch the progress."""
    def call(site, *args, on_state_done=None):
        def progress(name: str, seconds: float) -> None:
            on_state_done(name, seconds)
            time.sleep(pause)
        return salt_call(site, *args, on_state_done=progress if on_state_done else None)
    return call


@pytest.fixture
def panel_url(nas, account):
    import waitress

    from sigmavault_panel import create_app
    from sigmavault_panel.serving import waitress_settings
    app = create_app({"SITE": nas.site, "ADMIN_GROUP": account.admin_group, "VIEW_GROUP": account.view_group,
                      "SALT_CALL": slowed_salt(0.8), "SALT_WAIT_SECONDS": 8.0, "SSE_MAX_STREAMS": 4})
    server = waitress.create_server(app, **waitress_settings("127.0.0.1", 0, threads=8))   # as `serve` does
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        app.extensions["sigmavault"].runner.wait_idle(120)
        server.close()
        server.task_dispatcher.shutdown()    # its worker threads would outlive the test
        app.extensions["sigmavault"].reader.shutdown()


@pytest.fixture
def page(request):
    from playwright.sync_api import expect, sync_playwright
    directory = SCREENSHOTS / request.node.name
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # Every wait is on a condition (an element, a text); a busy machine only makes it take longer.
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)
        page.shots = Shots(page, directory)
        try:
            yield page
        finally:
            failed = getattr(request.node, "report_call", None)
            if failed is not None and failed.failed:
                page.screenshot(path=str(directory / "failure.png"), full_page=True)
            browser.close()


class Shots:
    def __init__(self, page, directory: Path):
        self.page, self.directory, self.count = page, directory, 0

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

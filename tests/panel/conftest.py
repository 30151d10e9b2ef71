"""The panel under test: a temporary site, fake Salt and accounts; `app` and `client` as in Flask's tutorial."""

import re
from pathlib import Path

import pytest
import yaml

from sigmavault.site import Site
from sigmavault_panel import create_app
from tests.panel.fakes import FakeAccounts, FakeSalt

PILLAR = {"sigmavault": {
    "system": {"hostname": None, "timezone": None},
    "storage": {
        "disks": {"d0": {"backing_file": "/tmp/d0.img", "wipe": False}},
        "pools": {"tank": {"type": "btrfs", "devices": ["d0"], "mountpoint": "/srv/tank",
                           "datasets": {"media": {"quota": None, "compression": None}}}}},
}}


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def site(tmp_path: Path) -> Site:
    pillar = tmp_path / "pillar"
    pillar.mkdir()
    (pillar / "top.sls").write_text("base:\n  '*':\n    - sigmavault\n")
    (pillar / "sigmavault.sls").write_text(yaml.safe_dump(PILLAR, sort_keys=False))
    return Site(pillar_dir=pillar, state_dir=tmp_path / "state", fstab=tmp_path / "fstab", etc=tmp_path / "etc")


@pytest.fixture
def salt() -> FakeSalt:
    return FakeSalt()


@pytest.fixture
def accounts() -> FakeAccounts:
    return FakeAccounts()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(site, salt, accounts, clock):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SITE": site, "SALT_CALL": salt,
        "AUTHENTICATE": accounts.authenticate, "GROUPS_OF": accounts.groups_of,
        "MEMBERS_OF": accounts.members_of, "SET_PASSWORD": accounts.set_password, "CLOCK": clock,
        "SALT_WAIT_SECONDS": 0.5, "SSE_HEARTBEAT_SECONDS": 0.2, "SSE_MAX_SECONDS": 2.0,
        "PILLAR_CHECKS_THE_BOX": False,   # the fake box has none of the disks its pillar names
        "AGENT_EVENTS_FROM_SALT": False,  # no agent service runs beside a fake Salt
    })
    yield app
    services = app.extensions["sigmavault"]
    services.runner.wait_idle(10)
    services.reader.shutdown()


@pytest.fixture
def token(app) -> str:
    """An admin API token's secret."""
    return app.extensions["sigmavault"].tokens.create("ci", "admin", "alice")[1]


@pytest.fixture
def api(app, token):
    """A client that sends the admin token on every request."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    """The CSRF token of the client's session (made by fetching any page)."""
    client.get("/login")
    with client.session_transaction() as session:
        return session["csrf"]


def login(client, user: str = "alice", password: str | None = None):
    from tests.panel.fakes import USERS
    password = USERS[user][0] if password is None else password
    return client.post("/login", data={"username": user, "password": password, "csrf_token": csrf(client)})


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def admin(client):
    assert login(client, "alice").status_code == 302
    return client


@pytest.fixture
def viewer(client):
    assert login(client, "victor").status_code == 302
    return client

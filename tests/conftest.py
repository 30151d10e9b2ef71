"""Shared by every tier: the repository root."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def agent_services_end_with_their_test(request, tmp_path_factory):
    """An agent service a test's converge started for a state dir in the test's own temporary folder is
    stopped when the test ends (tests/agent_services.py says why)."""
    from tests import agent_services
    before = set(agent_services.running())
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if folder is not None:
        agent_services.stop_those_under(folder, before)


@pytest.fixture(autouse=True, scope="session")
def agent_services_end_with_the_session(tmp_path_factory):
    """The same for services started under any of the session's temporary folders (module fixtures)."""
    from tests import agent_services
    before = set(agent_services.running())
    yield
    agent_services.stop_those_under(tmp_path_factory.getbasetemp(), before)

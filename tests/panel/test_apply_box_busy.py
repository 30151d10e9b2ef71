"""An apply from the panel goes through the one salt_call that holds the box: while agent work holds it and
does not yield in time, the job ends in an error that says why, and Salt never starts."""

import dataclasses

import pytest

from sigmavault.agents import boxlock
from sigmavault.salt_bridge import call
from tests.panel.test_jobs import finished, start


@pytest.fixture
def box_held(app, salt, site, monkeypatch):
    """The real salt_call (box lock and all, waiting 0.3 s) in front of the fake Salt; a box-holding agent
    task holds the box meanwhile."""
    monkeypatch.setattr(call, "_salt_call", lambda site, args, on_state_done: salt(site, *args,
                                                                                    on_state_done=on_state_done))

    def locked_salt(site, *args, on_state_done=None):
        return call.salt_call(site, *args, on_state_done=on_state_done, box_wait_seconds=0.3)

    services = app.extensions["sigmavault"]
    app.extensions["sigmavault"] = dataclasses.replace(services, salt=locked_salt)
    site.state_dir.mkdir(parents=True, exist_ok=True)
    task = boxlock.try_shared(site)
    try:
        yield salt
    finally:
        boxlock.release(task)
        app.extensions["sigmavault"] = services


def test_an_apply_while_agent_work_holds_the_box_is_an_error_that_says_why(app, admin, box_held):
    html = finished(app, admin, start(admin, "apply"))
    assert 'class="badge error"' in html
    assert "the apply did not start, nothing changed: the box is held" in html
    assert "state.apply" not in box_held.calls      # Salt never started


def test_a_preview_runs_while_agent_work_holds_the_box(app, admin, box_held):
    html = finished(app, admin, start(admin, "preview"))
    assert box_held.calls[-1] == "state.apply test=True" and "1 of 3 states would change" in html

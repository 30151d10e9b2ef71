"""Preview and apply as jobs: one at a time, progress on the bus, a readable summary, errors as sentences."""

import threading

from sigmavault.salt_bridge.call import SaltUnavailable
from tests.panel.conftest import form_token
from tests.panel.fakes import state


def start(client, kind: str):
    page = client.get("/jobs/").get_data(as_text=True)
    return client.post(f"/jobs/{kind}", data={"csrf_token": form_token(page)})


def finished(app, client, response) -> str:
    app.extensions["sigmavault"].runner.wait_idle(5)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_preview_lists_per_state_what_would_change(app, admin, salt):
    response = start(admin, "preview")
    assert response.status_code == 302
    html = finished(app, admin, response)
    assert salt.calls[-1] == "state.apply test=True"
    assert 'data-state="converge_dataset_tank_photos"' in html and "would create subvolume tank/photos" in html
    assert "1 of 3 states would change, 0 refused" in html
    assert "2 state(s) already as declared" in html
    assert 'id="apply"' in html   # offer to apply what was previewed


def test_apply_shows_progress_per_state_and_a_summary(app, admin):
    html = finished(app, admin, start(admin, "apply"))
    assert html.count("<li data-n=") == 3 and "converge_dataset_tank_photos" in html
    assert "3 states: 1 changed, 2 unchanged, 0 failed" in html
    assert 'class="badge succeeded"' in html


def test_failed_state_shows_its_comment_not_a_traceback(app, admin, salt):
    salt.answers["state.apply"] = dict([state(0, "validate_pillar_and_disks", False,
                                              "pillar refused, nothing was changed:\nsigmavault.storage.disks.d0: "
                                              "no disk with backing file /tmp/d0.img is attached")])
    html = finished(app, admin, start(admin, "apply"))
    assert 'class="badge failed"' in html and "no disk with backing file /tmp/d0.img is attached" in html


def test_salt_that_cannot_start_is_an_error_with_salts_words(app, admin, salt):
    salt.answers["state.apply"] = ["Rendering SLS 'base:sigmavault' failed: mapping values are not allowed"]
    html = finished(app, admin, start(admin, "apply"))
    assert 'class="badge error"' in html and "Rendering SLS" in html


def test_missing_salt_call_is_an_error_not_a_crash(app, admin, salt):
    salt.answers["state.apply"] = SaltUnavailable("cannot run salt-call: no such file; run `make setup` first")
    html = finished(app, admin, start(admin, "apply"))
    assert "run `make setup` first" in html and "Traceback" not in html


def test_unexpected_failure_in_a_job_is_a_sentence_and_the_panel_goes_on(app, admin, salt):
    salt.answers["state.apply"] = ZeroDivisionError("division by zero")
    html = finished(app, admin, start(admin, "apply"))
    assert "the panel could not finish the job: division by zero" in html
    assert start(admin, "preview").status_code == 302


def test_second_job_is_refused_clearly_while_one_runs(app, admin, salt):
    salt.release_apply = threading.Event()
    first = start(admin, "apply")
    second = start(admin, "apply")
    assert second.status_code == 409
    assert "apply job 1 started by alice is still running" in second.get_data(as_text=True)
    salt.release_apply.set()
    finished(app, admin, first)
    assert start(admin, "preview").status_code == 302


def test_jobs_are_kept_across_a_restart_of_the_panel(app, admin, site):
    finished(app, admin, start(admin, "apply"))
    from sigmavault_panel.services.bus import EventBus
    from sigmavault_panel.services.runner import JobRunner
    again = JobRunner(site.state_dir / "panel" / "jobs", EventBus())
    assert [(j.id, j.kind, j.status) for j in again.recent()] == [(1, "apply", "succeeded")]


def test_apply_makes_the_dashboard_read_salt_again(app, admin, salt):
    admin.get("/")
    finished(app, admin, start(admin, "apply"))
    admin.get("/")
    assert salt.count("sigmavault_storage.status") == 2


def test_running_job_page_follows_live_and_works_without_javascript(app, admin, salt):
    salt.release_apply = threading.Event()
    response = start(admin, "apply")
    html = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-running="1"' in html and '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    salt.release_apply.set()


def test_unknown_job_is_404(admin):
    assert admin.get("/jobs/999").status_code == 404

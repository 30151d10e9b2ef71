"""A damaged record in the panel's state folder is a message naming the file, never a 500 or a lost file."""

from click.testing import CliRunner

from sigmavault.records import RecordDamaged
from sigmavault_panel import create_app
from sigmavault_panel.__main__ import main as panel_main
from sigmavault_panel.config import secret_key
from tests.panel.conftest import login
from tests.panel.test_jobs import finished, start


def _restarted(app):
    """The same panel started again, so it reads its records from disk afresh."""
    app.extensions["sigmavault"].runner.wait_idle(10)
    return create_app(dict(app.config))


def test_truncated_tokens_file_answers_503_naming_the_file_for_a_bearer_request(app, site):
    _token, secret = app.extensions["sigmavault"].tokens.create("nightly", "admin", "alice")
    tokens = site.state_dir / "panel" / "tokens.json"
    whole = tokens.read_text()
    tokens.write_text(whole[: len(whole) // 2])

    answer = app.test_client().get("/api/v1/system", headers={"Authorization": f"Bearer {secret}"})

    assert answer.status_code == 503
    message = answer.get_json()["error"]["message"]
    assert str(tokens) in message and "not valid JSON" in message and "removing it revokes every token" in message
    assert "Traceback" not in answer.get_data(as_text=True)
    assert tokens.read_text() == whole[: len(whole) // 2]   # nothing rewritten behind the owner's back


def test_token_entry_of_the_wrong_shape_is_damage_not_a_crash(app, site):
    tokens = site.state_dir / "panel" / "tokens.json"
    tokens.parent.mkdir(parents=True, exist_ok=True)
    tokens.write_text('{"abc": {"id": "1"}}')
    answer = app.test_client().get("/api/v1/system", headers={"Authorization": "Bearer svt_whatever"})
    assert answer.status_code == 503 and str(tokens) in answer.get_json()["error"]["message"]


def test_truncated_job_record_is_shown_as_that_job_and_never_overwritten(app, admin, site):
    finished(app, admin, start(admin, "apply"))
    record = site.state_dir / "panel" / "jobs" / "1.json"
    damaged = record.read_text()[:40]
    record.write_text(damaged)

    again = _restarted(app)
    client = again.test_client()
    assert login(client, "alice").status_code == 302
    listing = client.get("/jobs/1").get_data(as_text=True)
    assert str(record) in listing and "not valid JSON" in listing
    second = finished(again, client, start(client, "apply"))
    assert "Apply #2" in second
    assert record.read_text() == damaged
    assert (record.parent / "2.json").exists()
    again.extensions["sigmavault"].reader.shutdown()


def test_a_damaged_salt_job_record_stops_an_apply_with_its_file_and_remedy(app, admin, salt, site):
    salt.answers["state.apply"] = RecordDamaged(site.state_dir / "salt" / "cache" / "proc" / "2026",
                                                "does not decode", "wait for salt-call 42 to end, then apply again")
    html = finished(app, admin, start(admin, "apply"))
    assert 'class="badge error"' in html and "proc/2026" in html and "wait for salt-call 42" in html
    assert "could not finish" not in html   # the record's own words, not an unexpected failure


def test_token_command_names_a_damaged_tokens_file_without_a_traceback(site):
    tokens = site.state_dir / "panel" / "tokens.json"
    tokens.parent.mkdir(parents=True, exist_ok=True)
    tokens.write_text('[{"half')
    done = CliRunner().invoke(panel_main, ["token", "list", "--state-dir", str(site.state_dir)])
    assert done.exit_code == 1 and str(tokens) in done.output and "Traceback" not in done.output
    assert not isinstance(done.exception, RecordDamaged)


def test_a_session_key_cut_short_is_replaced_by_a_whole_one(app, site):
    folder = site.state_dir / "panel"
    made = secret_key(folder)
    (folder / "secret_key").write_bytes(made[:3])
    restarted = create_app(dict(app.config, SECRET_KEY=None))
    key = restarted.config["SECRET_KEY"]
    assert len(key) == 32 and key != made and (folder / "secret_key").read_bytes() == key
    assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600
    assert secret_key(folder) == key   # kept from then on

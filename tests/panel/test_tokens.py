"""API tokens: shown once, kept only as a hash, made and revoked by admins in the page or on the command line."""

import re

from click.testing import CliRunner

from sigmavault_panel.__main__ import main
from tests.panel.conftest import form_token


def test_admin_makes_a_token_in_the_page_and_it_is_shown_once(app, admin, site):
    page = admin.get("/tokens").get_data(as_text=True)
    made = admin.post("/tokens", data={"csrf_token": form_token(page), "name": "nightly", "role": "viewer"})
    secret = re.search(r'<code id="new-token">(svt_[^<]+)</code>', made.get_data(as_text=True)).group(1)
    assert secret not in admin.get("/tokens").get_data(as_text=True)
    stored = (site.state_dir / "panel" / "tokens.json").read_text()
    assert secret not in stored and "nightly" in stored
    assert (site.state_dir / "panel" / "tokens.json").stat().st_mode & 0o777 == 0o600
    assert app.test_client().get("/api/v1/system", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_token_names_are_checked(admin):
    page = admin.get("/tokens").get_data(as_text=True)
    assert admin.post("/tokens", data={"csrf_token": form_token(page), "name": "a b\n"}).status_code == 422
    assert admin.post("/tokens", data={"csrf_token": form_token(page), "name": "ok", "role": "root"}).status_code == 422


def test_revoking_in_the_page(app, admin):
    token, secret = app.extensions["sigmavault"].tokens.create("old", "admin", "alice")
    page = admin.get("/tokens").get_data(as_text=True)
    assert admin.post(f"/tokens/{token.id}/revoke", data={"csrf_token": form_token(page)}).status_code == 302
    assert app.test_client().get("/api/v1/system", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_root_makes_lists_and_revokes_tokens_on_the_command_line(tmp_path):
    runner = CliRunner()
    made = runner.invoke(main, ["token", "create", "backup", "--role", "admin", "--state-dir", str(tmp_path)])
    assert made.exit_code == 0 and made.stdout.strip().startswith("svt_")
    listed = runner.invoke(main, ["token", "list", "--state-dir", str(tmp_path)]).stdout
    token_id = listed.split()[0]
    assert "admin" in listed and "backup" in listed
    assert runner.invoke(main, ["token", "revoke", token_id, "--state-dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["token", "list", "--state-dir", str(tmp_path)]).stdout == ""


def test_grant_refuses_an_account_that_does_not_exist():
    result = CliRunner().invoke(main, ["grant", "no-such-user-sv"])
    assert result.exit_code != 0 and "there is no account" in result.output

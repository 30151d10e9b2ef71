"""The one-time sign-in `make panel` prints (the image's first boot does the same): a real account, real PAM,
real chpasswd. And `grant` tells the truth about an account that cannot sign in yet."""

import re
import subprocess

import pytest
from click.testing import CliRunner

from sigmavault_panel import create_app
from sigmavault_panel.__main__ import main
from sigmavault_panel.services.accounts import Check, pam_authenticator, password_state
from tests.panel.conftest import csrf, form_token
from tests.panel.real_accounts import cannot_make_accounts, removed_afterwards

pytestmark = pytest.mark.skipif(bool(cannot_make_accounts()), reason=cannot_make_accounts() or "")
NEW = "my-own-password-42"


@pytest.fixture
def names():
    with removed_afterwards() as made:
        yield made


def one_time(user: str, group: str, *options: str) -> str:
    result = CliRunner().invoke(main, ["one-time-password", user, "--admin-group", group, *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_one_time_password_signs_in_once_and_the_account_chooses_its_own(names, site):
    user, group = names
    output = one_time(user, group, "--create")
    password = re.search(r"one-time password (\S+) ", output).group(1)
    assert password_state(user) == "must change"
    authenticate = pam_authenticator("sigmavault-panel")
    assert authenticate(user, password) is Check.MUST_CHANGE

    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SITE": site, "ADMIN_GROUP": group,
                      "VIEW_GROUP": group + "-view"})
    try:
        client = app.test_client()
        answer = client.post("/login", data={"username": user, "password": password, "csrf_token": csrf(client)})
        assert answer.headers["Location"] == "/login/new-password"
        token = form_token(client.get("/login/new-password").get_data(as_text=True))
        chosen = client.post("/login/new-password", data={"password": NEW, "again": NEW, "csrf_token": token})
        assert chosen.status_code == 302 and chosen.headers["Location"] == "/"
        assert f"{user} <small>(admin)" in client.get("/jobs/").get_data(as_text=True)
    finally:
        app.extensions["sigmavault"].reader.shutdown()
    assert authenticate(user, NEW) is Check.ACCEPTED and not authenticate(user, password)
    assert "already has its own password" in one_time(user, group)   # make panel again keeps it
    assert authenticate(user, NEW) is Check.ACCEPTED


def test_grant_says_a_locked_account_is_locked_and_how_to_give_it_a_password(names):
    user, group = names
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user], check=True)
    result = CliRunner().invoke(main, ["grant", user, "--admin-group", group])
    assert result.exit_code == 0, result.output
    assert "may now sign in" not in result.output
    assert "locked" in result.output and f"passwd {user}" in result.output and "one-time-password" in result.output
    subprocess.run(["chpasswd"], input=f"{user}:{NEW}\n", text=True, check=True)
    again = CliRunner().invoke(main, ["grant", user, "--admin-group", group])
    assert f"{user} may now sign in to the panel as admin (group {group})" in again.output


def test_one_time_password_refuses_a_missing_account_without_create(names):
    user, group = names
    result = CliRunner().invoke(main, ["one-time-password", user, "--admin-group", group])
    assert result.exit_code != 0 and "there is no account" in result.output
    assert subprocess.run(["id", user], capture_output=True).returncode != 0

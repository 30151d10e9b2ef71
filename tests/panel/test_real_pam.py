"""Signing in against the box's real accounts through PAM (needs root: a user and groups are made and removed)."""

import grp
import pwd

import pytest

from sigmavault_panel import create_app
from sigmavault_panel.services.accounts import pam_authenticator, system_groups
from tests.panel.conftest import csrf
from tests.panel.real_accounts import cannot_make_accounts, real_account

pytestmark = pytest.mark.skipif(bool(cannot_make_accounts()), reason=cannot_make_accounts() or "")


@pytest.fixture
def account():
    with real_account() as made:
        yield made
    with pytest.raises(KeyError):
        pwd.getpwnam(made.user)
    with pytest.raises(KeyError):
        grp.getgrnam(made.admin_group)


def test_pam_accepts_the_accounts_password_and_nothing_else(account):
    authenticate = pam_authenticator("sigmavault-panel")
    assert authenticate(account.user, account.password)
    assert not authenticate(account.user, account.password + "x")
    assert not authenticate(account.user, "")
    assert not authenticate(account.user, "nul\x00byte")


def test_group_membership_comes_from_the_system(account):
    assert account.admin_group in system_groups(account.user)
    assert system_groups("no-such-user-sv") == set()


def test_real_account_signs_in_to_the_panel_as_admin(account, site):
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SITE": site, "ADMIN_GROUP": account.admin_group,
                      "VIEW_GROUP": account.view_group})
    client = app.test_client()
    token = csrf(client)
    refused = client.post("/login", data={"username": account.user, "password": "wrong", "csrf_token": token})
    assert refused.status_code == 401
    accepted = client.post("/login", data={"username": account.user, "password": account.password,
                                           "csrf_token": token})
    assert accepted.status_code == 302
    assert f"{account.user} <small>(admin)" in client.get("/jobs/").get_data(as_text=True)
    app.extensions["sigmavault"].reader.shutdown()

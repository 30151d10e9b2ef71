"""Signing in with a one-time (expired) password: the account chooses its own before anything else."""

import pytest

from tests.panel.conftest import form_token, login

NEW = "a-new-password-of-mine"


@pytest.fixture
def one_time(client, accounts):
    """alice signed in with a one-time password and was sent to choose a new one."""
    accounts.expired.add("alice")
    response = login(client, "alice")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/new-password")
    return client


def choose(client, password: str, again: str | None = None):
    token = form_token(client.get("/login/new-password").get_data(as_text=True))
    return client.post("/login/new-password", data={"password": password, "again": password if again is None
                                                     else again, "csrf_token": token})


def test_a_one_time_password_leads_to_choosing_a_new_one_and_nothing_else(one_time):
    assert "Choose your password" in one_time.get("/login/new-password").get_data(as_text=True)
    assert one_time.get("/").status_code == 302   # not signed in yet
    assert one_time.get("/api/v1/pillar").status_code == 401


def test_the_new_password_is_set_and_the_account_signed_in(one_time, accounts):
    response = choose(one_time, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert accounts.users["alice"][0] == NEW and "alice" not in accounts.expired
    assert one_time.get("/").status_code == 200


@pytest.mark.parametrize("password, again, says", [
    (NEW, NEW + "x", "the two passwords differ"), ("short", "short", "at least 10 characters")])
def test_a_mismatched_or_short_password_is_refused_and_nothing_is_set(one_time, accounts, password, again, says):
    response = choose(one_time, password, again)
    assert response.status_code == 422 and says in response.get_data(as_text=True)
    assert accounts.users["alice"][0] == "alice-secret-1" and "alice" in accounts.expired


def test_the_chance_to_choose_is_used_once(one_time):
    with one_time.session_transaction() as session:
        pending = dict(session)
    choose(one_time, NEW)
    with one_time.session_transaction() as session:
        session.clear()
        session.update(pending)   # replay the cookie from before the new password was set
    assert one_time.get("/login/new-password").headers["Location"] == "/login"


def test_the_chance_to_choose_ends_after_five_minutes(one_time, clock):
    clock.advance(5 * 60 + 1)
    assert one_time.get("/login/new-password").headers["Location"] == "/login"


def test_without_a_one_time_sign_in_there_is_nothing_to_choose(client, accounts):
    assert client.get("/login/new-password").headers["Location"] == "/login"
    token = form_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login/new-password", data={"password": NEW, "again": NEW, "csrf_token": token})
    assert response.status_code == 302 and accounts.users["alice"][0] == "alice-secret-1"

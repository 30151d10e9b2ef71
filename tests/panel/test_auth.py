"""Signing in: PAM-checked accounts in the admin or read-only group, lockout, rate limits, timeouts, CSRF."""

import re

import pytest

from tests.panel.conftest import csrf, login


def test_admin_signs_in_and_sees_the_dashboard(client):
    response = login(client, "alice")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "alice" in page.get_data(as_text=True)


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    response = login(client, "alice", "nope")
    assert response.status_code == 401
    assert "wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client):
    response = login(client, "nobody", "whatever")
    assert response.status_code == 401 and "wrong user name or password" in response.get_data(as_text=True)


def answer(response) -> tuple[int, str]:
    """What a client learns from a login answer (the form's fresh CSRF token aside)."""
    return response.status_code, re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))


def test_account_outside_both_groups_gets_the_answer_of_a_wrong_password_and_pam_is_not_asked(app, accounts):
    right, wrong = app.test_client(), app.test_client()
    assert answer(login(right, "mallory")) == answer(login(wrong, "mallory", "not-it"))
    assert answer(login(right, "mallory"))[0] == 401
    assert "mallory" not in accounts.checked   # its password is never tried: the panel is no password oracle
    assert right.get("/").status_code == 302


def test_a_second_sign_in_in_the_same_browser_ends_the_first_session_on_the_server(client):
    login(client, "alice")
    with client.session_transaction() as session:
        first = dict(session)
    assert login(client, "victor").status_code == 302
    with client.session_transaction() as session:
        assert session["sid"] != first["sid"]
        session.update(first)   # replay the first sign-in's cookie
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_secure_and_http_only_over_https_only(app):
    over_https = app.test_client().get("/login", base_url="https://nas.example").headers["Set-Cookie"]
    over_http = app.test_client().get("/login").headers["Set-Cookie"]
    assert "; Secure" in over_https and "; HttpOnly" in over_https and "SameSite=Strict" in over_https
    assert "; Secure" not in over_http and "; HttpOnly" in over_http


def test_forwarded_headers_are_not_believed_by_the_app_itself(client):
    """Only the server believes X-Forwarded-*, and only from a configured proxy (tests/panel/test_behind_nginx.py)."""
    for i in range(20):
        login_from = {"username": f"user{i}", "password": "bad", "csrf_token": csrf(client)}
        client.post("/login", data=login_from, headers={"X-Forwarded-For": f"192.0.2.{i}"},
                    environ_base={"REMOTE_ADDR": "127.0.0.9"})
    refused = client.post("/login", data={"username": "victor", "password": "victor-secret-1",
                                          "csrf_token": csrf(client)},
                          headers={"X-Forwarded-For": "192.0.2.200"}, environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert refused.status_code == 429


def test_account_locks_after_five_failures_even_for_the_right_password(client, accounts):
    for _ in range(5):
        assert login(client, "alice", "bad").status_code == 401
    checked = len(accounts.checked)
    response = login(client, "alice")
    assert response.status_code == 429 and "locked" in response.get_data(as_text=True)
    assert len(accounts.checked) == checked   # PAM was not even asked


def test_lockout_ends_after_the_lockout_time(client, clock):
    for _ in range(5):
        login(client, "alice", "bad")
    clock.advance(15 * 60 + 1)
    assert login(client, "alice").status_code == 302


def test_lockout_of_one_account_does_not_lock_another(client):
    for _ in range(5):
        login(client, "alice", "bad")
    assert login(client, "victor").status_code == 302


def test_one_address_gets_a_budget_of_attempts(client):
    for i in range(20):
        login(client, f"user{i}", "bad")
    response = login(client, "victor")
    assert response.status_code == 429 and "this address" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, accounts):
    response = client.post("/login", data={"username": "alice", "password": "alice-secret-1"})
    assert response.status_code == 400
    assert accounts.checked == []


def test_signed_in_form_without_csrf_token_is_refused(admin, site):
    before = (site.pillar_dir / "sigmavault.sls").read_text()
    response = admin.post("/pillar/raw", data={"text": "sigmavault: {}\n", "etag": "x", "action": "save"})
    assert response.status_code == 400 and "reload the page" in response.get_data(as_text=True)
    assert (site.pillar_dir / "sigmavault.sls").read_text() == before


def test_csrf_token_changes_when_signing_in(client):
    before = csrf(client)
    login(client, "alice")
    with client.session_transaction() as session:
        assert session.get("csrf") != before


def test_session_ends_after_fifteen_idle_minutes(admin, clock):
    clock.advance(14 * 60)
    assert admin.get("/").status_code == 200
    clock.advance(14 * 60)
    assert admin.get("/").status_code == 200   # each request restarts the idle time
    clock.advance(15 * 60 + 1)
    response = admin.get("/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]


def test_session_ends_after_eight_hours_however_busy(admin, clock):
    for _ in range(8 * 4 + 1):   # 33 × (15 min - 1 s) > 8 h
        clock.advance(15 * 60 - 1)
        admin.get("/")
    assert admin.get("/").status_code == 302


def test_logout_ends_the_session_on_the_server_too(client):
    login(client, "alice")
    token = csrf(client)
    with client.session_transaction() as session:
        stolen = dict(session)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    with client.session_transaction() as session:   # replay the old cookie's contents
        session.update(stolen)
    assert client.get("/").status_code == 302


def test_removing_an_admin_from_the_group_takes_effect_on_the_next_request(admin, accounts):
    accounts.users["alice"][1].discard("sigmavault-admin")
    assert admin.get("/").status_code == 302


def test_demoted_admin_becomes_read_only_at_once(admin, accounts, site):
    accounts.users["alice"][1].discard("sigmavault-admin")
    accounts.users["alice"][1].add("sigmavault-view")
    assert admin.get("/").status_code == 200
    assert admin.post("/jobs/apply", data={"csrf_token": csrf(admin)}).status_code == 403


@pytest.mark.parametrize("target, expected", [
    ("/pillar/storage", "/pillar/storage"), ("https://evil.example/", "/"), ("//evil.example/x", "/"),
    ("javascript:alert(1)", "/")])
def test_login_returns_only_to_pages_of_the_panel(client, target, expected):
    token = csrf(client)
    response = client.post(f"/login?next={target}", data={"username": "alice", "password": "alice-secret-1",
                                                           "csrf_token": token})
    assert response.headers["Location"] == expected


def test_pages_redirect_to_login_and_back(client):
    response = client.get("/pillar/storage")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/pillar/storage")


def test_login_page_says_no_default_password_ships_when_no_admin_exists(client, accounts):
    accounts.users["alice"][1].discard("sigmavault-admin")   # the test's own accounts, never the host's group
    text = client.get("/login").get_data(as_text=True)
    assert "no default password" in text and "grant USER" in text


def test_login_page_gives_no_grant_hint_once_an_admin_exists(client):
    assert "no default password" not in client.get("/login").get_data(as_text=True)

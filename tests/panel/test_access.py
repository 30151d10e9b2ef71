"""No one without the admin role changes anything: every mutating route, found from the URL map, is tried."""

import pytest

from tests.panel.conftest import csrf, login

SAMPLE_ARGS = {"domain": "storage", "token_id": "abc123", "job_id": 1, "version": "0" * 40, "name": "drift",
               "task_id": 1}
SIGN_IN_OUT = {"auth.login", "auth.new_password", "auth.logout"}


def mutating_routes(app) -> list[tuple[str, str, str]]:
    routes = []
    with app.test_request_context():
        from flask import url_for
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
                if rule.endpoint not in SIGN_IN_OUT:
                    args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
                    routes.append((rule.endpoint, method, url_for(rule.endpoint, **args)))
    return routes


def box_state(app, site) -> tuple:
    services = app.extensions["sigmavault"]
    return ((site.pillar_dir / "sigmavault.sls").read_text(), (site.pillar_dir / ".git").exists(),
            len(services.runner.recent()), len(services.tokens.list()))


def test_the_panel_has_the_mutating_routes_this_test_expects(app):
    endpoints = {endpoint for endpoint, _, _ in mutating_routes(app)}
    assert {"pillar.edit", "pillar.raw", "pillar.rollback", "jobs.preview", "jobs.apply", "auth.create_token",
            "auth.revoke_token", "api.pillar_put", "api.pillar_rollback", "api.plan", "api.apply",
            "api.tokens_create", "api.tokens_revoke", "api.pillar_validate", "agents.run", "agents.cancel",
            "api.agents_run", "api.agents_cancel"} <= endpoints


def test_signed_out_visitor_changes_nothing(app, client, site):
    before = box_state(app, site)
    token = csrf(client)
    for endpoint, method, url in mutating_routes(app):
        response = client.open(url, method=method, data={"csrf_token": token, "text": "sigmavault: {}\n"})
        assert response.status_code == 401, (endpoint, response.status_code)
    assert box_state(app, site) == before


def test_read_only_user_changes_nothing(app, viewer, site):
    before = box_state(app, site)
    token = csrf(viewer)
    for endpoint, method, url in mutating_routes(app):
        response = viewer.open(url, method=method, data={"csrf_token": token, "text": "sigmavault: {}\n"},
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 403, (endpoint, response.status_code)
        assert "read-only" in response.get_data(as_text=True)
    assert box_state(app, site) == before


def test_read_only_api_token_changes_nothing(app, site):
    services = app.extensions["sigmavault"]
    _, secret = services.tokens.create("reader", "viewer", "alice")
    client, before = app.test_client(), box_state(app, site)
    for endpoint, method, url in mutating_routes(app):
        response = client.open(url, method=method, json={"text": "sigmavault: {}\n"},
                               headers={"Authorization": f"Bearer {secret}", "If-Match": "*"})
        assert response.status_code == 403, (endpoint, response.status_code)
    assert box_state(app, site) == before


def test_unknown_or_malformed_api_token_is_refused(client):
    for header in ("Bearer svt_made-up", "Bearer ", "Basic YWxpY2U6eA==", "Bearer svt_" + "x" * 5000):
        response = client.get("/api/v1/pillar", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json["error"]["status"] == 401


def test_read_only_user_sees_the_forms_disabled_and_no_save_button(viewer):
    html = viewer.get("/pillar/storage").get_data(as_text=True)
    assert '<fieldset class="wrapper" disabled>' in html
    assert 'id="save"' not in html and 'id="preview"' not in html


@pytest.mark.parametrize("path", ["/", "/pillar/", "/pillar/storage", "/pillar/raw", "/jobs/", "/events?after=0"])
def test_read_only_user_may_look(viewer, path):
    response = viewer.get(path, buffered=False)
    assert response.status_code == 200
    response.close()


def test_read_only_user_sees_tokens_but_no_buttons_to_make_or_revoke_them(app, viewer):
    app.extensions["sigmavault"].tokens.create("backup-script", "viewer", "alice")
    html = viewer.get("/tokens").get_data(as_text=True)
    assert "backup-script" in html and "Revoke" not in html and "New token" not in html


def test_admin_without_csrf_header_cannot_change_through_the_api_with_a_session(admin):
    response = admin.post("/api/v1/plan")
    assert response.status_code == 400


def test_session_login_does_not_skip_the_admin_rule_for_the_api(client):
    login(client, "victor")
    token = csrf(client)
    assert client.post("/api/v1/apply", headers={"X-CSRF-Token": token}).status_code == 403

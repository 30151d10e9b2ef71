"""The application factory and what every response carries."""

import stat

from sigmavault_panel import create_app
from sigmavault_panel.security import CSP


def test_every_response_carries_the_secure_headers(client):
    for path in ("/login", "/", "/api/v1/health/live", "/api/v1/pillar", "/static/panel.css", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CSP, path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_are_not_cached_but_static_files_may_be(admin):
    assert admin.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in admin.get("/static/panel.css").headers.get("Cache-Control", "")


def test_pages_have_no_inline_script_or_style(admin):
    for path in ("/", "/pillar/", "/pillar/storage", "/pillar/raw", "/jobs/", "/tokens"):
        html = admin.get(path).get_data(as_text=True)
        assert "<script>" not in html and "style=" not in html and "<style" not in html, path


def test_session_cookie_is_http_only_and_same_site_strict(client):
    from tests.panel.conftest import login
    response = login(client, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_secret_key_is_made_once_per_box_and_readable_by_root_only(site):
    first = create_app({"SITE": site})
    key_file = site.state_dir / "panel" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = create_app({"SITE": site})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_bytes()
    for made in (first, second):
        made.extensions["sigmavault"].reader.shutdown()


def test_unknown_page_is_a_readable_404(admin):
    response = admin.get("/nowhere")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_unexpected_error_shows_a_sentence_not_a_traceback(app, admin):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.extensions["sigmavault"].store.read = lambda: 1 / 0
    response = admin.get("/pillar/")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "unexpected error" in text and "ZeroDivisionError" not in text and "Traceback" not in text

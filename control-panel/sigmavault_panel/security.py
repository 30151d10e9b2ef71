"""Secure headers on every response, and CSRF tokens on every form a signed-in browser posts."""

import hmac
import secrets

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from sigmavault_panel.errors import refuse

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SIGN_IN_FORMS = {"auth.login", "auth.new_password"}   # posted by a browser before it is signed in
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over https (directly, or through a trusted
    proxy's X-Forwarded-Proto), so it never travels in clear text once the panel was reached with TLS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_check():
    """Browsers (sessions, and the login form) must echo the token; API tokens carry no ambient authority."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    identity = g.get("identity")
    if request.endpoint not in SIGN_IN_FORMS and (identity is None or identity.via != "session"):
        return None
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if expected and hmac.compare_digest(sent.encode(), expected.encode()):
        return None
    return refuse(400, "this form expired or did not come from the panel; reload the page and try again")


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.before_request(_csrf_check)
    app.after_request(_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token

"""Who is asking: a signed-in session or an API token, and what that role may do.

The rules are global, not per view, so a new route cannot forget them:
- every page and API route needs an identity, except the login page, static files and the open health checks;
- every request that is not GET/HEAD/OPTIONS needs the admin role, except signing in and out.
"""

from dataclasses import dataclass

from flask import Flask, current_app, g, redirect, request, session, url_for

from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services.accounts import ADMIN, role_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
OPEN_ENDPOINTS = {"auth.login", "auth.new_password", "static", "api.health_live", "api.health_ready",
                  "api.openapi"}
ANY_ROLE_MUTATIONS = {"auth.login", "auth.new_password", "auth.logout"}


@dataclass(frozen=True)
class Identity:
    user: str           # the account, or "token:<name>"
    role: str           # admin | viewer
    via: str            # session | token
    author: str         # how versions of the pillar name this identity

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _identify() -> Identity | None:
    services = panel()
    secret = bearer_secret()
    if secret is not None:
        token = services.tokens.verify(secret)
        if token is None:
            return None
        return Identity(f"token:{token.name}", token.role, "token", f"{token.name} (API token of {token.created_by})")
    live = services.sessions.touch(session.get("sid"))
    if live is None:
        return None
    role = role_of(services.groups_of(live.user), current_app.config["ADMIN_GROUP"], current_app.config["VIEW_GROUP"])
    if role is None:   # taken out of both groups since signing in
        services.sessions.end(live.id)
        return None
    return Identity(live.user, role, "session", live.user)


def is_api() -> bool:
    return request.path.startswith("/api/")


def _guard():
    g.identity = _identify()
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS:
        return None
    if g.identity is None:
        if is_api() or request.method not in SAFE_METHODS:
            return refuse(401, "sign in first, or send an API token as 'Authorization: Bearer svt_…'")
        if session.get("sid"):
            session.pop("sid", None)
            return redirect(url_for("auth.login", next=request.full_path, expired=1))
        return redirect(url_for("auth.login", next=request.full_path))
    if request.method not in SAFE_METHODS and endpoint not in ANY_ROLE_MUTATIONS and not g.identity.is_admin:
        return refuse(403, f"{g.identity.user} may look but not change anything (read-only role)")
    return None


def init_app(app: Flask) -> None:
    app.before_request(_guard)

    @app.context_processor
    def identity():
        return {"identity": g.get("identity")}

"""Signing in with the box's own accounts (PAM), signing out, and API tokens for scripts."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from sigmavault_panel.config import PANEL_COMMAND
from sigmavault_panel.errors import refuse
from sigmavault_panel.panel import panel
from sigmavault_panel.services.accounts import VIEWER, Check, check_of, role_of

bp = Blueprint("auth", __name__)
MIN_PASSWORD_LENGTH = 10


def _safe_next(target: str | None) -> str:
    """Only a path on this panel; never another site (open redirect)."""
    if not target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.index")
    return target.rstrip("?") or url_for("dashboard.index")


@bp.route("/login", methods=("GET", "POST"))
def login():
    config = current_app.config
    if request.method == "GET":
        no_admin = not panel().members_of(config["ADMIN_GROUP"])
        return render_template("auth/login.html", no_admin=no_admin, expired=request.args.get("expired"),
                               panel_command=PANEL_COMMAND)
    services, user = panel(), request.form.get("username", "").strip()
    password = request.form.get("password", "")
    refusal = services.throttle.refusal(request.remote_addr or "-", user)
    if refusal:
        return render_template("auth/login.html", error=refusal, username=user), 429
    # The groups are asked before PAM: an account that may not use the panel gets the answer of a wrong
    # password and its password is never checked here, so the panel is no password oracle for the box.
    role = role_of(services.groups_of(user), config["ADMIN_GROUP"], config["VIEW_GROUP"]) if user else None
    if role is None and user:
        current_app.logger.warning("%r is in neither %s nor %s", user, config["ADMIN_GROUP"], config["VIEW_GROUP"])
    check = check_of(services.authenticate(user, password)) if role and password else Check.REFUSED
    if check is Check.MUST_CHANGE:   # a one-time password: the account chooses its own before anything else
        services.sessions.end(session.get("sid"))
        session.clear()
        session["renew"] = services.renewals.start(user).id
        return redirect(url_for("auth.new_password", next=request.args.get("next")))
    if not check:
        services.throttle.failed(user or "-")
        current_app.logger.warning("failed login for %r from %s", user, request.remote_addr)
        return render_template("auth/login.html", error="wrong user name or password", username=user), 401
    return _signed_in(user, role)


def _signed_in(user: str, role: str):
    services = panel()
    services.throttle.succeeded(user)
    services.sessions.end(session.get("sid"))   # a second sign-in in this browser ends the first on the server
    session.clear()   # a fresh session id and CSRF token after signing in (no fixation)
    session["sid"] = services.sessions.start(user).id
    current_app.logger.info("%s signed in as %s from %s", user, role, request.remote_addr)
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/login/new-password", methods=("GET", "POST"))
def new_password():
    """After a right but expired (one-time) password: the account's own new password, set through chpasswd."""
    services, config = panel(), current_app.config
    pending = services.renewals.touch(session.get("renew"))
    if pending is None:
        session.pop("renew", None)
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return render_template("auth/new_password.html", user=pending.user)
    password, again = request.form.get("password", ""), request.form.get("again", "")
    problem = ("the two passwords differ" if password != again else
               f"choose at least {MIN_PASSWORD_LENGTH} characters" if len(password) < MIN_PASSWORD_LENGTH else
               services.set_password(pending.user, password))
    if problem:
        return render_template("auth/new_password.html", user=pending.user, error=problem), 422
    services.renewals.end(pending.id)
    current_app.logger.info("%s chose a new password", pending.user)
    role = role_of(services.groups_of(pending.user), config["ADMIN_GROUP"], config["VIEW_GROUP"])
    if role is None:   # taken out of the groups meanwhile
        session.clear()
        return redirect(url_for("auth.login"))
    return _signed_in(pending.user, role)


@bp.post("/logout")
def logout():
    panel().sessions.end(session.get("sid"))
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


@bp.get("/tokens")
def tokens():
    return render_template("auth/tokens.html", tokens=panel().tokens.list())


@bp.post("/tokens")
def create_token():
    name, role = request.form.get("name", "").strip(), request.form.get("role", VIEWER)
    try:
        token, secret = panel().tokens.create(name, role, g.identity.user)
    except ValueError as error:
        return refuse(422, str(error))
    return render_template("auth/tokens.html", tokens=panel().tokens.list(), created=token, secret=secret)


@bp.post("/tokens/<token_id>/revoke")
def revoke_token(token_id: str):
    if not panel().tokens.revoke(token_id):
        return refuse(404, f"no token {token_id}")
    flash(f"Token {token_id} is revoked.")
    return redirect(url_for("auth.tokens"))

"""python -m sigmavault_panel [serve|grant|one-time-password|token]: run the panel, let accounts in, API tokens."""

import logging
import pwd
import secrets
import string
import subprocess
import sys

import click

from sigmavault.records import RecordDamaged
from sigmavault.site import Site
from sigmavault_panel import serving
from sigmavault_panel.config import DEFAULTS, PANEL_COMMAND, panel_dir
from sigmavault_panel.services.accounts import password_state, set_password
from sigmavault_panel.services.tokens import TokenStore

site_options = [
    click.option("--pillar", "pillar_dir", help="Pillar directory ($SIGMAVAULT_PILLAR)"),
    click.option("--state-dir", help="State directory ($SIGMAVAULT_STATE_DIR, default /var/lib/sigmavault)"),
    click.option("--fstab", help="fstab pools are recorded in ($SIGMAVAULT_FSTAB, default /etc/fstab)"),
]


def with_site(command):
    for option in reversed(site_options):
        command = option(command)
    return command


@click.group(invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """SigmaVault control panel."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@main.command()
@with_site
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=32, show_default=True, type=int,
              help="Server threads; each open event stream holds one")
@click.option("--trusted-proxies", default=0, show_default=True, type=click.IntRange(min=0),
              help="Reverse proxies in front (the image's nginx: 1) whose X-Forwarded-For/-Proto are believed; "
                   "0 ignores those headers, so a client cannot choose its own address")
@click.option("--proxy-address", default="127.0.0.1", show_default=True,
              help="The address the trusted proxy connects from (only with --trusted-proxies)")
@click.option("--connection-limit", default=serving.CONNECTION_LIMIT, show_default=True,
              type=click.IntRange(min=8), help="Open connections served at once")
@click.option("--idle-timeout", default=serving.IDLE_SECONDS, show_default=True, type=click.IntRange(min=1),
              help="Seconds a connection may stay open without a request before it is closed")
def serve(pillar_dir=None, state_dir=None, fstab=None, host="127.0.0.1", port=8080, threads=32,
          trusted_proxies=0, proxy_address="127.0.0.1", connection_limit=serving.CONNECTION_LIMIT,
          idle_timeout=serving.IDLE_SECONDS) -> None:
    """Serve the panel with waitress (127.0.0.1 unless told otherwise; the image puts nginx with TLS in front)."""
    import waitress

    from sigmavault_panel import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    site = Site.from_environment(pillar_dir, state_dir, fstab)
    app = create_app({"SITE": site, "SSE_MAX_STREAMS": max(1, threads - 8)})
    serving.allow_open_files(connection_limit + 64)
    behind = f" behind {trusted_proxies} trusted proxy hop(s) from {proxy_address}" if trusted_proxies else ""
    click.echo(f"SigmaVault panel for pillar {site.pillar_dir} on http://{host}:{port}/{behind}", err=True)
    waitress.serve(app, **serving.waitress_settings(host, port, threads, trusted_proxies, proxy_address,
                                                    connection_limit, idle_timeout))


@main.command()
@click.argument("user")
@click.option("--read-only", is_flag=True, help="Add to the read-only group instead of the admin group")
@click.option("--admin-group", default=DEFAULTS["ADMIN_GROUP"], show_default=True)
@click.option("--view-group", default=DEFAULTS["VIEW_GROUP"], show_default=True)
def grant(user: str, read_only: bool, admin_group: str, view_group: str) -> None:
    """Let an existing account of this box sign in (with its own password)."""
    _require_account(user)
    group = view_group if read_only else admin_group
    _join(user, group)
    role = "viewer" if read_only else "admin"
    state = password_state(user)
    if state == "locked":
        click.echo(f"{user} is in the group {group}, but the account is locked (it has no password), so it cannot "
                   f"sign in yet. Give it a password with: passwd {user}  (or a one-time one, changed at first "
                   f"sign-in: {PANEL_COMMAND} one-time-password {user})")
    elif state == "must change":
        click.echo(f"{user} may sign in to the panel as {role} (group {group}); its password has expired, so the "
                   f"panel first asks for a new one")
    else:
        click.echo(f"{user} may now sign in to the panel as {role} (group {group}) with its own password")


@main.command("one-time-password")
@click.argument("user")
@click.option("--create", is_flag=True, help="Make the account first if there is none (no home, no login shell)")
@click.option("--force", is_flag=True, help="Replace a password the account already chose")
@click.option("--admin-group", default=DEFAULTS["ADMIN_GROUP"], show_default=True)
def one_time_password(user: str, create: bool, force: bool, admin_group: str) -> None:
    """An admin account with a random password that works once: the panel asks for a new one at first sign-in.

    The same way the image's first boot makes its admin. An account that already chose its own password keeps
    it (unless --force); one whose one-time password was never used gets a new one."""
    try:
        pwd.getpwnam(user)
    except KeyError:
        if not create:
            _require_account(user)
        _run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "SigmaVault panel admin",
              user])
    _join(user, admin_group)
    if password_state(user) == "usable" and not force:
        click.echo(f"{user} already has its own password: sign in with it (--force gives it a new one-time one)")
        return
    password = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(16))
    problem = set_password(user, password)
    if problem:
        sys.exit(f"cannot set the password of {user}: {problem}")
    _run(["chage", "--lastday", "0", user])   # expired: PAM lets it in once, to choose a new one
    click.echo(f"account {user!r}, one-time password {password} (the panel asks for a new one at first sign-in)")


def _require_account(user: str) -> None:
    try:
        pwd.getpwnam(user)
    except KeyError:
        sys.exit(f"there is no account {user!r} on this box; create it (adduser) and set its password first")


def _join(user: str, group: str) -> None:
    _run(["groupadd", "--force", "--system", group])
    _run(["usermod", "--append", "--groups", group, user])


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.strip()}")


class _RecordCommands(click.Group):
    """A damaged tokens.json stops a token command with its file and remedy, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RecordDamaged as damage:
            raise click.ClickException(str(damage)) from None


@main.group(cls=_RecordCommands)
def token() -> None:
    """API tokens for scripts (stored hashed in the state directory)."""


def _tokens(state_dir: str | None) -> TokenStore:
    return TokenStore(panel_dir(Site.from_environment(state_dir=state_dir).state_dir) / "tokens.json")


@token.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "viewer"]), default="viewer", show_default=True)
@click.option("--state-dir")
def token_create(name: str, role: str, state_dir: str | None) -> None:
    try:
        made, secret = _tokens(state_dir).create(name, role, "root (command line)")
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"token {made.id} ({made.role}); send it as 'Authorization: Bearer <token>'. It is shown once:",
               err=True)
    click.echo(secret)


@token.command("list")
@click.option("--state-dir")
def token_list(state_dir: str | None) -> None:
    for made in _tokens(state_dir).list():
        click.echo(f"{made.id}  {made.role:6}  {made.name}  (by {made.created_by})")


@token.command("revoke")
@click.argument("token_id")
@click.option("--state-dir")
def token_revoke(token_id: str, state_dir: str | None) -> None:
    if not _tokens(state_dir).revoke(token_id):
        sys.exit(f"no token {token_id}")
    click.echo(f"token {token_id} revoked")


if __name__ == "__main__":
    main()

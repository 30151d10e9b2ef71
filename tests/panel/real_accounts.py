"""A real local account and groups for PAM tests, removed again even when the test fails."""

import os
import secrets
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RealAccount:
    user: str
    password: str
    admin_group: str
    view_group: str


def _run(*argv: str, stdin: str | None = None) -> None:
    subprocess.run(list(argv), input=stdin, capture_output=True, text=True, check=True)


def cannot_make_accounts() -> str | None:
    if os.geteuid() != 0:
        return "real PAM accounts need root (useradd, chpasswd)"
    missing = [tool for tool in ("useradd", "userdel", "groupadd", "groupdel", "chpasswd")
               if subprocess.run(["which", tool], capture_output=True).returncode]
    return f"missing {', '.join(missing)}" if missing else None


@contextmanager
def real_account(role: str = "admin"):
    """A fresh user with a random password in a fresh admin (or view) group; all three removed afterwards."""
    tag = secrets.token_hex(3)
    account = RealAccount(f"svpanel{tag}", "Pw-" + secrets.token_urlsafe(12), f"svadmin{tag}", f"svview{tag}")
    made: list[tuple[str, str]] = []
    try:
        for group in (account.admin_group, account.view_group):
            _run("groupadd", group)
            made.append(("groupdel", group))
        _run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--groups",
             account.admin_group if role == "admin" else account.view_group, account.user)
        made.append(("userdel", account.user))
        _run("chpasswd", stdin=f"{account.user}:{account.password}\n")
        yield account
    finally:
        for command, name in reversed(made):
            subprocess.run([command, name], capture_output=True, check=False)


@contextmanager
def removed_afterwards():
    """Fresh names for an account and its admin group that a test (or the command it runs) makes; both go after."""
    tag = secrets.token_hex(3)
    user, group = f"svpanel{tag}", f"svadmin{tag}"
    try:
        yield user, group
    finally:
        subprocess.run(["userdel", user], capture_output=True, check=False)
        subprocess.run(["groupdel", group], capture_output=True, check=False)

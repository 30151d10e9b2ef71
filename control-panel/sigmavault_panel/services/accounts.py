"""The box's own accounts: PAM checks the password, group membership decides the role."""

import enum
import grp
import os
import pwd
import subprocess
from collections.abc import Callable

ADMIN, VIEWER = "admin", "viewer"


class Check(enum.Enum):
    """What PAM said of a password. Only ACCEPTED is true, so `if authenticate(...)` stays safe."""
    ACCEPTED = "accepted"
    REFUSED = "refused"
    MUST_CHANGE = "must change"   # right password, but expired (a one-time password): choose a new one first

    def __bool__(self) -> bool:
        return self is Check.ACCEPTED


def check_of(result: "Check | bool") -> Check:
    if isinstance(result, Check):
        return result
    return Check.ACCEPTED if result else Check.REFUSED


def pam_authenticator(service: str) -> Callable[[str, str], Check]:
    def authenticate(user: str, password: str) -> Check:
        import pam  # python-pam; imported here so the panel's tests run where libpam is absent
        checker = pam.pam()
        try:
            if checker.authenticate(user, password, service=service):
                return Check.ACCEPTED
        except ValueError:   # a NUL in the name or password
            return Check.REFUSED
        # pam_authenticate passed and account management asks for a new password (chage -d 0).
        return Check.MUST_CHANGE if checker.code == pam.PAM_NEW_AUTHTOK_REQD else Check.REFUSED
    return authenticate


def set_password(user: str, password: str) -> str | None:
    """Give the account a new password (as root, through chpasswd); None when done, else what went wrong."""
    if any(c in user + password for c in "\n\r\0") or ":" in user:
        return "a password cannot contain a line break or NUL"
    done = subprocess.run(["chpasswd"], input=f"{user}:{password}\n", capture_output=True, text=True, check=False)
    return None if done.returncode == 0 else (done.stderr.strip() or f"chpasswd exited with {done.returncode}")


def password_state(user: str) -> str:
    """'locked' (no usable password), 'must change' (expired, e.g. one-time) or 'usable', from the shadow file."""
    done = subprocess.run(["getent", "shadow", user], capture_output=True, text=True, check=False)
    fields = done.stdout.strip().split(":")
    if done.returncode or len(fields) < 3 or fields[1][:1] in ("", "!", "*"):
        return "locked"
    return "must change" if fields[2] == "0" else "usable"


def system_groups(user: str) -> set[str]:
    """Every group the account belongs to, its primary group included (as NSS reports them)."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return set()
    names = set()
    for gid in os.getgrouplist(user, account.pw_gid):
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            continue
    return names


def role_of(groups: set[str], admin_group: str, view_group: str) -> str | None:
    if admin_group in groups:
        return ADMIN
    if view_group in groups:
        return VIEWER
    return None


def group_members(group: str) -> list[str]:
    try:
        return sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []

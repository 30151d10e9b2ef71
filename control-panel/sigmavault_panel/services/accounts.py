"""The box's own accounts: PAM checks the password, group membership decides the role."""

import grp
import os
import pwd
from collections.abc import Callable

ADMIN, VIEWER = "admin", "viewer"


def pam_authenticator(service: str) -> Callable[[str, str], bool]:
    def authenticate(user: str, password: str) -> bool:
        import pam  # python-pam; imported here so the panel's tests run where libpam is absent
        try:
            return bool(pam.authenticate(user, password, service=service))
        except ValueError:   # a NUL in the name or password
            return False
    return authenticate


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

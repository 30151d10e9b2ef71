"""Who may write into a share's folder: POSIX ACL entries for the accounts and groups it names.

Samba decides who may connect; the file system decides what they may do there. The named entries on
a share's top folder are SigmaVault's: they are set to what the pillar says, inherited by new files
through the default ACL, and an entry for someone the share no longer names is taken away.
"""

from sigmavault.command import run
from sigmavault.steps import Plan

EVERY_ACCOUNT = "users"   # the primary group of every account SigmaVault makes


def wanted_entries(share: dict) -> frozenset[tuple[str, str, str]]:
    """(user|group, name, perms) for the share's folder."""
    perms = "r-x" if share["read_only"] else "rwx"
    if share["guest"]:
        return frozenset({("user", "nobody", perms)})
    named = {("user", name, perms) for name in share["valid_users"]}
    named |= {("group", name, perms) for name in share["valid_groups"]}
    return frozenset(named or {("group", EVERY_ACCOUNT, perms)})


def parse_getfacl(text: str) -> tuple[frozenset, frozenset]:
    """Named entries of the access ACL and of the default ACL, as (kind, name, perms)."""
    access, default = set(), set()
    for line in text.splitlines():
        parts = line.split("#")[0].strip().split(":")
        target = default if parts[0] == "default" else access
        parts = parts[1:] if parts[0] == "default" else parts
        if len(parts) == 3 and parts[0] in ("user", "group") and parts[1]:
            target.add((parts[0], parts[1], parts[2]))
    return frozenset(access), frozenset(default)


def read_named_entries(path: str) -> tuple[frozenset, frozenset]:
    return parse_getfacl(run(["getfacl", "--omit-header", "--absolute-names", path]))


def plan_share_acl(plan: Plan, path: str, wanted: frozenset, current: tuple[frozenset, frozenset]) -> None:
    if current == (wanted, wanted):
        return
    spec = ",".join(f"{prefix}{kind[0]}:{name}:{perms}" for kind, name, perms in sorted(wanted)
                    for prefix in ("", "d:"))
    who = ", ".join(("@" if kind == "group" else "") + name for kind, name, _ in sorted(wanted))
    plan.add(f"let {who} use {path}", ["setfacl", "--remove-all", path], ["setfacl", "--modify", spec, path])

"""Plan the accounts and groups the pillar declares, and their SMB passwords.

Accounts SigmaVault made are remembered in a record (a list of names), so one taken out of the
pillar is disabled — expired, its SMB entry disabled — while its files and ids stay.
"""

import json
from pathlib import Path

from sigmavault.records import RecordDamaged, read_json
from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path
from sigmavault.steps import Plan, Refused
from sigmavault.users.accounts import FIRST_REGULAR_ID, AccountFacts
from sigmavault.users.nthash import nt_hash
from sigmavault.users.passdb import PassdbEntry, smbpasswd

PRIMARY_GROUP = "users"
LOGIN_SHELL, NO_SHELL = "/bin/bash", "/usr/sbin/nologin"
RECORD_REMEDY = ("it lists the accounts SigmaVault made, as a JSON list of names, e.g. [\"alice\", \"bob\"]: "
                 "repair it, or remove it and apply again (accounts taken out of the pillar earlier "
                 "are then no longer disabled for you)")


def plan_users(users: dict, facts: AccountFacts, passdb: dict[str, PassdbEntry], managed: list[str],
               record: Path) -> Plan:
    plan = Plan()
    accounts, groups = users.get("accounts", {}), users.get("groups", {})
    plan.refusals += list(_system_name_refusals(accounts, groups, facts, managed))
    if plan.refusals:
        return plan
    for name, spec in sorted(groups.items()):
        _plan_group(plan, name, spec, facts)
    for name, spec in sorted(accounts.items()):
        _plan_account(plan, name, spec, facts, passdb, managed, record)
    for name in sorted(set(managed) - set(accounts)):
        if name in facts.accounts:
            _plan_disabled(plan, name, facts, passdb)
    return plan


def read_record(record: Path) -> list[str]:
    """The names in the record; a damaged record refuses the plan, as the accounts it lists are unknown
    (an account dropped from the pillar would otherwise stay enabled, or a stranger's be disabled)."""
    try:
        return sorted(read_json(record, list, RECORD_REMEDY, default=[], each=str))
    except RecordDamaged as damage:
        raise Refused([damage]) from None


def _system_name_refusals(accounts: dict, groups: dict, facts: AccountFacts, managed: list[str]):
    for name in accounts:
        found = facts.accounts.get(name)
        if found and found.uid < FIRST_REGULAR_ID and name not in managed:
            yield PillarError(key_path(ROOT_KEY, "users", "accounts", name),
                              f"{name!r} is a system account of this box (uid {found.uid}); choose another name")
        uid = accounts[name]["uid"]
        holder = next((a.name for a in facts.accounts.values() if a.uid == uid and a.name != name), None)
        if uid is not None and holder:
            yield PillarError(key_path(ROOT_KEY, "users", "accounts", name, "uid"),
                              f"uid {uid} belongs to the account {holder!r} already; choose a free one")
    for name, spec in groups.items():
        found = facts.groups.get(name)
        holder = next((g.name for g in facts.groups.values() if g.gid == spec["gid"] and g.name != name), None)
        if spec["gid"] is not None and holder:
            yield PillarError(key_path(ROOT_KEY, "users", "groups", name, "gid"),
                              f"gid {spec['gid']} belongs to the group {holder!r} already; choose a free one")
        elif found and found.gid < FIRST_REGULAR_ID and spec["gid"] is not None and spec["gid"] != found.gid:
            yield PillarError(key_path(ROOT_KEY, "users", "groups", name, "gid"),
                              f"{name!r} is a system group of this box (gid {found.gid}); its gid is not changed")


def _plan_group(plan: Plan, name: str, spec: dict, facts: AccountFacts) -> None:
    found, gid = facts.groups.get(name), spec["gid"]
    if found is None:
        plan.add(f"create group {name}", ["groupadd", *(["--gid", str(gid)] if gid is not None else []), name])
    elif gid is not None and found.gid != gid:
        plan.add(f"change gid of group {name} to {gid}", ["groupmod", "--gid", str(gid), name])


def _plan_account(plan: Plan, name: str, spec: dict, facts: AccountFacts, passdb: dict, managed: list[str],
                  record: Path) -> None:
    found = facts.accounts.get(name)
    shell = LOGIN_SHELL if spec["shell"] else NO_SHELL
    groups = ",".join(sorted(spec["groups"]))
    if name not in managed:
        plan.add(f"remember {name} as an account SigmaVault manages",
                 writes=((str(record), json.dumps(sorted({*managed, name})) + "\n"),))
    if found is None:
        plan.add(f"create account {name}", ["useradd", "--no-user-group", "--gid", PRIMARY_GROUP,
                                            *(["--uid", str(spec["uid"])] if spec["uid"] is not None else []),
                                            "--comment", spec["full_name"], "--shell", shell,
                                            "--home-dir", f"/home/{name}",
                                            *(["--create-home"] if spec["shell"] else ["--no-create-home"]),
                                            *(["--groups", groups] if groups else []), name])
        return
    changes = []
    if spec["uid"] is not None and found.uid != spec["uid"]:
        changes += ["--uid", str(spec["uid"])]
    if found.full_name != spec["full_name"]:
        changes += ["--comment", spec["full_name"]]
    if found.shell != shell:
        changes += ["--shell", shell]
    if found.groups != frozenset(spec["groups"]):
        changes += ["--groups", groups]
    if found.expired and spec["enabled"]:
        changes += ["--expiredate", ""]
    if changes:
        plan.add(f"update account {name} ({', '.join(c[2:] for c in changes[::2])})", ["usermod", *changes, name])
    if not spec["enabled"]:
        _plan_disabled(plan, name, facts, passdb)
    else:
        _plan_smb_password(plan, name, spec["smb_password"], passdb.get(name))


def _plan_smb_password(plan: Plan, name: str, password: str | None, entry: PassdbEntry | None) -> None:
    if password is None:
        if entry:
            plan.add(f"remove {name}'s SMB password", smbpasswd("-x", name))
        return
    twice = f"{password}\n{password}\n"
    if entry is None:
        plan.add(f"give {name} the declared SMB password", smbpasswd("-s", "-a", name), stdin=twice)
    elif entry.nt_hash != nt_hash(password):
        plan.add(f"set {name}'s SMB password to the declared one", smbpasswd("-s", name), stdin=twice)
    if entry is not None and entry.disabled:
        plan.add(f"enable {name}'s SMB access", smbpasswd("-e", name))


def _plan_disabled(plan: Plan, name: str, facts: AccountFacts, passdb: dict) -> None:
    if not facts.accounts[name].expired:
        plan.add(f"disable account {name} (its files stay)", ["usermod", "--expiredate", "1", name])
    entry = passdb.get(name)
    if entry is not None and not entry.disabled:
        plan.add(f"disable {name}'s SMB access", smbpasswd("-d", name))

"""Planning accounts, groups and SMB passwords from facts: what changes, and what never shows."""

import json

import pytest

from sigmavault.users.accounts import Account, AccountFacts, Group
from sigmavault.users.nthash import nt_hash
from sigmavault.users.passdb import PassdbEntry, parse_pdbedit_w
from sigmavault.users.plan import plan_users
from sigmavault.verdict import validate_pillar

PASSWORD = "correct horse battery"


def users(**accounts) -> dict:
    result = validate_pillar({"sigmavault": {"users": {"accounts": accounts, "groups": {"family": {}}}}})
    assert result.ok, result.errors
    return result.document["users"]


def facts(*accounts: Account, groups=("users", "family")) -> AccountFacts:
    known = {"root": Account("root", 0, 0, "root", "/bin/bash", frozenset(), False)}
    known.update({a.name: a for a in accounts})
    return AccountFacts(known, {name: Group(name, 100 + i) for i, name in enumerate(groups)})


def alice(**changes) -> Account:
    fields = {"name": "alice", "uid": 1001, "gid": 100, "full_name": "", "shell": "/usr/sbin/nologin",
              "groups": frozenset({"family"}), "expired": False, **changes}
    return Account(**fields)


def plan(users_doc, account_facts, passdb=None, managed=("alice",), record=None):
    return plan_users(users_doc, account_facts, passdb or {}, list(managed), record or "/state/managed.json")


def summaries(made) -> list[str]:
    return [step.summary for step in made.steps]


def test_a_new_account_is_created_remembered_and_given_its_password():
    made = plan(users(alice={"groups": ["family"], "smb_password": PASSWORD}), facts(groups=("users",)),
                managed=())
    assert summaries(made) == ["create group family", "remember alice as an account SigmaVault manages",
                               "create account alice"]
    remember, create = made.steps[1], made.steps[2]
    assert json.loads(remember.writes[0][1]) == ["alice"]
    assert create.commands[0][:5] == ("useradd", "--no-user-group", "--gid", "users", "--comment")
    assert "/usr/sbin/nologin" in create.commands[0] and "--groups" in create.commands[0]


def test_the_password_goes_to_smbpasswd_on_stdin_never_in_argv_or_summary():
    made = plan(users(alice={"groups": ["family"], "smb_password": PASSWORD}), facts(alice()))
    [step] = made.steps
    assert step.summary == "give alice the declared SMB password"
    assert step.commands == (("smbpasswd", "-c", "/dev/null", "-s", "-a", "alice"),)
    assert step.stdin == f"{PASSWORD}\n{PASSWORD}\n"
    assert PASSWORD not in repr(step) and PASSWORD not in repr(made)


def test_an_account_as_declared_plans_nothing():
    passdb = {"alice": PassdbEntry("alice", nt_hash(PASSWORD), False)}
    assert plan(users(alice={"groups": ["family"], "smb_password": PASSWORD}), facts(alice()), passdb).steps == []


def test_a_changed_password_shell_and_group_are_planned():
    passdb = {"alice": PassdbEntry("alice", nt_hash("old password"), True)}
    made = plan(users(alice={"shell": True, "smb_password": PASSWORD}), facts(alice()), passdb)
    assert summaries(made) == ["update account alice (shell, groups)", "set alice's SMB password to the declared one",
                               "enable alice's SMB access"]
    assert made.steps[0].commands == (("usermod", "--shell", "/bin/bash", "--groups", "", "alice"),)


def test_an_account_taken_out_of_the_pillar_is_disabled_not_removed():
    passdb = {"alice": PassdbEntry("alice", nt_hash(PASSWORD), False)}
    made = plan(users(), facts(alice()), passdb)
    assert summaries(made) == ["disable account alice (its files stay)", "disable alice's SMB access"]
    assert made.steps[0].commands == (("usermod", "--expiredate", "1", "alice"),)
    disabled = {"alice": PassdbEntry("alice", nt_hash(PASSWORD), True)}
    assert plan(users(), facts(alice(expired=True)), disabled).steps == []


def test_a_disabled_account_declared_again_is_enabled():
    made = plan(users(alice={"groups": ["family"]}), facts(alice(expired=True)))
    assert summaries(made) == ["update account alice (expiredate)"]


def test_a_null_password_removes_the_smb_entry():
    passdb = {"alice": PassdbEntry("alice", nt_hash(PASSWORD), False)}
    made = plan(users(alice={"groups": ["family"]}), facts(alice()), passdb)
    assert made.steps[0].commands == (("smbpasswd", "-c", "/dev/null", "-x", "alice"),)


@pytest.mark.parametrize("declared, path, says", [
    ({"root": {}}, "sigmavault.users.accounts.root", "system account"),
    ({"carol": {"uid": 1001}}, "sigmavault.users.accounts.carol.uid", "belongs to the account 'alice'"),
])
def test_system_accounts_and_taken_ids_are_refused(declared, path, says):
    made = plan(users(**declared), facts(alice()), managed=())
    assert made.steps == []
    assert any(e.path == path and says in e.message for e in made.refusals), made.refusals


def test_pdbedit_listing_is_parsed_with_its_disabled_flag():
    text = ("alice:1001:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:8846F7EAEE8FB117AD06BDD830B7586C:[U          ]:LCT-6B04F533:\n"
            "bob:1002:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:0CB6948805F797BF2A82807973B89537:[DU         ]:LCT-6B04F533:\n")
    entries = parse_pdbedit_w(text)
    assert entries["alice"] == PassdbEntry("alice", nt_hash("password"), False)
    assert entries["bob"].disabled

"""Share folder ACLs: what the share names, read from getfacl and set only when they differ."""

from sigmavault.shares.acl import parse_getfacl, plan_share_acl, wanted_entries
from sigmavault.steps import Plan

GETFACL = """user::rwx
user:alice:rwx
group::r-x
group:family:rwx	#effective:rwx
mask::rwx
other::r-x
default:user::rwx
default:user:alice:rwx
default:group:family:rwx
default:mask::rwx
default:other::r-x
"""


def share(**changes) -> dict:
    return {"read_only": False, "guest": False, "valid_users": [], "valid_groups": [], **changes}


def test_named_entries_are_read_from_access_and_default_acl():
    access, default = parse_getfacl(GETFACL)
    assert access == default == {("user", "alice", "rwx"), ("group", "family", "rwx")}


def test_wanted_entries_follow_who_the_share_names():
    assert wanted_entries(share(valid_users=["alice"], valid_groups=["family"])) == {
        ("user", "alice", "rwx"), ("group", "family", "rwx")}
    assert wanted_entries(share(read_only=True)) == {("group", "users", "r-x")}
    assert wanted_entries(share(guest=True)) == {("user", "nobody", "rwx")}


def test_acl_is_set_only_when_it_differs():
    wanted = wanted_entries(share(valid_users=["alice"], valid_groups=["family"]))
    same = Plan()
    plan_share_acl(same, "/srv/media", wanted, parse_getfacl(GETFACL))
    assert same.steps == []
    changed = Plan()
    plan_share_acl(changed, "/srv/media", wanted_entries(share(valid_users=["alice"])), parse_getfacl(GETFACL))
    [step] = changed.steps
    assert step.summary == "let alice use /srv/media"
    assert step.commands == (("setfacl", "--remove-all", "/srv/media"),
                             ("setfacl", "--modify", "u:alice:rwx,d:u:alice:rwx", "/srv/media"))

"""The account database read from passwd, group and shadow text."""

from sigmavault.users.accounts import read_account_facts


def test_accounts_groups_and_expiry_are_read_from_the_files(tmp_path):
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n"
                                     "alice:x:1001:100:Alice Doe,,,:/home/alice:/usr/sbin/nologin\n"
                                     "bob:x:1002:100::/home/bob:/bin/bash\n")
    (tmp_path / "group").write_text("root:x:0:\nusers:x:100:\nfamily:x:1001:alice,bob\nmedia:x:1002:alice\n")
    (tmp_path / "shadow").write_text("root:*:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n"
                                     "bob:!:19000:0:99999:7::1:\n")
    facts = read_account_facts(tmp_path)
    alice, bob = facts.accounts["alice"], facts.accounts["bob"]
    assert (alice.uid, alice.gid, alice.full_name, alice.shell) == (1001, 100, "Alice Doe", "/usr/sbin/nologin")
    assert alice.groups == {"family", "media"} and bob.groups == {"family"}
    assert not alice.expired and bob.expired
    assert facts.groups["family"].gid == 1001 and facts.accounts["root"].uid == 0


def test_missing_files_read_as_no_accounts(tmp_path):
    facts = read_account_facts(tmp_path)
    assert facts.accounts == {} and facts.groups == {}

"""Cross-key rules of users and shares: each refusal names the key and says what to do."""

import pytest

from sigmavault.verdict import validate_pillar

from ..builders import pillar

MDADM = {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", "datasets": {"media": {}}},
         "archive": {"type": "mdadm", "level": 1, "devices": ["disk_b", "disk_c"], "mountpoint": "/srv/archive"}}


def errors(**domains) -> dict[str, str]:
    pools = domains.pop("pools", {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank",
                                           "datasets": {"media": {}, "docs": {"mountpoint": "/srv/docs"}}}})
    return {e.path: e.message for e in validate_pillar(pillar(pools=pools, **domains)).errors}


def smb(**share) -> dict:
    return {"smb": {"media": {"dataset": "tank/media", **share}}}


def nfs(clients=None, **export) -> dict:
    return {"nfs": {"media": {"dataset": "tank/media", "clients": clients or [{"match": "*"}], **export}}}


def test_a_valid_site_with_accounts_and_shares_passes():
    assert errors(users={"accounts": {"alice": {"groups": ["family"]}}, "groups": {"family": {}}},
                  shares={**smb(valid_users=["alice"], valid_groups=["family"]), **nfs()}) == {}


def test_share_of_an_undeclared_dataset_is_refused():
    assert "no pool or dataset 'tank/films'" in errors(shares={"smb": {"films": {"dataset": "tank/films"}}})[
        "sigmavault.shares.smb.films.dataset"]


def test_valid_users_and_groups_must_be_declared():
    found = errors(shares=smb(valid_users=["mallory"], valid_groups=["staff"]))
    assert "no account named 'mallory'" in found["sigmavault.shares.smb.media.valid_users[0]"]
    assert "no group named 'staff'" in found["sigmavault.shares.smb.media.valid_groups[0]"]


def test_guest_share_cannot_also_name_users():
    found = errors(users={"accounts": {"alice": {}}}, shares=smb(guest=True, valid_users=["alice"]))
    assert "open to anyone" in found["sigmavault.shares.smb.media.guest"]


@pytest.mark.parametrize("name", ["global", "Homes", "PRINTERS", "ipc"])
def test_names_samba_keeps_for_itself_are_refused(name):
    assert "Samba keeps" in errors(shares={"smb": {name: {"dataset": "tank"}}})[f"sigmavault.shares.smb.{name}"]


def test_share_names_that_differ_only_in_case_are_refused():
    found = errors(shares={"smb": {"Media": {"dataset": "tank"}, "media": {"dataset": "tank/media"}}})
    assert "case is ignored" in found["sigmavault.shares.smb.media"]


def test_previous_versions_need_a_btrfs_pool():
    found = errors(pools=MDADM, shares={"smb": {"old": {"dataset": "archive", "previous_versions": True}}})
    assert "only btrfs pools" in found["sigmavault.shares.smb.old.previous_versions"]


def test_time_machine_on_a_read_only_share_is_refused():
    assert "needs to write" in errors(shares=smb(time_machine=True, read_only=True))[
        "sigmavault.shares.smb.media.time_machine"]


@pytest.mark.parametrize("match, says", [("10.0.0.1/24", "has host bits set"), ("10.0.0.0/33", "not an address"),
                                         ("300.1.1.1", "not an address"), ("1.2.3.4.5", "not an address")])
def test_client_that_is_no_address_or_network_is_refused(match, says):
    found = errors(shares=nfs([{"match": match}]))
    assert says in found["sigmavault.shares.nfs.media.clients[0].match"]


def test_client_listed_twice_is_refused():
    found = errors(shares=nfs([{"match": "nas"}, {"match": "nas", "access": "rw"}]))
    assert "listed twice" in found["sigmavault.shares.nfs.media.clients[1].match"]


def test_two_exports_of_one_dataset_are_refused():
    shares = {"nfs": {"a": {"dataset": "tank/media", "clients": [{"match": "*"}]},
                      "b": {"dataset": "tank/media", "clients": [{"match": "*"}]}}}
    assert "already serves" in errors(shares=shares)["sigmavault.shares.nfs.b.dataset"]


def test_ganesha_needs_a_dataset_mounted_on_its_own():
    found = errors(shares={"nfs_server": {"backend": "ganesha"}, **nfs()})
    assert "sigmavault.storage.pools.tank.datasets.media.mountpoint" in found["sigmavault.shares.nfs.media.dataset"]
    assert errors(shares={"nfs_server": {"backend": "ganesha"},
                          "nfs": {"docs": {"dataset": "tank/docs", "clients": [{"match": "*"}]}}}) == {}


def test_account_groups_must_be_declared_and_ids_unique():
    found = errors(users={"accounts": {"alice": {"uid": 1500, "groups": ["staff"]}, "bob": {"uid": 1500}},
                          "groups": {"a": {"gid": 2000}, "b": {"gid": 2000}}})
    assert "no group named 'staff'" in found["sigmavault.users.accounts.alice.groups[0]"]
    assert "already given to 'alice'" in found["sigmavault.users.accounts.bob.uid"]
    assert "already given to 'a'" in found["sigmavault.users.groups.b.gid"]


def test_a_refused_password_is_never_repeated_in_the_message():
    found = errors(users={"accounts": {"alice": {"smb_password": "hunter2\nx"}}})
    message = found["sigmavault.users.accounts.alice.smb_password"]
    assert "hunter2" not in message and "not shown" in message

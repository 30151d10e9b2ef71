"""Names and paths that reach fstab, mount and mkfs argv: nothing hostile passes the schema.

Each hostile input is refused with an error whose path names the key, and the path shows a
hostile key quoted (repr), never as a raw newline, carriage return or NUL.
"""

import pytest

from sigmavault.schema import key_path
from sigmavault.verdict import validate_pillar

from .builders import pillar

# id -> the hostile part; path-valued keys get it as a component under /srv (see _value).
PAYLOADS = {
    "newline": "tank\nevil",
    "trailing-newline": "tank\n",
    "carriage-return": "tank\revil",
    "close-bracket": "tank]",
    "section-header": "[global]",
    "semicolon": "tank;reboot",
    "hash": "tank#x",
    "equals": "a=b=c",
    "double-quote": 'tank"',
    "single-quote": "tank'",
    "dot-dot": "../etc",
    "nul": "tank\x00",
    "300-chars": "a" * 300,
    "cyrillic-a": "t\u0430nk",
    "fullwidth": "\uff54\uff41\uff4e\uff4b",
    "leading-dash": "-tank",
    "space": "my tank",
    "comma": "tank,ro",
}

PATH_FIELDS = {"pool-mountpoint", "dataset-mountpoint", "backing-file"}


def _value(field: str, payload: str) -> str:
    """A path-valued key gets an absolute path with the payload as its last component; a leading '-' stays leading."""
    hostile = PAYLOADS[payload]
    if field in PATH_FIELDS and not hostile.startswith("-"):
        return "/srv/" + hostile
    return hostile


def _pool(**more) -> dict:
    return {"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", **more}}


# where -> (pillar holding the value, path of the key that must be named)
FIELDS = {
    "disk-name": (lambda v: pillar(disks={v: {"path": "/dev/sdb"}}, pools={}),
                  lambda v: key_path("sigmavault", "storage", "disks", v)),
    "pool-name": (lambda v: pillar(pools={v: {"devices": ["disk_a"], "mountpoint": "/srv/tank"}}),
                  lambda v: key_path("sigmavault", "storage", "pools", v)),
    "dataset-name": (lambda v: pillar(pools=_pool(datasets={v: {}})),
                     lambda v: key_path("sigmavault", "storage", "pools", "tank", "datasets", v)),
    "devices-item": (lambda v: pillar(disks={v: {"path": "/dev/sdb"}}, pools=_pool(devices=[v])),
                     lambda v: "sigmavault.storage.pools.tank.devices[0]"),
    "remove-devices-item": (lambda v: pillar(disks={"disk_a": {"path": "/dev/sdb"}, v: {"path": "/dev/sdc"}},
                                             pools=_pool(remove_devices=[v])),
                            lambda v: "sigmavault.storage.pools.tank.remove_devices[0]"),
    "pool-mountpoint": (lambda v: pillar(pools=_pool(mountpoint=v)),
                        lambda v: "sigmavault.storage.pools.tank.mountpoint"),
    "dataset-mountpoint": (lambda v: pillar(pools=_pool(datasets={"media": {"mountpoint": v}})),
                           lambda v: "sigmavault.storage.pools.tank.datasets.media.mountpoint"),
    "mount-option": (lambda v: pillar(pools=_pool(mount_options=[v])),
                     lambda v: "sigmavault.storage.pools.tank.mount_options[0]"),
    "backing-file": (lambda v: pillar(disks={"disk_a": {"backing_file": v}}),
                     lambda v: "sigmavault.storage.disks.disk_a.backing_file"),
    "by-id": (lambda v: pillar(disks={"disk_a": {"by_id": v}}),
              lambda v: "sigmavault.storage.disks.disk_a.by_id"),
    "serial": (lambda v: pillar(disks={"disk_a": {"serial": v}}),
               lambda v: "sigmavault.storage.disks.disk_a.serial"),
    "hostname": (lambda v: {"sigmavault": {"system": {"hostname": v}}},
                 lambda v: "sigmavault.system.hostname"),
    # Names that reach /etc/passwd, smb.conf, /etc/exports and ganesha.conf.
    "account-name": (lambda v: pillar(users={"accounts": {v: {}}}),
                     lambda v: key_path("sigmavault", "users", "accounts", v)),
    "group-name": (lambda v: pillar(users={"groups": {v: {}}}),
                   lambda v: key_path("sigmavault", "users", "groups", v)),
    "account-group": (lambda v: pillar(users={"accounts": {"alice": {"groups": [v]}}, "groups": {v: {}}}),
                      lambda v: "sigmavault.users.accounts.alice.groups[0]"),
    "smb-share-name": (lambda v: pillar(shares={"smb": {v: {"dataset": "tank"}}}),
                       lambda v: key_path("sigmavault", "shares", "smb", v)),
    "smb-dataset": (lambda v: pillar(shares={"smb": {"media": {"dataset": v}}}),
                    lambda v: "sigmavault.shares.smb.media.dataset"),
    "smb-valid-user": (lambda v: pillar(users={"accounts": {"alice": {}}},
                                        shares={"smb": {"media": {"dataset": "tank", "valid_users": [v]}}}),
                       lambda v: "sigmavault.shares.smb.media.valid_users[0]"),
    "smb-valid-group": (lambda v: pillar(users={"groups": {"family": {}}},
                                         shares={"smb": {"media": {"dataset": "tank", "valid_groups": [v]}}}),
                        lambda v: "sigmavault.shares.smb.media.valid_groups[0]"),
    "workgroup": (lambda v: pillar(shares={"smb_server": {"workgroup": v}}),
                  lambda v: "sigmavault.shares.smb_server.workgroup"),
    "nfs-export-name": (lambda v: pillar(shares={"nfs": {v: {"dataset": "tank", "clients": [{"match": "*"}]}}}),
                        lambda v: key_path("sigmavault", "shares", "nfs", v)),
    "nfs-dataset": (lambda v: pillar(shares={"nfs": {"media": {"dataset": v, "clients": [{"match": "*"}]}}}),
                    lambda v: "sigmavault.shares.nfs.media.dataset"),
    "nfs-client": (lambda v: pillar(shares={"nfs": {"media": {"dataset": "tank", "clients": [{"match": v}]}}}),
                   lambda v: "sigmavault.shares.nfs.media.clients[0].match"),
}

# Free text that may hold spaces (and some punctuation) but never a line, a section or an option.
TEXT_FIELDS = {
    "smb-comment": (lambda v: pillar(shares={"smb": {"media": {"dataset": "tank", "comment": v}}}),
                    "sigmavault.shares.smb.media.comment"),
    "server-string": (lambda v: pillar(shares={"smb_server": {"server_string": v}}),
                      "sigmavault.shares.smb_server.server_string"),
    "full-name": (lambda v: pillar(users={"accounts": {"alice": {"full_name": v}}}),
                  "sigmavault.users.accounts.alice.full_name"),
}
TEXT_PAYLOADS = ["newline", "trailing-newline", "carriage-return", "close-bracket", "section-header", "semicolon",
                 "hash", "equals", "double-quote", "nul", "300-chars", "cyrillic-a", "fullwidth"]


@pytest.mark.parametrize("payload", TEXT_PAYLOADS)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_hostile_free_text_is_refused_naming_its_key(field, payload):
    make_pillar, path = TEXT_FIELDS[field]
    result = validate_pillar(make_pillar(PAYLOADS[payload]))
    assert path in {error.path for error in result.errors}, f"{field} accepted {PAYLOADS[payload]!r}"



def _cases(payloads) -> list:
    return [pytest.param(field, payload, id=f"{field}-{payload}") for field in FIELDS for payload in payloads]


@pytest.mark.parametrize("field, payload", _cases(PAYLOADS))
def test_hostile_value_is_refused_naming_its_key(field, payload):
    make_pillar, make_path = FIELDS[field]
    value = _value(field, payload)
    result = validate_pillar(make_pillar(value))
    assert not result.ok, f"{field} accepted {value!r}"
    assert result.document == {}, "the schema itself must refuse it, so nothing reaches the states"
    expected = make_path(value)
    messages = {error.path: error.message for error in result.errors}
    assert expected in messages, f"no error at {expected}; got {sorted(messages)}"
    assert "is not allowed: use" in messages[expected]


@pytest.mark.parametrize("field, payload", _cases(["newline", "trailing-newline", "carriage-return", "nul"]))
def test_refusal_of_control_characters_prints_them_escaped(field, payload):
    make_pillar, _ = FIELDS[field]
    result = validate_pillar(make_pillar(_value(field, payload)))
    assert result.errors
    for error in result.errors:
        assert not set(str(error)) & {"\n", "\r", "\x00"}, repr(str(error))


@pytest.mark.parametrize("payload", ["newline", "carriage-return", "section-header", "nul", "single-quote", "space"])
@pytest.mark.parametrize("field", ["disk-name", "pool-name", "dataset-name", "account-name", "smb-share-name",
                                   "nfs-export-name"])
def test_hostile_key_is_shown_quoted_in_the_path(field, payload):
    make_pillar, _ = FIELDS[field]
    value = PAYLOADS[payload]
    paths = [error.path for error in validate_pillar(make_pillar(value)).errors]
    assert any(path.endswith(f"[{value!r}]") for path in paths), paths


def test_quoted_key_cannot_forge_a_path_that_looks_like_another_key():
    forged = "tank.devices[0]"
    paths = [error.path for error in validate_pillar(
        pillar(pools={forged: {"devices": ["disk_a"], "mountpoint": "/srv/tank"}})).errors]
    assert "sigmavault.storage.pools['tank.devices[0]']" in paths
    assert "sigmavault.storage.pools.tank.devices[0]" not in paths


def test_error_message_shows_a_long_hostile_value_shortened():
    result = validate_pillar(pillar(disks={"disk_a": {"serial": "x" * 300}}))
    message = {error.path: error.message for error in result.errors}["sigmavault.storage.disks.disk_a.serial"]
    assert len(message) < 200
    assert "..." in message


@pytest.mark.parametrize("field, value", [
    ("disk-name", "disk_a-2"), ("devices-item", "disk_b"), ("remove-devices-item", "disk_b"),
    ("pool-name", "tank"), ("dataset-name", "media-2024"),
    ("pool-mountpoint", "/srv/tank.v2"), ("dataset-mountpoint", "/mnt/media_1"),
    ("mount-option", "commit=120"), ("backing-file", "/var/lib/sigmavault-demo/disks/disk_a.img"),
    ("by-id", "ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567"), ("serial", "WD-WCC7K1234567"),
    ("hostname", "nas-1"), ("account-name", "alice_2"), ("group-name", "family"), ("account-group", "family"),
    ("smb-share-name", "Media-2024"), ("smb-dataset", "tank"), ("smb-valid-user", "alice"),
    ("smb-valid-group", "family"), ("workgroup", "HOME-LAN"), ("nfs-export-name", "media_1"),
    ("nfs-dataset", "tank"), ("nfs-client", "192.168.1.0/24"), ("nfs-client", "nas-2.home.arpa"),
])
def test_ordinary_names_are_accepted(field, value):
    make_pillar, _ = FIELDS[field]
    result = validate_pillar(make_pillar(value))
    assert result.ok, [str(e) for e in result.errors]


def _with_tank(**pool) -> dict:
    return pillar(pools={"tank": {"devices": ["disk_a"], "mountpoint": "/srv/tank", **pool}})


@pytest.mark.parametrize("document, path", [
    (_with_tank(mountpoint="/srv/tank\n"), "sigmavault.storage.pools.tank.mountpoint"),
    (_with_tank(mount_options=["noatime\n"]), "sigmavault.storage.pools.tank.mount_options[0]"),
    (_with_tank(compression="lzo\n"), "sigmavault.storage.pools.tank.compression"),
    (_with_tank(datasets={"media": {"quota": "5G\n"}}), "sigmavault.storage.pools.tank.datasets.media.quota"),
    (pillar(disks={"disk_a": {"wwn": "0x50014ee2b5e8c4a1\n"}}), "sigmavault.storage.disks.disk_a.wwn"),
    ({"sigmavault": {"system": {"timezone": "UTC\n"}}}, "sigmavault.system.timezone"),
], ids=["mountpoint", "mount-option", "compression", "quota", "wwn", "timezone"])
def test_valid_value_with_a_trailing_newline_is_refused(document, path):
    assert path in {error.path for error in validate_pillar(document).errors}


def test_hostile_unknown_key_in_a_reserved_domain_is_quoted():
    [error] = validate_pillar({"sigmavault": {"mesh": {"peer\n[Interface]": {}}}}).errors
    assert error.path == "sigmavault.mesh['peer\\n[Interface]']"
    assert error.message.startswith("is not a known key here")

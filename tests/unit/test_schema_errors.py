"""Schema errors name the pillar key path and say what is allowed; a refused pillar yields no document."""

import pytest

from sigmavault.schema import PillarError, key_path
from sigmavault.schema.errors import shown
from sigmavault.schema.loader import DOMAINS
from sigmavault.verdict import validate_pillar

from .builders import pillar

DEFINED = ("system", "storage", "encryption", "compression", "users", "shares", "agents")
RESERVED = [domain for domain in DOMAINS if domain not in DEFINED]


def _errors(document: dict) -> dict[str, str]:
    result = validate_pillar(document)
    assert not result.ok, "the pillar was accepted"
    return {error.path: error.message for error in result.errors}


def _tank(**changes) -> dict:
    return pillar(pools={"tank": {"devices": ["disk_a", "disk_b"], "mountpoint": "/srv/tank", **changes}})


def test_key_path_joins_keys_with_dots_and_indexes_with_brackets():
    assert key_path("sigmavault", "storage", "pools", "tank", "devices", 1) == \
        "sigmavault.storage.pools.tank.devices[1]"


def test_key_path_quotes_a_key_that_is_not_plain():
    assert key_path("sigmavault", "storage", "pools", "a b") == "sigmavault.storage.pools['a b']"
    assert key_path("sigmavault", "storage", "disks", "x\ny") == "sigmavault.storage.disks['x\\ny']"


def test_pillar_error_reads_as_path_then_message():
    error = PillarError("sigmavault.storage.pools.tank", "is required")
    assert str(error) == "sigmavault.storage.pools.tank: is required"
    assert error.as_dict() == {"path": "sigmavault.storage.pools.tank", "message": "is required"}


def test_wrong_item_in_devices_names_its_index():
    errors = _errors(_tank(devices=["disk_a", "Disk B"]))
    assert list(errors) == ["sigmavault.storage.pools.tank.devices[1]"]
    assert "'Disk B'" in errors["sigmavault.storage.pools.tank.devices[1]"]
    assert "a disk name declared under sigmavault.storage.disks" in errors["sigmavault.storage.pools.tank.devices[1]"]


@pytest.mark.parametrize("domain", RESERVED)
def test_any_key_in_a_reserved_domain_is_refused(domain):
    errors = _errors({"sigmavault": {domain: {"foo": 1}}})
    assert errors == {f"sigmavault.{domain}.foo": "is not a known key here; known keys: none yet"}


def test_unknown_top_level_key_lists_the_domains():
    errors = _errors({"sigmavault": {"nas": {}}})
    message = errors["sigmavault.nas"]
    assert "is not a known key here" in message
    for domain in DOMAINS:
        assert domain in message


def test_unknown_key_in_a_pool_lists_the_pool_keys():
    message = _errors(_tank(raid="1"))["sigmavault.storage.pools.tank.raid"]
    assert "is not a known key here" in message
    assert "devices" in message and "mountpoint" in message and "remove_devices" in message


def test_unknown_key_in_a_dataset_lists_the_dataset_keys():
    message = _errors(_tank(datasets={"media": {"snapshots": True}}))[
        "sigmavault.storage.pools.tank.datasets.media.snapshots"]
    assert "nodatacow" in message and "quota" in message


@pytest.mark.parametrize("change, path, words", [
    (_tank(level="one"), "sigmavault.storage.pools.tank.level", "must be a whole number, not 'one'"),
    (pillar(disks={"disk_a": {"path": "/dev/sdb", "wipe": "yes"}}), "sigmavault.storage.disks.disk_a.wipe",
     "must be true or false, not 'yes'"),
    (_tank(devices="disk_a"), "sigmavault.storage.pools.tank.devices", "must be a list, not 'disk_a'"),
    (_tank(profile="raid1"), "sigmavault.storage.pools.tank.profile", "must be a mapping of keys, not 'raid1'"),
    (_tank(mountpoint=5), "sigmavault.storage.pools.tank.mountpoint", "must be a string, not 5"),
    ({"sigmavault": {"system": "nas1"}}, "sigmavault.system", "must be a mapping of keys, not 'nas1'"),
])
def test_wrong_type_says_what_the_key_must_be(change, path, words):
    assert _errors(change)[path] == words


def test_sigmavault_that_is_not_a_mapping_is_refused():
    errors = _errors({"sigmavault": "tank"})
    assert "must be a mapping of keys" in errors["sigmavault"]


@pytest.mark.parametrize("value", [[], False, ""])
def test_sigmavault_that_is_an_empty_non_mapping_is_refused(value):
    assert "sigmavault" in _errors({"sigmavault": value})


@pytest.mark.parametrize("change, path, allowed", [
    (_tank(type="zfs"), "sigmavault.storage.pools.tank.type", "btrfs, mdadm"),
    (_tank(profile={"data": "raid5"}), "sigmavault.storage.pools.tank.profile.data", "single, raid1, raid10"),
    (_tank(profile={"metadata": "raid6"}), "sigmavault.storage.pools.tank.profile.metadata",
     "dup, single, raid1, raid10"),
    (_tank(type="mdadm", level=4), "sigmavault.storage.pools.tank.level", "1, 5, 6, 10"),
    (_tank(type="mdadm", level=1, filesystem="btrfs"), "sigmavault.storage.pools.tank.filesystem", "ext4, xfs"),
])
def test_disallowed_value_message_lists_what_is_allowed(change, path, allowed):
    message = _errors(change)[path]
    assert message.startswith(f"must be one of: {allowed} (got ")


@pytest.mark.parametrize("value, path", [
    ("gzip", "sigmavault.storage.pools.tank.compression"),
    ("zstd:16", "sigmavault.storage.pools.tank.compression"),
])
def test_value_failing_its_pattern_shows_the_hint(value, path):
    message = _errors(_tank(compression=value))[path]
    assert message == f"the value {value!r} is not allowed: use zstd, zstd:1 … zstd:15, lzo or none"


@pytest.mark.parametrize("missing", ["devices", "mountpoint"])
def test_pool_without_a_required_key_is_refused(missing):
    pool = {"devices": ["disk_a"], "mountpoint": "/srv/tank"}
    del pool[missing]
    assert _errors(pillar(pools={"tank": pool})) == {f"sigmavault.storage.pools.tank.{missing}": "is required"}


def test_pool_with_no_devices_is_refused():
    assert _errors(_tank(devices=[]))["sigmavault.storage.pools.tank.devices"] == "needs at least 1 item(s)"


def test_null_for_a_required_key_is_refused():
    assert _errors(pillar(pools={"tank": {"devices": ["disk_a"], "mountpoint": None}})) == {
        "sigmavault.storage.pools.tank.mountpoint": "must not be null"}


def test_empty_optional_key_takes_its_default():
    result = validate_pillar(pillar(disks={"disk_a": {"path": "/dev/sdb", "wipe": None}}))
    assert result.ok
    assert result.document["storage"]["disks"]["disk_a"]["wipe"] is False


def test_refused_pillar_carries_no_document_to_act_on():
    result = validate_pillar(_tank(type="zfs"))
    assert result.document == {}


def test_errors_are_sorted_by_path_and_not_repeated():
    result = validate_pillar(_tank(type="zfs", compression="gzip", level="x"))
    paths = [error.path for error in result.errors]
    assert paths == sorted(set(paths))
    assert len(paths) == 3


def test_top_level_keys_outside_sigmavault_are_refused_by_name():
    document = pillar()
    document["mine"] = {"anything": [1, 2]}
    document["sigmavualt"] = {}
    result = validate_pillar(document)
    assert [(e.path, e.message) for e in result.errors] == [
        (key, "is not a SigmaVault key: everything the box is goes under sigmavault: (move it there or delete it)")
        for key in ("mine", "sigmavualt")]


def test_a_hostile_top_level_key_is_quoted_and_cut_short():
    [error] = validate_pillar({"x\n[global]" * 40: 1}).errors
    assert "\n" not in error.path and len(error.path) < 80 and error.path.startswith("['x\\n[global]")


def test_salts_report_of_files_that_did_not_render_is_the_verdict_not_an_unknown_key():
    result = validate_pillar({**pillar(), "_errors": ["sigmavault.sls: mapping values are not allowed here"]})
    assert [(e.path, e.message) for e in result.errors] == [
        ("pillar", "sigmavault.sls: mapping values are not allowed here")]
    assert result.document == {}


def test_an_empty_render_report_is_no_error_and_no_key():
    assert validate_pillar({**pillar(), "_errors": []}).ok


def test_empty_pillar_validates_with_every_default():
    result = validate_pillar({})
    assert result.ok
    assert result.document["storage"] == {"disks": {}, "pools": {}}
    assert result.document["system"] == {"hostname": None, "timezone": None}
    assert set(result.document) == set(DOMAINS)


def test_defaults_fill_a_minimal_pool():
    result = validate_pillar(pillar())
    pool = result.document["storage"]["pools"]["tank"]
    assert pool == {"devices": ["disk_a"], "mountpoint": "/srv/tank", "type": "btrfs",
                    "profile": {"data": "single", "metadata": None}, "level": None, "filesystem": "ext4",
                    "compression": "zstd:3", "mount_options": ["noatime"], "remove_devices": [], "datasets": {},
                    "encrypted": False}
    assert result.document["storage"]["disks"]["disk_a"]["wipe"] is False


@pytest.mark.parametrize("quota, count", [("1", 1), ("500G", 500 * 1024**3), ("16383T", 16383 * 1024**4)])
def test_quota_is_a_whole_number_with_a_binary_unit(quota, count):
    result = validate_pillar(_tank(datasets={"media": {"quota": quota}}))
    assert result.ok
    assert result.document["storage"]["pools"]["tank"]["datasets"]["media"]["quota"] == quota


@pytest.mark.parametrize("quota", ["0", "05G", "1.5T", "500GB", "500g", "-1", "1P"])
def test_quota_that_is_not_a_size_is_refused(quota):
    message = _errors(_tank(datasets={"media": {"quota": quota}}))["sigmavault.storage.pools.tank.datasets.media.quota"]
    assert "a whole number with an optional K, M, G or T" in message


def test_quota_beyond_what_btrfs_can_count_is_refused():
    assert "sigmavault.storage.pools.tank.datasets.media.quota" in _errors(
        _tank(datasets={"media": {"quota": "20000000T"}}))


@pytest.mark.parametrize("hostname", ["nas1", "a", "box-2"])
def test_valid_hostnames_are_accepted(hostname):
    assert validate_pillar({"sigmavault": {"system": {"hostname": hostname}}}).ok


@pytest.mark.parametrize("hostname", ["-nas", "nas-", "NAS", "nas.local", "a" * 64])
def test_hostname_that_is_not_one_dns_label_is_refused(hostname):
    assert "sigmavault.system.hostname" in _errors({"sigmavault": {"system": {"hostname": hostname}}})


@pytest.mark.parametrize("zone, ok", [("UTC", True), ("Europe/Berlin", True), ("America/Argentina/Salta", True),
                                      ("Etc/GMT+5", True), ("europe/berlin", False), ("../../etc/shadow", False)])
def test_timezone_must_be_an_iana_name(zone, ok):
    assert validate_pillar({"sigmavault": {"system": {"timezone": zone}}}).ok is ok


def test_a_huge_hostile_key_or_value_is_shown_bounded_in_the_message():
    assert len(key_path("sigmavault", "shares", "x\n" * 500_000)) < 120
    nested: dict = {}
    inner = nested
    for _ in range(500):
        inner["k"] = inner = {}
    assert len(shown(nested)) < 80 and len(shown(list(range(1_000_000)))) < 80
    errors = validate_pillar({"sigmavault": {"system": {"hostname": ["y" * 100_000] * 100_000}}}).errors
    assert errors and all(len(str(error)) < 400 for error in errors)

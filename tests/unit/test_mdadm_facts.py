"""What mdadm says about an array, and the ARRAY lines of mdadm.conf: parsed, found, replaced, written.

This host has no md driver, so no array can be created here to capture from: the texts below are
hand-written to the format mdadm prints (Detail.c and super1.c of mdadm 4.2, Debian 12, and of later
releases, which name members dev_sdb where 4.2 says ev_sdb) and the layout of Debian's mdadm.conf.
"""

from sigmavault.disks.signatures import Signature
from sigmavault.mounts import Mount
from sigmavault.storage import mdadm_facts
from sigmavault.storage.mdadm_conf import (
    conf_line_for,
    parse_array_line,
    parse_detail_brief,
    render_array_line,
    with_array_line,
)
from sigmavault.storage.mdadm_facts import parse_detail_export, read_mdadm_facts

from .builders import storage

UUID = "3a5e2b1c:4d6f7081:92a3b4c5:d6e7f809"

DETAIL_EXPORT_MDADM_4_2 = f"""\
MD_LEVEL=raid5
MD_DEVICES=3
MD_METADATA=1.2
MD_UUID={UUID}
MD_DEVNAME=tank
MD_NAME=nas:tank
MD_DEVICE_ev_sdd_ROLE=2
MD_DEVICE_ev_sdd_DEV=/dev/sdd
MD_DEVICE_ev_sdc_ROLE=1
MD_DEVICE_ev_sdc_DEV=/dev/sdc
MD_DEVICE_ev_sdb_ROLE=0
MD_DEVICE_ev_sdb_DEV=/dev/sdb
"""

# A RAID1 that lost /dev/sdc and got /dev/sde as a spare, as mdadm 4.3 prints it.
DETAIL_EXPORT_DEGRADED_WITH_SPARE = f"""\
MD_LEVEL=raid1
MD_DEVICES=2
MD_METADATA=1.2
MD_UUID={UUID}
MD_DEVNAME=archive
MD_RESHAPE_ACTIVE=False
MD_NAME=nas:archive
MD_DEVICE_dev_sde_ROLE=spare
MD_DEVICE_dev_sde_DEV=/dev/sde
MD_DEVICE_dev_sdb_ROLE=0
MD_DEVICE_dev_sdb_DEV=/dev/sdb
"""

DEBIAN_MDADM_CONF = f"""\
# mdadm.conf
#
# !NB! Run update-initramfs -u after updating this file.
#
HOMEHOST <system>

# instruct the monitoring daemon where to send mail alerts
MAILADDR root

# definitions of existing MD arrays
ARRAY /dev/md/old metadata=1.2 UUID=00000000:11111111:22222222:33333333 name=nas:old
ARR /dev/md/tank metadata=1.2 name=nas:tank   # written by hand
   UUID={UUID.upper()}
"""


def test_detail_export_names_level_members_and_roles_in_mdadm_4_2_spelling():
    array = parse_detail_export(DETAIL_EXPORT_MDADM_4_2)
    assert (array.level, array.raid_devices, array.metadata, array.uuid, array.name) == \
        ("raid5", 3, "1.2", UUID, "nas:tank")
    assert array.members == {"/dev/sdb": "0", "/dev/sdc": "1", "/dev/sdd": "2"}


def test_detail_export_reports_a_spare_and_a_missing_member_in_later_spelling():
    array = parse_detail_export(DETAIL_EXPORT_DEGRADED_WITH_SPARE)
    assert array.members == {"/dev/sdb": "0", "/dev/sde": "spare"}
    assert array.raid_devices == 2


def test_detail_export_without_a_level_is_no_array():
    assert parse_detail_export("") is None
    assert parse_detail_export("MD_DEVICES=0\n") is None


def test_detail_brief_reads_the_line_mdadm_prints():
    brief = f"ARRAY /dev/md/tank metadata=1.2 spares=1 name=nas:tank UUID={UUID}\n"
    assert parse_detail_brief(brief) == {"device": "/dev/md/tank", "metadata": "1.2", "spares": "1",
                                         "name": "nas:tank", "uuid": UUID}


def test_verbose_detail_brief_joins_the_devices_continuation_line():
    brief = (f"ARRAY /dev/md/tank level=raid5 num-devices=3 metadata=1.2 name=nas:tank UUID={UUID}\n"
             "   devices=/dev/sdb,/dev/sdc,/dev/sdd\n")
    entry = parse_detail_brief(brief)
    assert entry["devices"] == "/dev/sdb,/dev/sdc,/dev/sdd"
    assert entry["level"] == "raid5"


def test_a_line_that_is_not_an_array_parses_to_nothing():
    assert parse_array_line("MAILADDR root") is None
    assert parse_array_line("# ARRAY /dev/md/tank UUID=x") is None
    assert parse_array_line("AR /dev/md/tank") is None       # keywords abbreviate to 3 letters at least


def test_rendered_array_line_reads_back_as_the_same_array():
    line = render_array_line("/dev/md/tank", "1.2", UUID)
    assert line == f"ARRAY /dev/md/tank metadata=1.2 UUID={UUID}"
    assert parse_array_line(line) == {"device": "/dev/md/tank", "metadata": "1.2", "uuid": UUID}


def test_conf_entry_is_found_across_comments_abbreviation_and_continuation():
    entry = conf_line_for(DEBIAN_MDADM_CONF, "/dev/md/other", UUID)
    assert entry == f"ARR /dev/md/tank metadata=1.2 name=nas:tank UUID={UUID.upper()}"
    assert conf_line_for(DEBIAN_MDADM_CONF, "/dev/md/tank", None) == entry
    assert conf_line_for(DEBIAN_MDADM_CONF, "/dev/md/nothing", "44444444:55555555:66666666:77777777") is None


def test_new_array_line_replaces_the_whole_entry_and_keeps_everything_else():
    line = f"ARRAY /dev/md/tank metadata=1.2 UUID={UUID}"
    text = with_array_line(DEBIAN_MDADM_CONF, line)
    assert text.endswith(line + "\n")
    assert "written by hand" not in text and UUID.upper() not in text
    assert "MAILADDR root" in text and "ARRAY /dev/md/old" in text and "HOMEHOST <system>" in text
    assert with_array_line(text, line) == text


def test_array_line_is_the_whole_text_of_an_empty_conf():
    line = render_array_line("/dev/md/tank", "1.2", UUID)
    assert with_array_line("", line) == line + "\n"


def test_reader_gathers_array_sysfs_file_system_mount_fstab_and_conf(tmp_path, monkeypatch):
    """The I/O wiring, with the tools and /sys replaced: members by real path, md127's sysfs state."""
    pool = storage(pools={"tank": {"type": "mdadm", "level": 5, "devices": ["disk_a", "disk_b", "disk_c"],
                                   "mountpoint": "/srv/tank"}})["pools"]["tank"]
    node = tmp_path / "md127"
    node.touch()
    (tmp_path / "tank").symlink_to(node)
    sysfs = tmp_path / "sys" / "md127" / "md"
    sysfs.mkdir(parents=True)
    (sysfs / "array_state").write_text("clean\n")
    (sysfs / "degraded").write_text("1\n")
    (sysfs / "sync_action").write_text("recover\n")
    (tmp_path / "fstab").write_text("UUID=abc /srv/tank ext4 noatime 0 0\n")
    (tmp_path / "mdadm.conf").write_text(DEBIAN_MDADM_CONF)
    mounted = Mount("/", "/srv/tank", "ext4", str(node), frozenset({"rw", "noatime"}))
    monkeypatch.setattr(mdadm_facts, "array_path", lambda name: str(tmp_path / name))
    monkeypatch.setattr(mdadm_facts, "SYS_BLOCK", tmp_path / "sys")
    monkeypatch.setattr(mdadm_facts.inventory, "list_disks",
                        lambda: [{"path": p} for p in ("/dev/sdb", "/dev/sdc", "/dev/sdd")])
    monkeypatch.setattr(mdadm_facts, "run", lambda argv: DETAIL_EXPORT_MDADM_4_2)
    monkeypatch.setattr(mdadm_facts.signatures, "probe", lambda device: Signature("ext4", "tank", "abc"))
    monkeypatch.setattr(mdadm_facts, "read_mounts", lambda: [mounted])
    facts = read_mdadm_facts("tank", pool, storage()["disks"], tmp_path / "fstab", tmp_path / "mdadm.conf")
    assert sorted(facts.devices) == ["disk_a", "disk_b", "disk_c"]
    assert facts.array.members == {"/dev/sdb": "0", "/dev/sdc": "1", "/dev/sdd": "2"}
    assert (facts.kernel_device, facts.array_state, facts.degraded, facts.sync_action) == \
        (str(node), "clean", 1, "recover")
    assert facts.filesystem.uuid == "abc" and facts.mount == mounted
    assert facts.fstab_line == "UUID=abc /srv/tank ext4 noatime 0 0"
    assert (facts.conf_path, facts.conf_text) == (tmp_path / "mdadm.conf", DEBIAN_MDADM_CONF)

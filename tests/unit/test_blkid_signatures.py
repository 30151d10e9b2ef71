"""What blkid -p says a disk holds (captured output), and how probe reads its exit codes."""


import pytest

from sigmavault.command import CommandError
from sigmavault.disks import signatures
from sigmavault.disks.signatures import RAID_MEMBER, UNREADABLE, Signature, names_pool, parse_blkid_export

from .builders import captured, fake_run_result


def test_btrfs_signature_has_type_label_and_uuid():
    assert parse_blkid_export(captured("blkid_btrfs.txt")) == Signature(
        "btrfs", "tank", "d00aa450-8de4-4dd1-94d2-982585c1b3bb", None)


def test_ext4_signature_is_described_with_its_label():
    signature = parse_blkid_export(captured("blkid_ext4.txt"))
    assert signature.type == "ext4"
    assert signature.describe() == \
        "ext4 file system labelled 'data' (UUID 22fb3113-1c5c-4887-95cb-b53d51ec892a)"


def test_partition_table_alone_is_a_signature():
    signature = parse_blkid_export(captured("blkid_dos.txt"))
    assert signature == Signature(pttype="dos")
    assert signature.describe() == "dos partition table"


@pytest.mark.parametrize("text", ["", "DEVNAME=/dev/loop7\n"])
def test_blank_disk_has_no_signature(text):
    assert parse_blkid_export(text) is None


def test_file_system_inside_a_partition_table_is_described_as_both():
    assert Signature(type="vfat", pttype="gpt").describe() == "vfat file system and gpt partition table"


def test_signature_round_trips_through_a_dict():
    signature = parse_blkid_export(captured("blkid_btrfs.txt"))
    assert Signature(**signature.as_dict()) == signature




def test_probe_reads_the_device_itself_not_the_cache(monkeypatch):
    seen = fake_run_result(monkeypatch, signatures, 0, captured("blkid_ext4.txt"))
    assert signatures.probe("/dev/loop7").type == "ext4"
    assert seen == [["blkid", "-p", "-o", "export", "/dev/loop7"]]


def test_probe_exit_2_without_a_message_is_a_blank_disk(monkeypatch):
    fake_run_result(monkeypatch, signatures, 2)
    assert signatures.probe("/dev/loop7") is None


def test_probe_exit_2_with_a_message_counts_as_holding_data(monkeypatch):
    fake_run_result(monkeypatch, signatures, 2,
                    stderr="blkid: /dev/loop7: ambivalent result (probably more filesystems)\n")
    signature = signatures.probe("/dev/loop7")
    assert signature.type == UNREADABLE
    assert "ambivalent result" in signature.label
    assert signature.describe().startswith("a signature blkid could not read")


def test_probe_other_failure_raises_with_what_ran(monkeypatch):
    fake_run_result(monkeypatch, signatures, 4, stderr="blkid: error: /dev/loop7: Permission denied\n")
    with pytest.raises(CommandError, match="blkid -p -o export /dev/loop7"):
        signatures.probe("/dev/loop7")


def test_a_signature_names_a_pool_by_its_label_or_an_md_superblocks_name_part():
    assert names_pool({"type": "btrfs", "label": "tank"}, "tank", ("btrfs",))
    assert names_pool({"type": RAID_MEMBER, "label": "vmbox:tank"}, "tank", (RAID_MEMBER,))
    assert names_pool({"type": RAID_MEMBER, "label": "any:tank"}, "tank", (RAID_MEMBER,))
    assert not names_pool({"type": RAID_MEMBER, "label": "vmbox:tank2"}, "tank", (RAID_MEMBER,))
    assert not names_pool({"type": "ext4", "label": "tank"}, "tank", ("btrfs", RAID_MEMBER))
    assert not names_pool({"type": "btrfs", "label": None}, "tank", ("btrfs",))
    assert not names_pool(None, "tank", ("btrfs",))

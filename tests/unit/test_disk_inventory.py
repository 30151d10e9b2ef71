"""Describing disks from a sysfs tree built in tmp_path (no real disk is read)."""

import socket

import pytest

from sigmavault.disks import inventory
from sigmavault.disks.signatures import Signature
from sigmavault.mounts import Mount

REAL_UDEV_RUNNING = inventory.udev_running


@pytest.fixture(autouse=True)
def no_udev(monkeypatch):
    """The sysfs path, whether or not a udevd runs on this host."""
    monkeypatch.setattr(inventory, "udev_running", lambda control="/run/udev/control": False)


def _block(root, name: str, size: str | None = "8388608", **files) -> object:
    block = root / name
    block.mkdir(parents=True)
    if size is not None:
        (block / "size").write_text(size + "\n")
    for relative, content in files.items():
        path = block / relative.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return block


def _probe_nothing(devnode, *_size):
    raise AssertionError(f"no device node should be probed: {devnode}")


def _zeros(devnode, size):
    return None


def _describe(block, mounts: dict | None = None, **kwargs) -> dict:
    """describe_disk without touching any real device: no signature probe, every disk reads as zeros."""
    return inventory.describe_disk(block, mounts or {}, **{"probe_signature": _probe_nothing,
                                                            "probe_data": _zeros, **kwargs})


def test_disk_is_described_from_sysfs(tmp_path):
    block = _block(tmp_path, "unitfake0", **{"device__serial": "WD-1234\n", "device__wwid": "naa.5000c500\n",
                                             "device__model": "WDC WD40EFRX\n", "queue__rotational": "1\n"})
    (block / "holders").mkdir()
    disk = _describe(block, by_id_dir=tmp_path / "by-id")
    assert disk == {"name": "unitfake0", "path": "/dev/unitfake0", "size_bytes": 8388608 * 512, "rotational": True,
                    "backing_file": None, "by_id": [], "partitions": [], "mounted_at": [], "holders": [],
                    "signature": None, "data_found": None, "identity_source": "sysfs", "serial": "WD-1234",
                    "wwn": "naa.5000c500", "model": "WDC WD40EFRX"}


def test_serial_falls_back_to_vpd_page_80(tmp_path):
    block = _block(tmp_path, "unitfake0", **{"device__vpd_pg80": b"\x00\x80\x00\x0c  ZDH1ABCD  "})
    assert _describe(block)["serial"] == "ZDH1ABCD"


def test_loop_device_names_its_backing_file(tmp_path):
    block = _block(tmp_path, "unitfake1", **{"loop__backing_file": "/var/tmp/disk_a.img\n"})
    assert _describe(block)["backing_file"] == "/var/tmp/disk_a.img"


def test_mounts_of_the_disk_and_its_partitions_are_listed(tmp_path):
    block = _block(tmp_path, "unitfake0", **{"unitfake0p1__partition": "1\n", "unitfake0p2__partition": "2\n"})
    mounts = {"/dev/unitfake0p2": ["/media/usb"], "/dev/unitfake0p1": ["/boot/efi"], "/dev/sdz": ["/mnt"]}
    disk = _describe(block, mounts)
    assert disk["partitions"] == ["unitfake0p1", "unitfake0p2"]
    assert disk["mounted_at"] == ["/boot/efi", "/media/usb"]


def test_holders_are_listed(tmp_path):
    block = _block(tmp_path, "unitfake0")
    (block / "holders").mkdir()
    (block / "holders" / "md127").touch()
    assert _describe(block)["holders"] == ["md127"]


def test_by_id_links_pointing_at_the_device_are_listed(tmp_path):
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    (by_id / "ata-DISK_1").symlink_to("/dev/unitfake0")
    (by_id / "ata-OTHER").symlink_to("/dev/unitfake9")
    block = _block(tmp_path / "sys", "unitfake0")
    assert _describe(block, by_id_dir=by_id)["by_id"] == \
        ["ata-DISK_1"]


def test_existing_device_node_is_probed_for_a_signature(tmp_path):
    block = _block(tmp_path, "null")          # /dev/null exists; the probe is ours
    seen = []

    def probe(devnode):
        seen.append(devnode)
        return Signature(type="ext4", label="data")

    disk = inventory.describe_disk(block, {}, probe_signature=probe, probe_data=_probe_nothing)
    assert seen == ["/dev/null"]
    assert disk["signature"] == {"type": "ext4", "label": "data", "uuid": None, "pttype": None}
    assert disk["data_found"] is None           # a signature already says the disk holds something


def test_a_disk_without_a_signature_is_read_where_labels_live(tmp_path):
    block = _block(tmp_path, "null", size="2048")
    seen = []

    def probe_data(devnode, size):
        seen.append((devnode, size))
        return "non-zero data in the first MiB (at byte 0)"

    disk = inventory.describe_disk(block, {}, probe_signature=lambda devnode: None, probe_data=probe_data)
    assert seen == [("/dev/null", 2048 * 512)]
    assert disk["signature"] is None and disk["data_found"] == "non-zero data in the first MiB (at byte 0)"


def test_a_disk_whose_device_node_is_missing_counts_as_holding_data(tmp_path):
    block = _block(tmp_path, "unitfake0")
    disk = inventory.describe_disk(block, {}, probe_signature=_probe_nothing)
    assert disk["signature"] is None
    assert disk["data_found"] == "the first MiB could not be read (No such file or directory), so it counts as " \
        "holding data"


def test_list_disks_skips_ram_disks_and_empty_devices(tmp_path):
    sys_block = tmp_path / "block"
    for name in ("unitfake0", "unitfake1"):
        _block(sys_block, name)
    _block(sys_block, "ram0")
    _block(sys_block, "zram0")
    _block(sys_block, "unitloop7", size="0")
    _block(sys_block, "unitloop8", size=None)
    disks = inventory.list_disks(sys_block, probe_signature=_probe_nothing, probe_data=_zeros,
                                 by_id_dir=tmp_path / "by-id")
    assert [disk["name"] for disk in disks] == ["unitfake0", "unitfake1"]


def test_mount_sources_group_mountpoints_by_device():
    mounts = [Mount("/", "/srv/tank", "btrfs", "/dev/loop0", frozenset()),
              Mount("/media", "/srv/media", "btrfs", "/dev/loop0", frozenset()),
              Mount("/", "/proc", "proc", "proc", frozenset())]
    assert inventory.mount_sources(mounts) == {"/dev/loop0": ["/srv/tank", "/srv/media"], "proc": ["/proc"]}


def test_udev_counts_as_running_only_when_its_socket_answers(tmp_path):
    control = str(tmp_path / "control")
    assert REAL_UDEV_RUNNING(control) is False                     # no socket at all
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        listener.bind(control)
        assert REAL_UDEV_RUNNING(control) is False                 # bound but not listening: a stale socket
        listener.listen(1)
        assert REAL_UDEV_RUNNING(control) is True
    finally:
        listener.close()

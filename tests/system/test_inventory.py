"""The sigmavault_disks grain, read through salt-call like any Salt consumer would."""

from sigmavault.salt_bridge.call import salt_call

from tests.system.loopdisks import sh


def test_disk_grain_lists_a_loop_disk_with_its_backing_file_size_and_signature(box):
    (image, device), = box.disks.make(1, size="300M")
    box.write_pillar({})
    grains = salt_call(box.site, "grains.item", "sigmavault_disks").data["sigmavault_disks"]
    entry = next(d for d in grains if d["path"] == device)
    assert entry["backing_file"] == str(image) and entry["size_bytes"] == 300 * 1024**2
    assert entry["signature"] is None and isinstance(entry["rotational"], bool)

    sh("mkfs.xfs", "-q", "-L", "old", device)
    grains = salt_call(box.site, "grains.item", "sigmavault_disks").data["sigmavault_disks"]
    entry = next(d for d in grains if d["path"] == device)
    assert entry["signature"]["type"] == "xfs" and entry["signature"]["label"] == "old"

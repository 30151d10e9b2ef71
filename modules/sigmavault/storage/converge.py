"""The plans of one pool or dataset, read fresh from the box each time they are asked for."""

from pathlib import Path

from sigmavault.disks import inventory
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.site import Site
from sigmavault.steps import Plan
from sigmavault.storage.dataset_facts import read_dataset_facts
from sigmavault.storage.dataset_plan import plan_dataset
from sigmavault.storage.luks_facts import array_entry, open_volumes, read_luks_facts
from sigmavault.storage.luks_plan import members_of, plan_volumes
from sigmavault.storage.mdadm_facts import read_mdadm_facts
from sigmavault.storage.mdadm_plan import plan_mdadm_pool
from sigmavault.storage.pool_facts import PoolFacts, read_pool_facts, resolve_disks
from sigmavault.storage.pool_plan import plan_btrfs_pool


def volume_keys(document: dict, site: Site) -> VolumeKeys:
    """The sealed key files of encrypted pools: in the site's state dir, sealed to the node key and the
    pillar's recovery recipients."""
    return VolumeKeys(site.state_dir, tuple(document.get("encryption", {}).get("recovery_recipients", [])))


def pool_plan(storage: dict, name: str, site: Site, keys: VolumeKeys) -> Plan:
    pool = storage["pools"][name]
    if pool["type"] == "mdadm":
        facts = read_mdadm_facts(name, pool, storage["disks"], site.fstab, site.mdadm_conf)
        if pool["encrypted"]:
            facts.luks = read_luks_facts(name, [array_entry(facts)], keys.exists(name))
        return plan_mdadm_pool(name, pool, storage["disks"], facts, keys)
    if pool["encrypted"]:
        return _encrypted_btrfs_plan(storage, name, site.fstab, keys)
    facts = read_pool_facts(name, pool, storage["disks"], site.fstab)
    return plan_btrfs_pool(name, pool, storage["disks"], facts)


def _encrypted_btrfs_plan(storage: dict, name: str, fstab_path: Path, keys: VolumeKeys) -> Plan:
    """The volumes' steps first; the btrfs plan on the open (or about to be opened) volumes after them."""
    pool, disks = storage["pools"][name], storage["disks"]
    devices = resolve_disks(disks, inventory.list_disks())
    if any(disk not in devices for disk in pool["devices"]):
        return plan_btrfs_pool(name, pool, disks, PoolFacts(devices))     # refuses: a disk is missing
    members = [devices[d] for d in pool["devices"] + pool["remove_devices"] if d in devices]
    luks = read_luks_facts(name, members, keys.exists(name))
    plan, targets = plan_volumes(name, members_of(pool, devices), disks, luks, keys)
    if targets is None:
        return plan
    volumes = {disk: targets[devices[disk]["path"]] for disk in pool["devices"]}
    volumes.update(open_volumes(name, {d: devices[d] for d in pool["remove_devices"] if d in devices}, luks))
    fs = plan_btrfs_pool(name, pool, disks, read_pool_facts(name, pool, disks, fstab_path, {**devices, **volumes}))
    plan.steps += fs.steps
    plan.refusals += fs.refusals
    return plan


def dataset_plan(storage: dict, pool_name: str, name: str, site: Site) -> Plan:
    pool = storage["pools"][pool_name]
    dataset = pool["datasets"][name]
    pool_facts = read_pool_facts(pool_name, pool, storage["disks"], site.fstab, pool_devices(storage, pool_name))
    uuid = pool_facts.filesystem.uuid if pool_facts.filesystem else None
    return plan_dataset(pool_name, pool, name, dataset, read_dataset_facts(pool, name, dataset, uuid, site.fstab))


def pool_devices(storage: dict, name: str) -> dict[str, dict]:
    """Declared disk -> device; an encrypted pool's open volumes stand for their disks."""
    pool, devices = storage["pools"][name], resolve_disks(storage["disks"], inventory.list_disks())
    if not pool["encrypted"]:
        return devices
    return {**devices, **open_volumes(name, devices, read_luks_facts(name, list(devices.values()), False))}

"""The plans of one pool or dataset, read fresh from the box each time they are asked for."""

from pathlib import Path

from sigmavault.steps import Plan
from sigmavault.storage.dataset_facts import read_dataset_facts
from sigmavault.storage.dataset_plan import plan_dataset
from sigmavault.storage.mdadm_facts import MDADM_CONF, read_mdadm_facts
from sigmavault.storage.mdadm_plan import plan_mdadm_pool
from sigmavault.storage.pool_facts import read_pool_facts
from sigmavault.storage.pool_plan import plan_btrfs_pool


def pool_plan(storage: dict, name: str, fstab_path: Path, mdadm_conf_path: Path = MDADM_CONF) -> Plan:
    pool = storage["pools"][name]
    if pool["type"] == "mdadm":
        facts = read_mdadm_facts(name, pool, storage["disks"], fstab_path, mdadm_conf_path)
        return plan_mdadm_pool(name, pool, storage["disks"], facts)
    facts = read_pool_facts(name, pool, storage["disks"], fstab_path)
    return plan_btrfs_pool(name, pool, storage["disks"], facts)


def dataset_plan(storage: dict, pool_name: str, name: str, fstab_path: Path) -> Plan:
    pool = storage["pools"][pool_name]
    dataset = pool["datasets"][name]
    pool_facts = read_pool_facts(pool_name, pool, storage["disks"], fstab_path)
    uuid = pool_facts.filesystem.uuid if pool_facts.filesystem else None
    return plan_dataset(pool_name, pool, name, dataset, read_dataset_facts(pool, name, dataset, uuid, fstab_path))

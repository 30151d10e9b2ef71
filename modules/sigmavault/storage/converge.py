"""Entry points the Salt state modules call: predict (test=True) or converge one pool or dataset."""

from dataclasses import dataclass, field
from pathlib import Path

from sigmavault.command import CommandError
from sigmavault.storage import steps
from sigmavault.storage.dataset_facts import read_dataset_facts
from sigmavault.storage.dataset_plan import plan_dataset
from sigmavault.storage.mdadm_facts import MDADM_CONF, read_mdadm_facts
from sigmavault.storage.mdadm_plan import plan_mdadm_pool
from sigmavault.storage.pool_facts import read_pool_facts
from sigmavault.storage.pool_plan import plan_btrfs_pool
from sigmavault.storage.steps import Plan


@dataclass
class Outcome:
    result: bool | None
    comment: str
    changes: dict = field(default_factory=dict)


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


def run_plan(what: str, make_plan, fstab_path: Path, test: bool) -> Outcome:
    """Salt's contract: in test mode result None and the predicted steps; otherwise the steps that ran."""
    try:
        if test:
            plan = make_plan()
            if plan.refusals:
                raise steps.Refused(plan.refusals)
            predicted = [s.summary for s in plan.steps]
            if not predicted:
                return Outcome(True, f"{what} is as declared")
            return Outcome(None, f"{what} would change", {"would": predicted})
        done = steps.converge(make_plan, fstab_path)
    except steps.Refused as refused:
        return Outcome(False, "refused, nothing changed: " + "; ".join(map(str, refused.refusals)))
    except (CommandError, steps.Stuck) as error:
        return Outcome(False, f"{what} failed: {error}")
    if not done:
        return Outcome(True, f"{what} is as declared")
    return Outcome(True, f"{what} converged", {"done": done})

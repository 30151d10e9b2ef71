"""State module: pools and datasets converge through sigmavault.storage.converge."""

from sigmavault.outcome import run_plan
from sigmavault.storage import converge

__virtualname__ = "sigmavault_storage"


def __virtual__():
    return __virtualname__


def _storage() -> dict:
    return __salt__["sigmavault_pillar.document"]()["storage"]


def pool_converged(name: str) -> dict:
    storage, fstab = _storage(), __salt__["sigmavault_pillar.fstab_path"]()
    mdadm_conf, keys = __salt__["sigmavault_pillar.mdadm_conf_path"](), __salt__["sigmavault_pillar.volume_keys"]()
    outcome = run_plan(f"pool {name}", lambda: converge.pool_plan(storage, name, fstab, mdadm_conf, keys),
                       fstab, __opts__["test"])
    return outcome.as_state(name)


def dataset_converged(name: str) -> dict:
    pool, dataset = name.split("/", 1)
    storage, fstab = _storage(), __salt__["sigmavault_pillar.fstab_path"]()
    outcome = run_plan(f"dataset {name}", lambda: converge.dataset_plan(storage, pool, dataset, fstab),
                       fstab, __opts__["test"])
    return outcome.as_state(name)

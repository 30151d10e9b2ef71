"""State module: pools and datasets converge through sigmavault.storage.converge."""

from sigmavault.outcome import run_plan
from sigmavault.site import Site
from sigmavault.storage import converge

__virtualname__ = "sigmavault_storage"


def __virtual__():
    return __virtualname__


def pool_converged(name: str) -> dict:
    document, site = __salt__["sigmavault_pillar.document"](), Site.from_opts(__opts__)
    keys = converge.volume_keys(document, site)
    outcome = run_plan(f"pool {name}", lambda: converge.pool_plan(document["storage"], name, site, keys),
                       __opts__["test"])
    return outcome.as_state(name)


def dataset_converged(name: str) -> dict:
    pool, dataset = name.split("/", 1)
    storage, site = __salt__["sigmavault_pillar.document"]()["storage"], Site.from_opts(__opts__)
    outcome = run_plan(f"dataset {name}", lambda: converge.dataset_plan(storage, pool, dataset, site),
                       __opts__["test"])
    return outcome.as_state(name)

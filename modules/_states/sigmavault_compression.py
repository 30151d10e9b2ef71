"""State module: declared compression jobs made ready to run (archive folders, paths inside their pools)."""

from sigmavault.compression.jobs_plan import plan_jobs
from sigmavault.outcome import run_plan

__virtualname__ = "sigmavault_compression"


def __virtual__():
    return __virtualname__


def jobs_ready(name: str) -> dict:
    document = __salt__["sigmavault_pillar.document"]()
    test = __opts__["test"]
    return run_plan("compression jobs", lambda: plan_jobs(document, predicting=bool(test)), test).as_state(name)

"""What a converge does for the declared compression jobs: make them ready to run, never run them.

Each archive job gets its target folder (root's, 0750: archives hold copies of the pool's files), and
every job's source and target are checked on the box as they are now: a symlink inside a pool that leads
out of it refuses the whole plan, so the owner hears of it at apply time rather than when the job runs.
Running jobs is heavy work: the owner (`sigmavault compress run`) or the agents' schedule starts it.
A second converge finds every folder made and plans nothing.
"""

from __future__ import annotations

import os

from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path
from sigmavault.steps import Plan

from .jobs_paths import OutsidePools, confine
from .jobs_spec import declared_spec

TARGET_MODE = "0750"


def plan_jobs(document: dict, *, predicting: bool = False) -> Plan:
    """The steps that make the declared jobs of document (the validated sigmavault key) ready.

    A pool that is not mounted refuses its jobs: the storage state before this one mounts the pools, so
    one still unmounted failed to, and a folder made now would be the host's own. Only a prediction
    (``predicting``, test=True) goes on, as the storage state it follows only predicted the mount too."""
    plan, planned = Plan(), set()
    for name, job in sorted(document["compression"]["jobs"].items()):
        spec = declared_spec(name, job, document["storage"])
        where = key_path(ROOT_KEY, "compression", "jobs", name)
        try:
            confine(spec.source, spec.roots, mounted=not predicting)
            target = confine(spec.target, spec.roots, mounted=not predicting) if spec.target else None
        except OutsidePools as error:
            plan.refusals.append(PillarError(where, str(error)))
            continue
        if target is None or target in planned or os.path.isdir(target):
            continue
        if os.path.lexists(target):
            plan.refusals.append(PillarError(f"{where}.target", f"{target} exists and is not a folder; move it "
                                                               "away or choose another target"))
            continue
        planned.add(target)  # one folder for the jobs that share it: test=True predicts what a run does
        plan.add(f"make archive folder {target} for job {name}", ["mkdir", "-p", "-m", TARGET_MODE, target])
    return plan

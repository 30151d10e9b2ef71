"""Execution module: compression jobs (sigmavault.compression.jobs) run, listed and cancelled from Salt.

Progress goes to <state dir>/compression/progress/<job id>.jsonl and, where the minion has an event
bus, to sigmavault/compression/job/<job id>/progress.
"""

import json
from pathlib import Path

from sigmavault.compression.errors import CompressionError
from sigmavault.compression.jobs import new_job_id, run_job
from sigmavault.compression.jobs_spec import confined, declared_spec, make_spec
from sigmavault.compression.pillar_rules import job_errors
from sigmavault.compression.store import JobStore
from sigmavault.records import RecordDamaged
from sigmavault.schema.errors import ROOT_KEY, key_path
from sigmavault.site import Site

__virtualname__ = "sigmavault_compression"


def __virtual__():
    return __virtualname__


def state_dir() -> Path:
    return Site.from_opts(__opts__).state_dir


def _text(value):
    """Salt reads key=value arguments as YAML but leaves a value holding '#' as typed: unquote it."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _emit(tag: str, data: dict):
    return __salt__["event.send"](tag, data)


def _document() -> dict:
    return __salt__["sigmavault_pillar.document"]()


def declared() -> dict:
    """The jobs declared under sigmavault.compression.jobs, resolved (the verdict has checked them)."""
    document = _document()
    if not document:
        return {"error": "the pillar does not validate: run `sigmavault validate`"}
    jobs = document["compression"]["jobs"]
    return {"jobs": {name: declared_spec(name, job, document["storage"]).to_dict()
                     for name, job in sorted(jobs.items())}}


def run(name=None, job_id=None, source=None, target=None, in_place=False, profile="balanced", cold_days=0,
        priority="low", restore=False):
    """Run the declared job name, or one given by source and target/in_place; return its record."""
    name, job_id, source, target = _text(name), _text(job_id), _text(source), _text(target)
    document = _document()
    if not document:
        return {"error": "the pillar does not validate: run `sigmavault validate`"}
    try:
        if source is None:
            declared_jobs = document["compression"]["jobs"]
            if name not in declared_jobs:
                known = ", ".join(sorted(declared_jobs)) or "none are declared"
                return {"error": f"no job {name!r} under sigmavault.compression.jobs ({known})"}
            where = key_path(ROOT_KEY, "compression", "jobs", name)
            problems = [str(e) for e in job_errors(where, declared_jobs[name], document["storage"])]
            if problems:
                return {"error": "; ".join(problems)}
            spec = declared_spec(name, declared_jobs[name], document["storage"])
            running = JobStore.for_state_dir(state_dir()).running(name)
            if running:
                return {"error": f"job {name} is already running as {running}; wait for it or cancel it"}
        else:
            spec = make_spec(name or ("restore" if restore else "adhoc"), document, source=source, target=target,
                             in_place=bool(in_place), restore=bool(restore), profile=profile,
                             cold_days=int(cold_days), priority=priority)
        confined(spec)  # refused before a job record exists; the job checks its real paths again as it starts
        return {"job": run_job(spec, state_dir(), job_id=job_id or new_job_id(), emit=_emit)}
    except (CompressionError, RecordDamaged) as error:
        return {"error": str(error)}


def jobs(limit=100):
    """The newest jobs first (what the control panel shows as /compression/jobs)."""
    return JobStore.for_state_dir(state_dir()).jobs(int(limit))


def stats():
    """Space saved and speed per kind of data over all finished jobs (/compression/stats)."""
    return JobStore.for_state_dir(state_dir()).stats()


def cancel(job_id):
    """Ask a running job to stop; returns the state it was in (None: no such job)."""
    job_id = str(_text(job_id))
    return {"job": job_id, "state": JobStore.for_state_dir(state_dir()).request_cancel(job_id)}

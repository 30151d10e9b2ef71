"""What preview, apply and rollback jobs do: run state.apply through salt_call and read its result."""

from collections.abc import Callable

from sigmavault.agents.boxlock import BoxBusy
from sigmavault.cli import report
from sigmavault.cli.state_results import StateResult, parse_state_results
from sigmavault.records import RecordDamaged
from sigmavault.salt_bridge.call import SaltUnavailable
from sigmavault.site import Site
from sigmavault_panel.services.pillar_store import PillarStore
from sigmavault_panel.services.runner import Job, Work


def state_dict(state: StateResult) -> dict:
    outcome = {True: "ok", False: "failed", None: "would change"}[state.result]
    if state.result is True and state.changed:
        outcome = "changed"
    return {"id": state.id, "result": state.result, "outcome": outcome, "comment": state.comment,
            "would": [str(s) for s in state.changes.get("would", [])],
            "done": [str(s) for s in state.changes.get("done", [])]}


def _run_highstate(job: Job, site: Site, salt: Callable, progress, test: bool) -> list[StateResult] | None:
    try:
        reply = salt(site, "state.apply", *(["test=True"] if test else []), on_state_done=progress)
    except (SaltUnavailable, RecordDamaged) as error:   # a damaged Salt job record names its file and remedy
        job.status, job.errors = "error", [str(error)]
        return None
    except BoxBusy as busy:      # agent work holding the box did not reach a safe point in time
        job.status, job.errors = "error", [f"the apply did not start, nothing changed: {busy}"]
        return None
    results, errors = parse_state_results(reply.data)
    if errors:
        job.status, job.errors = "error", ["Salt could not start the run:", *errors]
        return None
    job.states = [state_dict(s) for s in results]
    return results


def highstate(site: Site, salt: Callable, store: PillarStore, test: bool) -> Work:
    """Preview (test=True: what would change, per state) or apply (converge, then a summary)."""
    def work(job: Job, progress) -> None:
        job.version = store.read().version
        results = _run_highstate(job, site, salt, progress, test=test)
        if results is None:
            return
        refused = sum(1 for s in results if s.result is False)
        if test:
            would = sum(1 for s in results if s.result is None)
            job.summary = (f"{would} of {len(results)} states would change, {refused} refused"
                           if would or refused else f"nothing would change ({len(results)} states checked)")
        else:
            job.summary = report.summary(results)
        job.status = "failed" if refused else "succeeded"
    return work


def rollback(site: Site, salt: Callable, store: PillarStore, version: str, user: str) -> Work:
    """Write the pillar as it was in version (a new version), then apply it."""
    converge = highstate(site, salt, store, test=False)

    def work(job: Job, progress) -> None:
        restored = store.restore(version, user)
        progress(f"pillar restored from version {version[:10]} as {restored.version[:10]}", 0.0)
        converge(job, progress)
    return work

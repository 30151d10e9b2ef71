"""Drift watch: a periodic dry run (test=True) of the whole pillar. Drift is any state that would change,
such as a hand-edited smb.conf; which states and what would change is remembered, kept in the run's
details and published (`drift/found`). Only when the pillar says so (agents.drift.converge) is the box
converged at once, through the same apply the CLI runs (it takes the box lock itself, so this agent does
not hold it)."""

from __future__ import annotations

from sigmavault.agents.registry import Agent, ConvergeReport, Outcome, TaskContext
from sigmavault.site import Site

SHOWN = 5   # state ids named in the one-line summary; the details have them all


def settings(document: dict, site: Site) -> dict:
    return {"converge": bool(document.get("agents", {}).get("drift", {}).get("converge", False))}


def named(states: dict[str, dict]) -> str:
    ids = sorted(states)
    return ", ".join(ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")


def run_drift(ctx: TaskContext) -> Outcome:
    ctx.progress(None, "dry run of the pillar (test=True)")
    preview = ctx.converge(test=True)
    if preview.errors and not preview.changes:
        return Outcome(False, f"the dry run could not check for drift: {preview.errors[0]}",
                       {"errors": preview.errors}, retry=True)
    drift = preview.changes
    ctx.remember("", "drift", drift)
    details: dict = {"drift": drift, "errors": preview.errors}
    if not drift:
        return Outcome(not preview.errors, "no drift: the box is as the pillar says", details)
    ctx.publish("drift/found", {"states": drift})
    summary = f"drift: {len(drift)} state(s) would change: {named(drift)}"
    if not ctx.settings.get("converge") or ctx.cancelled():
        return Outcome(True, summary, details)
    ctx.progress(None, f"converging {len(drift)} drifted state(s)")
    applied = ctx.converge(test=False)
    details["converged"] = {"ok": applied.ok, "changes": applied.changes, "errors": applied.errors}
    return Outcome(applied.ok, f"{summary}; converged: {converged(applied)}", details)


def converged(report: ConvergeReport) -> str:
    if report.ok:
        return f"{len(report.changes)} state(s) changed"
    return f"the apply failed: {'; '.join(report.errors[:2]) or 'see the details'}"


DRIFT = Agent(
    name="drift",
    description="A periodic dry run that records and publishes any state that would change (drift).",
    priority=40, schedule="@every 1h", run=run_drift, settings=settings,
    heavy=False, holds_box=False, isolated=True, timeout_seconds=1800, max_attempts=2)

"""Self-heal: every service this pillar makes the box run must answer its protocol; one that does not is
restarted through the platform's services (the same start a converge uses), with backoff and a breaker.

Which services (settings, from the pillar): smbd and nmbd when SMB shares are declared; the NFS server of
the chosen backend when exports are; nginx and the panel. Under systemd one is watched only when its unit
is loaded and enabled (a converge starts a daemon with `enable --now`, the image enables nginx and the
panel; nmbd is watched only where someone enabled it: nothing in the pillar runs it, and the image disables
it). Without systemd only what the converge itself starts there is restarted (smbd, NFS-Ganesha); the rest
is reported as not run here. Events: `self_heal/restarted` on each restart,
`self_heal/breaker_open` once when a service's breaker opens.
"""

from __future__ import annotations

import time
from pathlib import Path

from sigmavault.agents.builtin import heal_policy, probes
from sigmavault.agents.registry import Agent, Outcome, TaskContext
from sigmavault.command import CommandError, run_result
from sigmavault.services import Daemon, enabled, restart, systemd_runs
from sigmavault.shares.nfs_exports import export_plan
from sigmavault.shares.nfs_plan import ganesha, nfs_paths
from sigmavault.shares.smb_plan import smbd
from sigmavault.site import Site

SMB = {"kind": "smb", "port": 445}
NFS = {"kind": "rpc", "port": 2049}
SERVICES = {   # name -> (systemd unit, probe)
    "smbd": ("smbd", SMB),
    "nmbd": ("nmbd", {"kind": "netbios", "host": "box", "port": 137}),
    "nfs-ganesha": ("nfs-ganesha", NFS),
    "nfs-server": ("nfs-server", NFS),
    "nginx": ("nginx", {"kind": "http", "port": 80, "path": "/healthz"}),   # any HTTP answer: nginx is up
    "sigmavault-panel": ("sigmavault-panel", {"kind": "http", "port": 8080, "path": "/api/v1/health/live",
                                              "ok_only": True}),
}


def settings(document: dict, site: Site) -> dict:
    shares = document.get("shares", {})
    names = ["smbd", "nmbd"] if shares.get("smb") else []
    if export_plan(document):
        names.append("nfs-ganesha" if shares.get("nfs_server", {}).get("backend") == "ganesha" else "nfs-server")
    names += ["nginx", "sigmavault-panel"]
    breaker = document.get("agents", {}).get("breaker", {})
    return {"services": [{"name": n, "unit": SERVICES[n][0], "probe": SERVICES[n][1]} for n in names],
            "failures": breaker.get("failures", 3), "window_seconds": breaker.get("window_minutes", 30) * 60,
            "backoff_seconds": 10, "probe_timeout_seconds": 3, "confirm_timeout_seconds": 6,
            "settle_seconds": 30}


STARTED_WITHOUT_SYSTEMD = ("smbd", "nfs-ganesha")   # what a converge starts where systemd is not PID 1


def watched(name: str, systemd: bool, loaded: bool, is_enabled: bool) -> bool:
    """Whether self-heal keeps the service running here: under systemd a unit that is loaded and enabled
    (a restart of one nothing enables would start a daemon the box never runs); else what a converge starts."""
    if systemd:
        return loaded and is_enabled
    return name in STARTED_WITHOUT_SYSTEMD


def daemon_here(service: dict, site: Site) -> Daemon | None:
    """How this box runs the service; None when it does not run it here (not installed or not enabled, or
    no systemd to start what only the image's units start)."""
    if systemd_runs():
        unit = Daemon(service["unit"], (), Path(), ())
        loaded = run_result(["systemctl", "show", "--property=LoadState", "--value", service["unit"]])
        is_loaded = loaded.stdout.strip() == "loaded"
        return unit if watched(service["name"], True, is_loaded, is_loaded and enabled(unit)) else None
    if not watched(service["name"], False, False, False):
        return None
    if service["name"] == "smbd":
        return smbd(site.etc / "samba" / "smb.conf")
    if service["name"] == "nfs-ganesha":
        return ganesha(nfs_paths(site.etc).ganesha_conf)
    return None


def answers_within(probe: dict, timeout: float, seconds: float) -> str | None:
    """None once the probe answers; the last problem when it did not within seconds."""
    deadline = time.monotonic() + seconds
    while (problem := probes.problem(probe, timeout)) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    return problem


def heal(ctx: TaskContext, service: dict, policy: heal_policy.Policy, now: float) -> dict:
    """One service: probe, and restart it if it does not answer and policy allows. Returns its report."""
    name, settings = service["name"], ctx.settings
    daemon = daemon_here(service, ctx.site)
    if daemon is None:
        return {"state": "not here", "ok": True}
    problem = probes.problem(service["probe"], settings["probe_timeout_seconds"])
    if problem is not None:   # a restart drops every client's session: a busy moment is asked again, longer
        problem = probes.problem(service["probe"], settings["confirm_timeout_seconds"])
    restarts = ctx.recall(name, "restarts", [])
    decision = heal_policy.decide(restarts, now, policy)
    was_open = ctx.recall(name, "breaker_open", False)
    is_open = problem is not None and decision.action == heal_policy.OPEN
    if was_open != is_open:   # opens once (one event), closes when it answers or its restarts left the window
        ctx.remember(name, "breaker_open", is_open)
    if problem is None:
        return {"state": "answers", "ok": True, "restarts_in_window": len(decision.recent)}
    report = {"problem": problem, "restarts_in_window": len(decision.recent), "ok": False}
    if is_open:
        if not was_open:
            ctx.publish("self_heal/breaker_open", {"service": name, "problem": problem,
                                                   "restarts": list(decision.recent), "until": decision.until})
        return {**report, "state": "breaker open", "until": decision.until}
    if decision.action == heal_policy.WAIT:
        return {**report, "state": "backoff", "until": decision.until}
    ctx.progress(None, f"restarting {name}: {problem}")
    ctx.remember(name, "restarts", [*decision.recent, now])
    try:
        restart(daemon)
    except CommandError as error:
        after = f"the restart failed: {error}"
    else:
        after = answers_within(service["probe"], settings["probe_timeout_seconds"], settings["settle_seconds"])
    ctx.publish("self_heal/restarted", {"service": name, "problem": problem, "answers": after is None,
                                        "after": after})
    return {**report, "state": "restarted", "ok": after is None, "after": after}


def run_self_heal(ctx: TaskContext) -> Outcome:
    settings = ctx.settings
    policy = heal_policy.Policy(settings["failures"], settings["window_seconds"], settings["backoff_seconds"])
    reports = {}
    for service in settings["services"]:
        if ctx.cancelled():
            break
        reports[service["name"]] = heal(ctx, service, policy, time.time())
    # A service that stays down is what self-heal found, not a failure of self-heal: counted as one, the
    # runtime's own breaker would stop watching every service because one keeps failing. Each service's
    # verdict is in the details, the summary and its events (restarted, breaker_open).
    return Outcome(True, summary_of(reports), {"services": reports})


def summary_of(reports: dict[str, dict]) -> str:
    lines = []
    for name, report in reports.items():
        state = report["state"]
        if state == "restarted":
            lines.append(f"{name} restarted ({report['problem']})" + ("" if report["ok"] else
                                                                      f", still not answering: {report['after']}"))
        elif state in ("backoff", "breaker open"):
            lines.append(f"{name} does not answer ({report['problem']}); {state}, not restarted")
    answering = [n for n, r in reports.items() if r["state"] == "answers"]
    return "; ".join(lines) or (f"all answer: {', '.join(answering)}" if answering else "no service to watch here")


SELF_HEAL = Agent(
    name="self_heal",
    description="Probes that each service the box runs answers (SMB, NFS, HTTP) and restarts one that does not.",
    priority=90, schedule="@every 30s", run=run_self_heal, settings=settings,
    heavy=False, holds_box=True, isolated=False, timeout_seconds=300, max_attempts=1)

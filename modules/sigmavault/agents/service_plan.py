"""The agents state's plan: facts of the box (service_facts) -> a pure steps.Plan that leaves the agent
service as the pillar says: its folder root's only, config.json as runtime_config makes it, the systemd unit
(on a systemd box), and the service running (or stopped with `enabled: false`).

config.json changing needs no restart (the service rereads it); the unit or the service's code changing
(its entry point, the agents package) does. Not when the apply itself runs inside the service (drift's
automatic converge is the service's task's salt-call): the restart would kill that very apply, so it waits
for the next apply not made by an agent, and until then the service runs the code it started with.
"""

from sigmavault.agents.config import agents_dir, config_path
from sigmavault.agents.service_facts import SERVICE_MODULE, ServiceFacts
from sigmavault.agents.unit import BINARY_NAME, UNIT_NAME, daemon, unit_path, unit_text
from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path
from sigmavault.services import Daemon
from sigmavault.site import Site
from sigmavault.steps import Plan

# As the unit's TimeoutStopSec. The service gives a running task only its stop grace (seconds) to reach a
# safe point before it kills it; this is the bound on the whole exit, not time promised to the tasks.
STOP_RETRY = "TERM/90/KILL/5"
WAITS = "the restart waits for the next apply not made by an agent"


def plan_service(document: dict, site: Site, config_text: str, facts: ServiceFacts) -> Plan:
    """What brings the service to the pillar (document: the validated sigmavault key)."""
    plan = Plan()
    wanted = document.get("agents", {}).get("enabled", True)
    if wanted and facts.program is None:
        plan.refusals.append(PillarError(key_path(ROOT_KEY, "agents", "enabled"),
                                         f"the agent service ({BINARY_NAME}, or Python's {SERVICE_MODULE}) is not "
                                         "installed: reinstall SigmaVault (`make setup`), or set enabled: false"))
        return plan
    folder = agents_dir(site)
    if facts.folder_mode != 0o700:
        plan.add(f"make the agents folder {folder} (root only)", ["install", "-d", "-m", "0700", str(folder)])
    if facts.config_text != config_text:
        plan.add(f"write the agents' config {config_path(site)}", writes=((str(config_path(site)), config_text),))
    command = facts.program.command if facts.program else (BINARY_NAME,)
    service = daemon(command, site.state_dir)
    restart = restart_commands(service, facts.systemd)
    if facts.systemd:
        unit = unit_text(command, site.state_dir)
        if facts.unit_text != unit:
            again = restart if facts.running and wanted and not facts.planned_by_service else []
            waits = facts.running and wanted and facts.planned_by_service
            plan.add(f"write the unit {UNIT_NAME} and reload systemd" + (" and the service" if again else "")
                     + (f" ({WAITS}: this one runs inside the service)" if waits else ""),
                     ["systemctl", "daemon-reload"], *again, writes=((str(unit_path(site)), unit),))
            return plan
    if not wanted:
        return stop_plan(site, facts, plan, why=" (agents.enabled: false)")
    if not facts.running:
        plan.add("start the agent service", *start_commands(service, facts.systemd))
    elif not facts.enabled:
        plan.add(f"enable {UNIT_NAME} at boot", ["systemctl", "enable", UNIT_NAME])
    elif (facts.started is not None and facts.program_changed is not None and facts.program_changed > facts.started
          and not facts.planned_by_service):   # no step for the waiting restart: drift would find it each run
        plan.add("restart the agent service (its code changed since it started)", *restart)
    return plan


def stop_plan(site: Site, facts: ServiceFacts, plan: Plan | None = None, why: str = "") -> Plan:
    """The service stopped and not started at boot (`enabled: false`; `make demo-clean`)."""
    plan = plan or Plan()
    service = daemon(facts.program.command if facts.program else (BINARY_NAME,), site.state_dir)
    if facts.running:
        plan.add(f"stop the agent service{why}", *stop_commands(service, facts.systemd))
    elif facts.systemd and facts.enabled:
        plan.add(f"disable {UNIT_NAME}{why}", ["systemctl", "disable", UNIT_NAME])
    return plan


def start_commands(service: Daemon, systemd: bool) -> list[list[str]]:
    if systemd:
        return [["systemctl", "enable", "--now", UNIT_NAME]]
    return [list(service.start)]     # returns once the service said READY=1 (start-stop-daemon --notify-await)


def stop_commands(service: Daemon, systemd: bool) -> list[list[str]]:
    if systemd:
        return [["systemctl", "disable", "--now", UNIT_NAME]]
    return [["start-stop-daemon", "--stop", "--pidfile", str(service.pidfile), "--retry", STOP_RETRY,
             "--remove-pidfile"]]


def restart_commands(service: Daemon, systemd: bool) -> list[list[str]]:
    if systemd:
        return [["systemctl", "restart", UNIT_NAME]]
    return stop_commands(service, systemd) + start_commands(service, systemd)

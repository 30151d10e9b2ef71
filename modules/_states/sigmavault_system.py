"""State module: the box's host name and time zone (sigmavault.system.host)."""

from sigmavault.outcome import run_plan
from sigmavault.system.host import plan_host, read_host_facts

__virtualname__ = "sigmavault_system"


def __virtual__():
    return __virtualname__


def host_configured(name: str) -> dict:
    system = __salt__["sigmavault_pillar.document"]()["system"]
    etc = __salt__["sigmavault_pillar.etc_path"]()
    outcome = run_plan("host name and time zone", lambda: plan_host(system, read_host_facts(etc), etc),
                       __salt__["sigmavault_pillar.fstab_path"](), __opts__["test"])
    return outcome.as_state(name)

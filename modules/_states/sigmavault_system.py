"""State module: the box's host name and time zone (sigmavault.system.host)."""

from sigmavault.outcome import run_plan
from sigmavault.site import Site
from sigmavault.system.host import plan_host, read_host_facts

__virtualname__ = "sigmavault_system"


def __virtual__():
    return __virtualname__


def host_configured(name: str) -> dict:
    system, etc = __salt__["sigmavault_pillar.document"]()["system"], Site.from_opts(__opts__).etc
    outcome = run_plan("host name and time zone", lambda: plan_host(system, read_host_facts(etc), etc),
                       __opts__["test"])
    return outcome.as_state(name)

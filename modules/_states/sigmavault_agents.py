"""State module: the agent service as the pillar declares it (sigmavault.agents.service_plan)."""

from sigmavault.agents.config import config_text, runtime_config
from sigmavault.agents.service_facts import read_facts
from sigmavault.agents.service_plan import plan_service
from sigmavault.outcome import run_plan
from sigmavault.site import Site

__virtualname__ = "sigmavault_agents"


def __virtual__():
    return __virtualname__


def service_running(name: str) -> dict:
    document = __salt__["sigmavault_pillar.document"]()
    site = Site.from_opts(__opts__)
    text = config_text(runtime_config(document, site))
    return run_plan("the agent service", lambda: plan_service(document, site, text, read_facts(site)),
                    __opts__["test"]).as_state(name)

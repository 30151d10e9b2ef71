# The agent service: its config from the pillar, its unit, and the service itself running (or stopped with
# sigmavault.agents.enabled: false). Last before the panel: the agents act on everything converged before them.
include:
  - sigmavault.agents.service

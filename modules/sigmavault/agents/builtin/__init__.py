"""Every agent the box has, in one place: the service registers BUILTIN, the config lists each of them.

drift (dry run, records and publishes drift), self_heal (services that do not answer are restarted),
key_rotation (the node key resealed every encryption.rotation_days), compression (declared jobs on their
schedules), housekeeping (the agents' history kept to history_days). An agent module provides one
registry.Agent; add it here, and its block to pillar/schema/agents.yaml.
"""

from sigmavault.agents.builtin.compression import COMPRESSION
from sigmavault.agents.builtin.drift import DRIFT
from sigmavault.agents.builtin.housekeeping import HOUSEKEEPING
from sigmavault.agents.builtin.key_rotation import KEY_ROTATION
from sigmavault.agents.builtin.self_heal import SELF_HEAL
from sigmavault.agents.registry import Agent

BUILTIN: tuple[Agent, ...] = (SELF_HEAL, DRIFT, KEY_ROTATION, COMPRESSION, HOUSEKEEPING)

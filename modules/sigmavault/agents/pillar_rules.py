"""Cross-key rules of sigmavault.agents that the schema alone cannot say: the one place they live.

The schema (pillar/schema/agents.yaml) checks each key and refuses an override for an agent the box does not
have; these rules check what only the agents' own parser knows (a schedule string means a time) and keys
that must differ. Schedules of objects live beside the objects (a compression job's), and are checked here
too, so every schedule the service will read has been parsed once before an apply writes its config.
"""

from __future__ import annotations

from collections.abc import Iterator

from sigmavault.agents.schedules import parse
from sigmavault.schema.errors import ROOT_KEY, PillarError, key_path

# Keys of sigmavault.agents that are the runtime's, not an agent's block.
RUNTIME_KEYS = frozenset({"enabled", "workers", "quiet_hours", "history_days", "breaker"})


def agents_errors(document: dict) -> Iterator[PillarError]:
    """One error per thing to change (document: the schema-valid sigmavault key, defaults filled in)."""
    agents = document.get("agents", {})
    blocks = agent_blocks(agents)
    for name, block in sorted(blocks.items()):
        yield from schedule_errors(key_path(ROOT_KEY, "agents", name, "schedule"), block.get("schedule"),
                                   block.get("jitter_seconds", 0), key_path(ROOT_KEY, "agents", name))
    if blocks.get("compression", {}).get("schedule") is not None:
        # Every declared job is the compression agent's subject: one schedule here would run the jobs the
        # owner left on demand (no schedule of their own) too.
        yield PillarError(key_path(ROOT_KEY, "agents", "compression", "schedule"),
                          "compression jobs are scheduled one by one: remove this key and give each job its own "
                          "sigmavault.compression.jobs.<name>.schedule (a job without one runs only when asked)")
    jitter = blocks.get("compression", {}).get("jitter_seconds", 0)
    for name, job in sorted(document.get("compression", {}).get("jobs", {}).items()):
        yield from schedule_errors(key_path(ROOT_KEY, "compression", "jobs", name, "schedule"), job.get("schedule"),
                                   jitter, key_path(ROOT_KEY, "agents", "compression"))
    quiet = agents.get("quiet_hours")
    if quiet and quiet["start"] == quiet["end"]:
        yield PillarError(key_path(ROOT_KEY, "agents", "quiet_hours"),
                          f"start and end are both {quiet['start']}, which is no window at all; give an end "
                          "that differs from start, or set quiet_hours: null")


def agent_blocks(agents: dict) -> dict[str, dict]:
    """name -> the pillar's block for that agent (enabled, schedule, jitter_seconds and its own keys)."""
    return {name: block for name, block in agents.items() if name not in RUNTIME_KEYS and isinstance(block, dict)}


def schedule_errors(where: str, text: str | None, jitter_seconds: int, agent: str) -> Iterator[PillarError]:
    """A schedule that does not parse; or an interval no longer than the jitter added to each due time, so
    that runs meant to come one after another could meet or change places."""
    if text is None:
        return
    try:
        schedule = parse(text)
    except ValueError as error:
        yield PillarError(where, str(error))
        return
    if schedule.interval is not None and jitter_seconds >= schedule.interval:
        yield PillarError(where, f"runs every {schedule.interval:g} s, but {agent}.jitter_seconds adds up to "
                                 f"{jitter_seconds} s to each run: make jitter_seconds shorter than the interval")

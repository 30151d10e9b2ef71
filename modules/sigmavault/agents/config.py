"""The agent service's config file, <state dir>/agents/config.json: what the pillar asks of the runtime,
made once by the apply (the state writes it; the service rereads it when it changes). Version 1:

    {"version": 1, "site": {pillar_dir, state_dir, fstab, etc}, "workers": 2,
     "quiet_hours": {"start": "22:00", "end": "06:00", "zone": "Europe/Berlin"} | null, "history_days": 90,
     "breaker": {"failures": 3, "window_seconds": 1800},
     "agents": {name: {"enabled", "schedule", "jitter_seconds", "settings"}}}

Every agent the box has appears under "agents", enabled or not; its schedule is the pillar's override, else
the agent's own default; its settings are what the agent itself makes of the pillar (Agent.settings).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from sigmavault.agents.pillar_rules import agent_blocks
from sigmavault.agents.registry import Agent, by_name
from sigmavault.records import RecordDamaged, read_json
from sigmavault.site import Site

VERSION = 1
CONFIG_NAME = "config.json"
REMEDY = "run `sigmavault apply` to write it again from the pillar"
# An agent the pillar has no block for (one added after the schema): it runs as its author planned.
UNDECLARED = {"enabled": True, "schedule": None, "jitter_seconds": 0}


def agents_dir(site: Site) -> Path:
    return site.state_dir / "agents"


def config_path(site: Site) -> Path:
    return agents_dir(site) / CONFIG_NAME


def box_zone(site: Site) -> str:
    """The zone the box keeps when the pillar names none (Debian writes its name to <etc>/timezone)."""
    try:
        return (site.etc / "timezone").read_text().strip() or "UTC"
    except (OSError, UnicodeDecodeError):
        return "UTC"


def runtime_config(document: dict, site: Site, agents: Iterable[Agent] | None = None) -> dict:
    """config.json's content for a pillar that passed the verdict (document: the sigmavault key, defaults
    filled in). agents: the box's agents (builtin.BUILTIN unless given)."""
    if agents is None:
        from sigmavault.agents.builtin import BUILTIN  # loads every agent (and domain) only when needed
        agents = BUILTIN
    runtime = document.get("agents", {})
    blocks = agent_blocks(runtime)
    quiet = runtime.get("quiet_hours")
    zone = document.get("system", {}).get("timezone") or box_zone(site)
    breaker = runtime.get("breaker", {})
    return {
        "version": VERSION,
        "site": {"pillar_dir": str(site.pillar_dir), "state_dir": str(site.state_dir),
                 "fstab": str(site.fstab), "etc": str(site.etc)},
        "workers": runtime.get("workers", 2),
        "quiet_hours": {"start": quiet["start"], "end": quiet["end"], "zone": zone} if quiet else None,
        "history_days": runtime.get("history_days", 90),
        "breaker": {"failures": breaker.get("failures", 3), "window_seconds": breaker.get("window_minutes", 30) * 60},
        "agents": {name: agent_entry(agent, blocks.get(name, UNDECLARED), document, site)
                   for name, agent in sorted(by_name(agents).items())},
    }


def agent_entry(agent: Agent, block: dict, document: dict, site: Site) -> dict:
    schedule = block.get("schedule")
    return {"enabled": bool(block.get("enabled", True)),
            "schedule": schedule if schedule is not None else agent.schedule,
            "jitter_seconds": block.get("jitter_seconds", 0),
            "settings": agent.settings(document, site)}


def config_text(config: dict) -> str:
    """The file's bytes: stable (sorted keys), so an unchanged pillar writes nothing."""
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


def read_config(path: Path) -> dict:
    """config.json as the service reads it; RecordDamaged names the file, what is wrong and what to do."""
    config = read_json(path, dict, REMEDY)
    if config.get("version") != VERSION:
        raise RecordDamaged(path, f"is version {config.get('version')!r}, this service reads version {VERSION}",
                            REMEDY)
    if not isinstance(config.get("agents"), dict) or not isinstance(config.get("site"), dict):
        raise RecordDamaged(path, "lacks its agents or site", REMEDY)
    return config

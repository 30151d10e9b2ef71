"""The plug-in surface: what an agent module provides (Agent), what it runs for (Subject), what it hands
back (Outcome) and what it is handed (TaskContext). Keep it small: every later agent builds on it."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sigmavault.site import Site

NAME = re.compile(r"[a-z][a-z0-9_]*")
TAG_PREFIX = "sigmavault/agents/"


@dataclass(frozen=True)
class Subject:
    """One thing an agent runs for: "" (the box), a job name, a pool …"""
    name: str = ""
    pool: str | None = None          # heavy tasks of one pool never run at once
    schedule: str | None = None      # overrides the agent's schedule for this subject (a job's own schedule)


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary: str                                  # one line for lists and alerts
    details: dict = field(default_factory=dict)   # JSON-able, kept in history
    retry: bool = False                           # not ok, and worth retrying with backoff


@dataclass(frozen=True)
class ConvergeReport:
    """A converge (or its test=True preview) as an agent sees it: state id -> {"comment", "changes"} for
    every state that changed or would change."""
    ok: bool
    changes: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _no_settings(pillar: dict, site: Site) -> dict:
    return {}


def _the_box(settings: dict) -> list[Subject]:
    return [Subject()]


@dataclass(frozen=True)
class Agent:
    name: str                                     # [a-z][a-z0-9_]*
    description: str                              # one sentence, shown in list and panel
    priority: int                                 # 0..100, higher runs first
    schedule: str | None                          # default schedule; None: on demand only
    run: Callable[["TaskContext"], Outcome]
    settings: Callable[[dict, Site], dict] = _no_settings   # pillar (validated) -> JSON-able settings
    subjects: Callable[[dict], list[Subject]] = _the_box     # settings -> what it runs for
    heavy: bool = False                           # disk-heavy: waits out quiet hours; one per pool
    holds_box: bool = False                       # holds the box lock (shared) while it runs
    isolated: bool = True                         # a child process (killable); False: a worker thread
    timeout_seconds: float = 3600
    max_attempts: int = 3


class AgentDefinitionError(ValueError):
    pass


def by_name(agents: Iterable[Agent]) -> dict[str, Agent]:
    """name -> Agent, refusing a bad or repeated name or priority out of range (a programming error of
    whoever assembled the list, so it is raised at start, not met at the first run)."""
    found: dict[str, Agent] = {}
    for agent in agents:
        if not NAME.fullmatch(agent.name):
            raise AgentDefinitionError(f"agent name {agent.name!r} must match [a-z][a-z0-9_]*")
        if agent.name in found:
            raise AgentDefinitionError(f"two agents are named {agent.name!r}")
        if not 0 <= agent.priority <= 100:
            raise AgentDefinitionError(f"agent {agent.name!r}: priority {agent.priority} is outside 0..100")
        found[agent.name] = agent
    return found


def load_agents(spec: str) -> tuple[Agent, ...]:
    """The agents named by "module:attribute" (the service's --agents; its default is the box's own,
    sigmavault.agents.builtin:BUILTIN). ValueError names what could not be loaded."""
    import importlib
    module_name, _, attribute = spec.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute or "BUILTIN")
    except (ImportError, AttributeError) as error:
        raise ValueError(f"agents {spec!r} cannot be loaded: {error}") from None
    agents = tuple(found)
    if not all(isinstance(agent, Agent) for agent in agents):
        raise ValueError(f"agents {spec!r} is not a list of registry.Agent")
    by_name(agents)
    return agents


class TaskHost(Protocol):
    """What a TaskContext asks of whoever runs the task: the runtime (thread tasks) or the child process
    of an isolated task (which forwards to the runtime, the one writer of the database)."""
    def progress(self, fraction: float | None, message: str) -> None: ...
    def cancelled(self) -> bool: ...
    def remember(self, subject: str, key: str, value: Any) -> None: ...
    def recall(self, subject: str, key: str, default: Any) -> Any: ...
    def publish(self, tag: str, data: dict) -> None: ...
    def converge(self, test: bool) -> ConvergeReport: ...


class TaskContext:
    """Handed to Agent.run: who the task is, and the ways it may talk to the world."""

    def __init__(self, *, task_id: int, agent: str, subject: Subject, settings: dict, site: Site,
                 attempt: int, host: TaskHost):
        self.task_id, self.agent, self.subject = task_id, agent, subject
        self.settings, self.site, self.attempt = settings, site, attempt
        self._host = host

    def progress(self, fraction: float | None, message: str) -> None:
        """Published (task/<id>/progress) and stored on the task row."""
        self._host.progress(fraction, message)

    def cancelled(self) -> bool:
        """Cancel asked, the timeout is near, or an apply waits for the box: stop at a safe point."""
        return self._host.cancelled()

    def remember(self, subject: str, key: str, value: Any) -> None:
        """A fact (JSON-able) this agent keeps about subject, e.g. what a dataset saved last time."""
        self._host.remember(subject, key, value)

    def recall(self, subject: str, key: str, default: Any = None) -> Any:
        return self._host.recall(subject, key, default)

    def publish(self, tag: str, data: dict) -> None:
        """tag is relative: "drift/found" is published as sigmavault/agents/drift/found."""
        self._host.publish(TAG_PREFIX + tag, data)

    def converge(self, test: bool) -> ConvergeReport:
        return self._host.converge(test)

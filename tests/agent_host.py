"""A TaskHost for tests that call an agent's run directly: a real registry.TaskContext over memory kept in
dicts, events kept in a list, and a converge that is given (the real salt_bridge one in system tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sigmavault.agents.registry import ConvergeReport, Subject, TaskContext
from sigmavault.site import Site


class RecordingHost:
    def __init__(self, converge: Callable[[bool], ConvergeReport] | None = None):
        self.facts: dict[tuple[str, str], Any] = {}
        self.events: list[tuple[str, dict]] = []
        self.progress_seen: list[tuple[float | None, str]] = []
        self.cancel = threading.Event()
        self._converge = converge

    def progress(self, fraction: float | None, message: str) -> None:
        self.progress_seen.append((fraction, message))

    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def remember(self, subject: str, key: str, value: Any) -> None:
        self.facts[(subject, key)] = value

    def recall(self, subject: str, key: str, default: Any) -> Any:
        return self.facts.get((subject, key), default)

    def publish(self, tag: str, data: dict) -> None:
        self.events.append((tag, data))

    def converge(self, test: bool) -> ConvergeReport:
        assert self._converge is not None, "this test gave the host no converge"
        return self._converge(test)

    def tags(self) -> list[str]:
        return [tag for tag, _ in self.events]


def context(host: RecordingHost, settings: dict, site: Site, subject: Subject | None = None,
            agent: str = "test") -> TaskContext:
    return TaskContext(task_id=1, agent=agent, subject=subject or Subject(), settings=settings, site=site,
                       attempt=1, host=host)

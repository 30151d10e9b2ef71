"""One isolated agent task in its own process (`python -m sigmavault.cli.agents_task --agents M:A`),
started by the agent service, which kills it on cancel or timeout.

The task (id, agent, subject, settings, site …) comes as one JSON line on stdin. What it tells the
service goes as JSON lines on the process's original stdout ({"progress"}, {"remember"}, {"publish"},
{"yielded"}, then {"outcome"}); the service writes it to the database, of which it is the one writer.
The agent's own prints go to stderr (the journal), so they can never garble that channel. SIGTERM
makes ctx.cancelled() true (a safe point, then out); the process dies with the service (PDEATHSIG).
"""

import argparse
import ctypes
import json
import os
import signal
import sqlite3
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, TextIO

from sigmavault.agents import boxlock
from sigmavault.agents.execution import BoxHeld
from sigmavault.agents.registry import ConvergeReport, Outcome, Subject, TaskContext, by_name, load_agents
from sigmavault.site import Site

PR_SET_PDEATHSIG = 1


class ChildHost:
    def __init__(self, channel: TextIO, spec: dict, site: Site):
        self.channel, self.spec, self.site = channel, spec, site
        self.stop = threading.Event()
        self.told_yield = False
        self._facts: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def send(self, message: dict) -> None:
        with self._lock:
            self.channel.write(json.dumps(message, default=str) + "\n")
            self.channel.flush()

    def progress(self, fraction: float | None, message: str) -> None:
        self.send({"progress": {"fraction": fraction, "message": message}})

    def cancelled(self) -> bool:
        if self.spec.get("holds_box") and boxlock.apply_waiting(self.site):
            if not self.told_yield:
                self.told_yield = True
                self.send({"yielded": True})
            return True
        return self.stop.is_set()

    def remember(self, subject: str, key: str, value: Any) -> None:
        self._facts[(subject, key)] = value
        self.send({"remember": {"subject": subject, "key": key, "value": value}})

    def recall(self, subject: str, key: str, default: Any) -> Any:
        if (subject, key) in self._facts:
            return self._facts[(subject, key)]
        try:   # read-only: the service is the one writer
            # as_uri() percent-encodes the path: a "?", "#" or "%" in the state dir must stay part of it.
            with sqlite3.connect(Path(self.spec["database"]).as_uri() + "?mode=ro", uri=True, timeout=30) as db:
                row = db.execute("SELECT value FROM facts WHERE agent = ? AND subject = ? AND key = ?",
                                 (self.spec["agent"], subject, key)).fetchone()
        except sqlite3.Error:
            return default
        return default if row is None else json.loads(row[0])

    def publish(self, tag: str, data: dict) -> None:
        self.send({"publish": {"tag": tag, "data": data}})

    def converge(self, test: bool) -> ConvergeReport:
        if not test and self.spec.get("holds_box"):
            raise BoxHeld(self.spec["agent"])
        from sigmavault.salt_bridge.agent_converge import converge  # Salt only when an agent converges
        return converge(self.site, test)


def die_with_parent(parent: int | None) -> None:
    """A service killed with -9 takes its tasks along: a task must never run on beside its retry."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent and os.getppid() != parent:
        os._exit(1)     # the service died before the line above took effect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sigmavault.cli.agents_task", description=__doc__)
    parser.add_argument("--agents", default="sigmavault.agents.builtin:BUILTIN")
    args = parser.parse_args(argv)
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    spec = json.loads(sys.stdin.readline())
    die_with_parent(spec.get("parent"))
    site = Site(**{key: Path(value) for key, value in spec["site"].items()})
    host = ChildHost(channel, spec, site)
    signal.signal(signal.SIGTERM, lambda *_: host.stop.set())
    try:
        agent = by_name(load_agents(args.agents))[spec["agent"]]
        context = TaskContext(task_id=spec["task_id"], agent=spec["agent"], subject=Subject(**spec["subject"]),
                              settings=spec["settings"], site=site, attempt=spec["attempt"], host=host)
        outcome = agent.run(context)
        if not isinstance(outcome, Outcome):
            outcome = Outcome(False, f"the agent returned {type(outcome).__name__}, not an Outcome")
    except Exception as error:  # noqa: BLE001 - any failure of the agent is its outcome
        traceback.print_exc()
        outcome = Outcome(False, f"{type(error).__name__}: {error}", {"exception": repr(error)}, retry=True)
    host.send({"outcome": {"ok": outcome.ok, "summary": outcome.summary, "details": outcome.details,
                           "retry": outcome.retry}})
    return 0


if __name__ == "__main__":
    sys.exit(main())

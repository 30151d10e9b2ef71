"""Running one claimed task: in a worker thread (isolated=False) or in a child process
(`python -m sigmavault.cli.agents_task`, isolated=True) the worker watches, and stops on cancel,
timeout or service stop. The child speaks JSON lines on its stdout; this side writes what they say to
the database, so the service stays its one writer.
"""

import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sigmavault.agents import boxlock
from sigmavault.agents.registry import Agent, ConvergeReport, Outcome, Subject, TaskContext
from sigmavault.agents.store import Store
from sigmavault.site import Site

log = logging.getLogger(__name__)


@dataclass
class Running:
    """A task while it runs, and what the service asked of it."""
    task: dict
    agent: Agent | None
    subject: Subject
    settings: dict
    box: int | None = None                  # the LOCK_SH descriptor of a box-holding task
    started: float = field(default_factory=time.monotonic)
    wakeup: threading.Event = field(default_factory=threading.Event)
    cancel_asked: bool = False
    stop_asked: bool = False                # the service stops
    timed_out: bool = False
    yielded: bool = False                   # it saw an apply waiting for the box

    @property
    def deadline(self) -> float:
        return self.started + (self.agent.timeout_seconds if self.agent else 0)

    def ask(self, cancel: bool = False, stop: bool = False) -> None:
        self.cancel_asked |= cancel
        self.stop_asked |= stop
        self.wakeup.set()


class BoxHeld(RuntimeError):
    """A box-holding task asked for a converge that changes the box: the apply inside it would wait for
    the box lock the task itself holds (shared), then fail naming the task. Refused at once instead."""

    def __init__(self, agent: str):
        super().__init__(f"agent {agent} holds the box (holds_box=True), so it cannot converge with test=False: "
                         "that apply needs the box to itself; converge with test=True, or make the agent "
                         "holds_box=False")


class ThreadHost:
    """What a thread task's context talks to: straight into the store and the publisher."""

    def __init__(self, running: Running, store: Store, site: Site, publish: Callable[[str, dict], None],
                 converge: Callable[[Site, bool], ConvergeReport] | None):
        self.running, self.store, self.site = running, store, site
        self._publish, self._converge = publish, converge

    def progress(self, fraction: float | None, message: str) -> None:
        report_progress(self.store, self._publish, self.running.task, fraction, message)

    def cancelled(self) -> bool:
        running = self.running
        if not running.timed_out and time.monotonic() >= running.deadline:
            running.timed_out = True
        if running.agent and running.agent.holds_box and not running.yielded and boxlock.apply_waiting(self.site):
            running.yielded = True
        return running.cancel_asked or running.stop_asked or running.timed_out or running.yielded

    def remember(self, subject: str, key: str, value: Any) -> None:
        self.store.remember(self.running.task["agent"], subject, key, value)

    def recall(self, subject: str, key: str, default: Any) -> Any:
        return self.store.recall(self.running.task["agent"], subject, key, default)

    def publish(self, tag: str, data: dict) -> None:
        self._publish(tag, data)

    def converge(self, test: bool) -> ConvergeReport:
        if not test and self.running.agent and self.running.agent.holds_box:
            raise BoxHeld(self.running.task["agent"])
        if self._converge is None:
            raise RuntimeError("this service was started without a converge (no Salt bridge)")
        return self._converge(self.site, test)


def report_progress(store: Store, publish: Callable[[str, dict], None], task: dict, fraction: float | None,
                    message: str) -> None:
    store.progress(task["id"], fraction, message)
    publish(f"sigmavault/agents/task/{task['id']}/progress", task | {"progress": fraction, "message": message})


def run_in_thread(running: Running, host: ThreadHost, site: Site) -> Outcome:
    task = running.task
    context = TaskContext(task_id=task["id"], agent=task["agent"], subject=running.subject,
                          settings=running.settings, site=site, attempt=task["attempt"], host=host)
    outcome = running.agent.run(context)
    if not isinstance(outcome, Outcome):
        return Outcome(False, f"the agent returned {type(outcome).__name__}, not an Outcome")
    if time.monotonic() >= running.deadline:
        running.timed_out = True      # a thread cannot be killed: it is late, and said so when it returns
    return outcome


def run_isolated(running: Running, command: Sequence[str], site: Site, store: Store,
                 publish: Callable[[str, dict], None], stop_grace: float) -> Outcome:
    """Start the child, feed it its task, apply what it says, stop it when asked or late."""
    task = running.task
    spec = {"task_id": task["id"], "agent": task["agent"], "attempt": task["attempt"], "parent": os.getpid(),
            "holds_box": bool(running.agent.holds_box),
            "subject": {"name": running.subject.name, "pool": running.subject.pool,
                        "schedule": running.subject.schedule},
            "settings": running.settings, "database": str(store.path),
            "site": {"pillar_dir": str(site.pillar_dir), "state_dir": str(site.state_dir), "fstab": str(site.fstab),
                     "etc": str(site.etc)}}
    child = subprocess.Popen([*command], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    said: dict[str, Any] = {}
    reader = threading.Thread(target=_read_child, args=(child, running, store, publish, said), daemon=True,
                              name=f"task-{task['id']}-reader")
    reader.start()
    try:
        child.stdin.write(json.dumps(spec) + "\n")
        child.stdin.close()
    except BrokenPipeError:
        pass
    kill_at: float | None = None
    while reader.is_alive():      # until the child closes its stdout (it ends, or is killed)
        now = time.monotonic()
        if not running.timed_out and now >= running.deadline:
            running.timed_out = True
        if kill_at is None and (running.cancel_asked or running.stop_asked or running.timed_out):
            child.send_signal(signal.SIGTERM)     # the child's cancelled() turns true: a safe point, then out
            kill_at = now + stop_grace
        if kill_at is not None and now >= kill_at:
            child.kill()
            reader.join(stop_grace)
            break
        wake_at = kill_at if kill_at is not None else running.deadline
        running.wakeup.wait(max(0.0, min(wake_at - now, 60.0)))
        running.wakeup.clear()
    try:
        child.wait(stop_grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    if "yielded" in said:
        running.yielded = True
    if "outcome" in said:
        found = said["outcome"]
        return Outcome(bool(found.get("ok")), str(found.get("summary", "")), found.get("details") or {},
                       bool(found.get("retry")))
    return Outcome(False, f"the task process ended ({_exit_text(child.returncode)}) without an outcome", retry=True)


def _exit_text(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _read_child(child: subprocess.Popen, running: Running, store: Store, publish: Callable[[str, dict], None],
                said: dict) -> None:
    task = running.task
    for line in child.stdout:
        try:
            message = json.loads(line)
            if "progress" in message:
                report_progress(store, publish, task, message["progress"].get("fraction"),
                                str(message["progress"].get("message", "")))
            elif "remember" in message:
                fact = message["remember"]
                store.remember(task["agent"], fact["subject"], fact["key"], fact["value"])
            elif "publish" in message:
                publish(message["publish"]["tag"], message["publish"]["data"])
            elif "yielded" in message:
                said["yielded"] = True
            elif "outcome" in message:
                said["outcome"] = message["outcome"]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            log.warning("task %s: a line its process wrote is not understood (%s): %r", task["id"], error, line[:200])
    running.wakeup.set()

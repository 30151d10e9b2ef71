"""The scheduler and the workers of the agent service.

One loop (`run`) wakes on the wake socket, on the next due time, or at least every second; each pass
(`tick`) rereads config.json when it changed, queues what is due (a run missed while the service was down
runs once), closes breakers whose window passed, hands cancels to running tasks and gives queued tasks
to idle workers in priority order (quiet hours hold heavy tasks; one heavy task per pool; a box-holding
task only while no apply holds the box). A worker runs the task (execution.py) and records how it
ended: done, failed, retried with exponential backoff (Outcome.retry, an exception), timeout, cancelled,
or back in the queue when it yielded the box to an apply. `breaker.failures` failures of one agent within
`window_seconds` open its breaker: it is not scheduled until the window passes. Events go to an injected
publish(tag, data); nothing here imports Salt.
"""

import contextlib
import logging
import os
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sigmavault.agents import boxlock, schedules
from sigmavault.agents.breaker import Breakers
from sigmavault.agents.execution import Running, ThreadHost, run_in_thread, run_isolated
from sigmavault.agents.registry import Agent, ConvergeReport, Outcome, Subject, by_name
from sigmavault.agents.store import Store, stamp
from sigmavault.agents.timetable import Timetable
from sigmavault.site import Site, default_pillar_dir

log = logging.getLogger(__name__)
TAG = "sigmavault/agents/"
MAX_BACKOFF = timedelta(hours=1)
TICK_SECONDS = 1.0
# A thread task cannot be killed; one this late past its timeout makes the service unhealthy, so the
# watchdog stops and systemd restarts the service (the task then counts as interrupted).
THREAD_OVERRUN_SECONDS = 60.0


@dataclass(frozen=True)
class RuntimeConfig:
    """config.json (version 1) as the runtime uses it; `parse` refuses a wrong shape with a sentence."""
    site: Site
    workers: int = 2
    quiet: schedules.QuietHours | None = None
    history_days: int = 90
    breaker_failures: int = 3
    breaker_window: float = 1800.0
    backoff_seconds: float = 30.0          # first retry delay, doubled each attempt (optional key)
    agents: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, document: dict, state_dir: Path) -> "RuntimeConfig":
        try:
            given = document.get("site") or {}
            site = Site(pillar_dir=Path(given.get("pillar_dir") or default_pillar_dir()), state_dir=Path(state_dir),
                        fstab=Path(given.get("fstab") or "/etc/fstab"), etc=Path(given.get("etc") or "/etc"))
            breaker = document.get("breaker") or {}
            config = cls(site=site, workers=int(document.get("workers", 2)),
                         quiet=schedules.quiet_hours(document.get("quiet_hours")),
                         history_days=int(document.get("history_days", 90)),
                         breaker_failures=int(breaker.get("failures", 3)),
                         breaker_window=float(breaker.get("window_seconds", 1800)),
                         backoff_seconds=float(document.get("backoff_seconds", 30)),
                         agents=dict(document.get("agents") or {}))
        except (AttributeError, TypeError, ValueError) as error:
            raise ValueError(f"its values are not usable ({error})") from None
        if config.workers < 1 or any(not isinstance(entry, dict) for entry in config.agents.values()):
            raise ValueError("workers must be at least 1 and each agent's entry a mapping")
        return config


class Runtime:
    def __init__(self, store: Store, agents: Iterable[Agent], config: RuntimeConfig, *,
                 publish: Callable[[str, dict], None] | None = None,
                 converge: Callable[[Site, bool], ConvergeReport] | None = None,
                 task_command: Sequence[str] = (), config_reader: Callable[[], RuntimeConfig] | None = None,
                 config_path: Path | None = None, stop_grace: float = 5.0):
        self.store, self.agents = store, by_name(agents)
        self._publish, self.converge = publish, converge
        self.task_command, self.stop_grace = list(task_command), stop_grace
        self.config_path, self._config_reader = config_path, config_reader
        self._config_seen = _file_identity(config_path)
        self._damage_seen: tuple | None = None
        self.clock = store.clock
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._running: dict[int, Running] = {}
        self._work: queue.Queue = queue.Queue()
        self._workers: list[threading.Thread] = []
        self._poke_in, self._poke_out = socket.socketpair()
        self._poke_in.setblocking(False)
        self._poke_out.setblocking(False)
        self.breakers = Breakers(store, self.publish)
        self.timetable = Timetable(store)
        self._subjects_of: dict[str, dict[str, Subject]] = {}
        self._last_task_id = store.last_task_id()      # events for tasks queued from now on
        self.config = config
        self.apply_config(config)

    # --- events -----------------------------------------------------------------------------------

    def publish(self, tag: str, data: dict) -> None:
        """A publish failure is logged and never stops a task."""
        if self._publish is None:
            return
        try:
            self._publish(tag, data)
        except Exception as error:  # noqa: BLE001 - the bus is best effort by contract
            log.warning("publishing %s failed: %s", tag, error)

    def _status(self, name: str, **fields) -> None:
        try:
            row = self.store.set_agent(name, **fields)
        except LookupError:
            return
        self.publish(f"{TAG}{name}/status", row)

    # --- configuration ----------------------------------------------------------------------------

    def apply_config(self, config: RuntimeConfig) -> None:
        """Register every agent (enabled per config.json; one it does not name is disabled), its subjects
        and pools, and work out when each scheduled (agent, subject) fires next."""
        self.config, now = config, self.clock()
        rows, due = [], []
        for name, agent in self.agents.items():
            entry = config.agents.get(name)
            enabled = bool(entry and entry.get("enabled", True))
            schedule_text = entry.get("schedule", agent.schedule) if entry else agent.schedule
            # An agent config.json does not name has no settings to list subjects from: the box alone.
            found = self._subjects(agent, entry.get("settings") or {}) if entry else [Subject()]
            self._subjects_of[name] = {subject.name: subject for subject in found}
            rows.append({"name": name, "description": agent.description, "priority": agent.priority,
                         "schedule": schedule_text, "enabled": enabled, "heavy": agent.heavy,
                         "holds_box": agent.holds_box, "isolated": agent.isolated,
                         "max_attempts": agent.max_attempts})
            if enabled:
                due += self.timetable.plan(name, found, schedule_text, float(entry.get("jitter_seconds") or 0), now)
        self.store.register(rows, {name: [(s.name, s.pool) for s in found.values()]
                                   for name, found in self._subjects_of.items()})
        self.timetable.replace(due)
        agents = self.store.agents()
        self.breakers.load(agents, now)
        with self._lock:
            busy = {running.task["agent"] for running in self._running.values()}
        for row in agents:
            self._status(row["name"], status=self._settled_status(row, busy, now),
                         next_run=stamp(self.timetable.next_run(row["name"])))
        self._start_workers(config.workers)

    def _settled_status(self, row: dict, busy: set[str], now: datetime) -> str:
        """What a status row says once the config is (re)applied: nothing is left "running" or
        "breaker-open" that no longer is (a dead service's rows, a window that passed while it was down)."""
        if row["name"] in busy:
            return "running"
        if self.breakers.is_open(row["name"], now):
            return "breaker-open"
        if not row["enabled"]:
            return "disabled"
        if row["status"] == "failed":
            return "failed"
        return "idle"

    def _subjects(self, agent: Agent, settings: dict) -> list[Subject]:
        try:
            return list(agent.subjects(settings))
        except Exception as error:  # noqa: BLE001 - one agent's bad settings must not stop the others
            log.error("agent %s: its subjects could not be listed (%s); it runs for the box only", agent.name, error)
            return [Subject()]

    def _reload_config(self) -> None:
        if self.config_path is None or self._config_reader is None:
            return
        identity = _file_identity(self.config_path)
        if identity == self._config_seen:
            return
        self._config_seen = identity
        try:
            config = self._config_reader()
        except (OSError, ValueError, RuntimeError) as damage:   # RecordDamaged is a RuntimeError
            if self._damage_seen != identity:
                self._damage_seen = identity
                log.error("%s; the service keeps its last good configuration", damage)
                self.publish(f"{TAG}config/damaged", {"path": str(self.config_path), "message": str(damage)})
            return
        log.info("configuration reread from %s", self.config_path)
        self.apply_config(config)

    # --- the loop ---------------------------------------------------------------------------------

    def run(self, on_tick: Callable[[], None] = lambda: None, wake_socket: socket.socket | None = None,
            max_wait: float = TICK_SECONDS) -> None:
        """Until stop(): tick, report health through on_tick, sleep until woken or due (≤ max_wait)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self._poke_in, selectors.EVENT_READ)
            if wake_socket is not None:
                selector.register(wake_socket, selectors.EVENT_READ)
            while not self.stopping.is_set():
                timeout = min(self.tick(), max_wait)
                on_tick()
                for key, _ in selector.select(timeout):
                    _drain(key.fileobj)

    def poke(self) -> None:
        with contextlib.suppress(OSError):     # full of pokes already: the loop wakes anyway
            self._poke_out.send(b"!")

    def tick(self) -> float:
        """One pass; returns how long the loop may sleep."""
        self._reload_config()
        now = self.clock()
        for agent in self.breakers.closing(now):
            log.info("agent %s: its breaker window passed; it is scheduled again", agent)
            enabled = (self.config.agents.get(agent) or {}).get("enabled", False)
            self._status(agent, status="idle" if enabled else "disabled", breaker_until=None)
        self._fire_due(now)
        self._announce_new_tasks()
        self._deliver_cancels()
        self._dispatch(now)
        soonest = self.timetable.soonest()
        wait = TICK_SECONDS if soonest is None else (soonest - self.clock()).total_seconds()
        return max(0.0, min(TICK_SECONDS, wait))

    def _fire_due(self, now: datetime) -> None:
        def enqueue(due, last_due: datetime) -> None:
            if self.store.enqueue_unless_pending(due.agent, due.subject, "schedule", last_due=last_due) is None:
                log.info("agent %s, subject %r: due, but a run is still queued or running", due.agent, due.subject)

        for due in self.timetable.fire(now, held=lambda agent: self.breakers.is_open(agent, now), enqueue=enqueue):
            self._status(due.agent, next_run=stamp(self.timetable.next_run(due.agent)))

    def _announce_new_tasks(self) -> None:
        for task in self.store.tasks_after(self._last_task_id):
            self._last_task_id = task["id"]
            self.publish(f"{TAG}task/{task['id']}/queued", task)

    def _deliver_cancels(self) -> None:
        for task_id in self.store.cancel_requested():
            with self._lock:
                running = self._running.get(task_id)
            if running is not None and not running.cancel_asked:
                running.ask(cancel=True)

    def _dispatch(self, now: datetime) -> None:
        hold_heavy = bool(self.config.quiet and self.config.quiet.holds(now))
        while not self.stopping.is_set():
            with self._lock:
                if len(self._running) >= self.config.workers:
                    return
            box: list[int] = []
            try:
                task = self.store.claim(hold_heavy=hold_heavy, may_start=lambda t, box=box: self._may_start(t, box))
            except BaseException:
                for descriptor in box:     # a LOCK_SH taken for a task that never started would block applies
                    boxlock.release(descriptor)
                raise
            if task is None:
                return
            agent = self.agents.get(task["agent"])
            settings = (self.config.agents.get(task["agent"]) or {}).get("settings") or {}
            subject = self._subjects_of.get(task["agent"], {}).get(task["subject"]) or \
                Subject(task["subject"], task["pool"])
            running = Running(task, agent, subject, settings, box=box[0] if box else None)
            with self._lock:
                self._running[task["id"]] = running
            self.publish(f"{TAG}task/{task['id']}/started", task)
            self._status(task["agent"], status="running")
            self._work.put(running)

    def _may_start(self, task: dict, box: list[int]) -> bool:
        if not task["holds_box"]:
            return True
        if boxlock.apply_waiting(self.config.site):    # it would only start to yield again
            return False
        descriptor = boxlock.try_shared(self.config.site)
        if descriptor is None:
            return False
        box.append(descriptor)
        return True

    # --- workers ----------------------------------------------------------------------------------

    def _start_workers(self, count: int) -> None:
        while len(self._workers) < count:
            worker = threading.Thread(target=self._work_loop, name=f"agent-worker-{len(self._workers) + 1}",
                                      daemon=True)
            self._workers.append(worker)
            worker.start()

    def _work_loop(self) -> None:
        while True:
            running = self._work.get()
            if running is None:
                return
            try:
                self._execute(running)
            except Exception:  # noqa: BLE001 - a worker outlives any one task's failure
                log.exception("task %s: the worker failed recording it", running.task["id"])
            finally:
                boxlock.release(running.box)
                with self._lock:
                    self._running.pop(running.task["id"], None)
                self.poke()

    def _execute(self, running: Running) -> None:
        task = running.task
        if running.agent is None:
            outcome = Outcome(False, f"no agent {task['agent']!r} runs in this service")
        else:
            try:
                if running.agent.isolated:
                    outcome = run_isolated(running, self.task_command, self.config.site, self.store, self.publish,
                                           self.stop_grace)
                else:
                    host = ThreadHost(running, self.store, self.config.site, self.publish, self.converge)
                    outcome = run_in_thread(running, host, self.config.site)
            except Exception as error:  # noqa: BLE001 - an agent's exception is a failed attempt, retried
                log.exception("task %s (%s) raised", task["id"], task["agent"])
                outcome = Outcome(False, f"{type(error).__name__}: {error}", {"exception": repr(error)}, retry=True)
        self._conclude(running, outcome)

    def _conclude(self, running: Running, outcome: Outcome) -> None:
        task, store = running.task, self.store
        agent = running.agent
        if running.cancel_asked:
            ended = store.finish(task["id"], "cancelled", f"cancelled: {outcome.summary}", outcome.details)
        elif running.timed_out:
            ended = store.finish(task["id"], "timeout",
                                 f"timed out after {agent.timeout_seconds:g} s: {outcome.summary}", outcome.details)
        elif outcome.ok:
            ended = store.finish(task["id"], "done", outcome.summary, outcome.details, ok=True)
        elif running.stop_asked:
            ended = store.retry(task["id"], f"stopped with the service: {outcome.summary}", outcome.details,
                                state="interrupted", reason="interrupted", counts=False)
        elif running.yielded:
            ended = store.retry(task["id"], f"yielded to an apply: {outcome.summary}", outcome.details,
                                state="yielded", reason="yielded to an apply", counts=False)
        elif outcome.retry and agent is not None and task["attempt"] < task["max_attempts"]:
            delay = min(MAX_BACKOFF, timedelta(seconds=self.config.backoff_seconds * 2 ** (task["attempt"] - 1)))
            ended = store.retry(task["id"], outcome.summary, outcome.details, delay=delay)
        else:
            ended = store.finish(task["id"], "failed", outcome.summary, outcome.details)
        self.publish(f"{TAG}task/{task['id']}/finished", ended)
        failed = ended["state"] in ("failed", "timeout") or (ended["state"] == "queued" and ended["reason"] == "retry")
        with self._lock:
            others = any(r.task["agent"] == task["agent"] for r in self._running.values() if r is not running)
        status = "running" if others else ("failed" if failed else "idle")
        now = self.clock()
        if (failed and self.breakers.trip(task["agent"], now, self.config.breaker_failures,
                                          self.config.breaker_window)) or self.breakers.is_open(task["agent"], now):
            status = "breaker-open"
        enabled = task["agent"] in self.config.agents and self.config.agents[task["agent"]].get("enabled", True)
        if not enabled and status in ("idle", "failed"):
            status = "disabled"
        self._status(task["agent"], status=status, last_run=stamp(now), last_ok=int(outcome.ok),
                     last_outcome=ended["outcome"])

    # --- health and stop --------------------------------------------------------------------------

    def healthy(self) -> bool:
        """Every worker alive and no thread task far past its timeout."""
        if not all(worker.is_alive() for worker in self._workers):
            return False
        now = time.monotonic()
        with self._lock:
            return not any(r.agent and not r.agent.isolated and now > r.deadline + THREAD_OVERRUN_SECONDS
                           for r in self._running.values())

    def stop(self, wait_seconds: float | None = None) -> None:
        """Take no more tasks; ask running ones to stop (children get SIGTERM, then SIGKILL after the
        grace); wait for the workers to record them. Thread tasks that do not stop are left to recover()."""
        self.stopping.set()
        self.poke()
        with self._lock:
            running = list(self._running.values())
        for task in running:
            task.ask(stop=True)
        for _ in self._workers:
            self._work.put(None)
        deadline = time.monotonic() + (self.stop_grace + 5 if wait_seconds is None else wait_seconds)
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))

    def running_ids(self) -> list[int]:
        with self._lock:
            return sorted(self._running)


def _file_identity(path: Path | None) -> tuple | None:
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return ("missing",)
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _drain(source) -> None:
    try:
        while source.recv(64):
            pass
    except (BlockingIOError, InterruptedError, OSError):
        pass

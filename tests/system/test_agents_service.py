"""The real `sigmavault-agents` process, with a config.json the test writes and the test agents of
tests/system/agents_fixture.py (--agents): schedules, restarts, kill -9, quiet hours, cancel, sd_notify
and the box lock. Each test waits on what the service writes (its database, the agents' files, its
notify datagrams), never on a fixed sleep."""

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sigmavault.agents import boxlock
from sigmavault.agents.store import Store, database_path, parse_stamp
from sigmavault.records import write_json
from sigmavault.site import Site
from tests.polling import until as wait_until
from tests.system.agents_fixture import AGENTS, starts
from tests.system.loopdisks import require_root

pytestmark = pytest.mark.system
ROOT = Path(__file__).resolve().parents[2]
SERVICE = str(Path(sys.executable).parent / "sigmavault-agents")
FIXTURE = "tests.system.agents_fixture:AGENTS"




class Service:
    """One state dir, its config.json and the service process (started and stopped by the test)."""

    def __init__(self, root: Path):
        self.root, self.state, self.work = root, root / "state", root / "work"
        self.work.mkdir(parents=True)
        self.site = Site(pillar_dir=root / "pillar", state_dir=self.state, fstab=root / "fstab", etc=root / "etc")
        self.notify_path = root / "notify.sock"
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(str(self.notify_path))
        self.process: subprocess.Popen | None = None
        self.log = root / "service.log"
        self._store: Store | None = None

    def configure(self, agents: dict[str, dict], workers: int = 2, quiet_hours: dict | None = None) -> None:
        config = {"version": 1, "workers": workers, "quiet_hours": quiet_hours, "history_days": 90,
                  "breaker": {"failures": 5, "window_seconds": 600}, "backoff_seconds": 0.1,
                  "site": {"pillar_dir": str(self.site.pillar_dir), "state_dir": str(self.state),
                           "fstab": str(self.site.fstab), "etc": str(self.site.etc)},
                  "agents": {agent.name: {"enabled": False, "schedule": None, "jitter_seconds": 0,
                                          "settings": {"dir": str(self.work)}} for agent in AGENTS}}
        for name, entry in agents.items():
            config["agents"][name] |= {"enabled": True} | entry
        write_json(self.state / "agents" / "config.json", config)

    def start(self, watchdog_usec: int = 0) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NOTIFY_SOCKET": str(self.notify_path)}
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([SERVICE, "--state-dir", str(self.state), "--pidfile",
                                             str(self.root / "agents.pid"), "--agents", FIXTURE],
                                            stdout=log, stderr=log, env=env)
        assert "READY=1" in self.notifications(until="READY=1")[-1]

    def notifications(self, until: str, timeout: float = 90.0) -> list[str]:
        """Datagrams the service sent NOTIFY_SOCKET, up to and including one holding `until`."""
        found: list[str] = []
        self.notify.settimeout(timeout)
        while True:
            try:
                found.append(self.notify.recv(4096).decode())
            except TimeoutError:
                pytest.fail(f"no {until} from the service within {timeout:g} s; got {found}; log: "
                            f"{self.log.read_text()[-2000:]}")
            if until in found[-1]:
                return found

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(60)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(database_path(self.site))
        return self._store

    def run(self, agent: str, subject: str = "") -> int:
        return self.store.enqueue(agent, subject)

    def task(self, task_id: int) -> dict:
        return self.store.task(task_id)

    def wait_state(self, task_id: int, *states: str, timeout: float = 90.0) -> dict:
        return wait_until(lambda: self.task(task_id) if self.task(task_id)["state"] in states else None,
                          f"task {task_id} to be {' or '.join(states)} (log: {self.log})", timeout)

    def close(self) -> None:
        (self.work / "release").touch()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(60)
        if self._store:
            self._store.close()
        self.notify.close()


@pytest.fixture
def service():
    reason = require_root()
    if reason:
        pytest.skip(reason)
    # A short root: Salt's event bus sockets live under the state dir and a Unix socket path is short.
    root = Path(tempfile.mkdtemp(prefix="sva-", dir="/tmp"))
    found = Service(root)
    try:
        yield found
    finally:
        found.close()
        shutil.rmtree(root, ignore_errors=True)


def period_of(stamp: str, seconds: int) -> int:
    return math.floor(parse_stamp(stamp).timestamp() / seconds)


def test_an_accelerated_schedule_runs_once_in_each_period(service):
    service.configure({"quick_child": {"schedule": "@every 2s"}})
    service.start()
    wait_until(lambda: len(starts(service.work)) >= 3, "three scheduled runs")
    assert service.stop() == 0
    tasks = sorted(service.store.tasks(("done",)), key=lambda t: t["id"])
    assert len(tasks) >= 3 and {t["reason"] for t in tasks} == {"schedule"}
    periods = [period_of(t["created"], 2) for t in tasks]
    assert periods == sorted(set(periods))            # never two in one period, never early
    assert [run["ok"] for run in service.store.history("quick_child")] == [True] * len(tasks)


def test_a_run_missed_while_the_service_was_down_runs_once_at_start(service):
    service.configure({"quick_child": {"schedule": "@every 3s"}})
    service.start()
    first = wait_until(lambda: service.store.tasks(("done",)), "the first scheduled run")[0]
    assert service.stop() == 0
    stopped_at = datetime.now(UTC).timestamp()
    wait_until(lambda: time.time() > stopped_at + 4 * 3, "four periods to pass while the service is down", 30)
    restarted_at = datetime.now(UTC).timestamp()
    service.start()
    wait_until(lambda: [t for t in service.store.tasks(("done",)) if t["id"] > first["id"]], "the catch-up run")
    # Wait until the service has passed the next due time too, then look at what the restart queued.
    next_due = (math.floor(restarted_at / 3) + 2) * 3
    wait_until(lambda: time.time() > next_due and service.store.agent("quick_child")["next_run"]
               and parse_stamp(service.store.agent("quick_child")["next_run"]).timestamp() > next_due,
               "the next due time to pass")
    assert service.stop() == 0
    after = [t for t in service.store.tasks(("queued", "running", "done"), limit=1000) if t["id"] > first["id"]]
    at_start = [t for t in after if parse_stamp(t["created"]).timestamp() < (math.floor(restarted_at / 3) + 1) * 3
                or period_of(t["created"], 3) == period_of(after[0]["created"], 3)]
    assert len(at_start) == 1, after                   # one catch-up run for the four missed ones


def test_quiet_hours_hold_a_heavy_task_until_the_config_lifts_them(service):
    now = datetime.now(UTC)
    quiet = {"start": f"{(now.hour - 1) % 24:02d}:00", "end": f"{(now.hour + 2) % 24:02d}:00", "zone": "UTC"}
    agents = {"scrubber": {"settings": {"dir": str(service.work), "pools": {"a": "tank"}}}, "quick_child": {}}
    service.configure(agents, quiet_hours=quiet)
    (service.work / "release").touch()
    service.start()
    heavy, light = service.run("scrubber", "a"), service.run("quick_child")
    service.wait_state(light, "done")              # the service passed over the heavy task (higher priority)
    assert service.task(heavy)["state"] == "queued" and [s[0] for s in starts(service.work)] == [light]
    service.configure(agents, quiet_hours=None)
    done = service.wait_state(heavy, "done")
    assert done["attempt"] == 1
    assert service.stop() == 0


def test_kill_9_in_the_middle_of_a_task_retries_it_once_and_keeps_the_queue(service):
    service.configure({"sleeper": {}, "quick_child": {}}, workers=1)
    service.start()
    running = service.run("sleeper")
    wait_until(lambda: starts(service.work), "the sleeper to start")
    queued = [service.run("quick_child") for _ in range(3)]
    first_child = int((service.work / "pids").read_text().split()[0])
    service.kill()
    wait_until(lambda: not Path(f"/proc/{first_child}").exists() or
               Path(f"/proc/{first_child}/stat").read_text().split()[2] == "Z", "the task process to die with it")
    assert service.task(running)["state"] == "running"
    assert [service.task(t)["state"] for t in queued] == ["queued"] * 3
    service.start()
    wait_until(lambda: len(starts(service.work)) == 2, "the interrupted task to start again")
    assert starts(service.work) == [(running, 1, ""), (running, 2, "")]
    assert service.task(running)["reason"] == "interrupted"
    (service.work / "release").touch()
    assert service.wait_state(running, "done")["attempt"] == 2
    for task in queued:
        service.wait_state(task, "done")
    assert sorted(s[0] for s in starts(service.work)) == sorted([running, running, *queued])   # none twice
    assert service.stop() == 0


def test_cancel_stops_a_running_isolated_task(service):
    service.configure({"sleeper": {}})
    service.start()
    task = service.run("sleeper")
    wait_until(lambda: starts(service.work), "the sleeper to start")
    assert service.store.cancel(task) == "cancelling"
    assert service.wait_state(task, "cancelled")["outcome"] == "cancelled: stopped at a safe point"
    wait_until(lambda: service.store.agent("sleeper")["status"] == "idle", "the sleeper idle again")
    assert service.stop() == 0


def test_systemd_hears_ready_watchdog_pings_and_stopping(service):
    service.configure({})
    service.start(watchdog_usec=1_500_000)
    pings = service.notifications(until="WATCHDOG=1")
    pings += service.notifications(until="WATCHDOG=1")
    assert sum("WATCHDOG=1" in p for p in pings) >= 2
    assert "STATUS=0 running, 0 queued" in pings
    service.process.send_signal(signal.SIGTERM)
    assert any("STOPPING=1" in p for p in service.notifications(until="STOPPING=1"))
    assert service.process.wait(60) == 0
    assert not (service.root / "agents.pid").exists()


def test_an_apply_waits_for_a_box_holding_task_to_yield_or_names_the_one_that_will_not(service):
    service.configure({"box_sleeper": {}, "box_stubborn": {"settings": {"dir": str(service.work / "stubborn")}}})
    (service.work / "stubborn").mkdir()
    service.start()
    polite = service.run("box_sleeper")
    wait_until(lambda: starts(service.work), "the box sleeper to start")
    with boxlock.for_apply(service.site, wait_seconds=60):
        back = service.task(polite)
        assert (back["state"], back["reason"], back["attempt"]) == ("queued", "yielded to an apply", 1)
    (service.work / "release").touch()
    assert service.wait_state(polite, "done")["attempt"] == 1

    stubborn = service.run("box_stubborn")
    wait_until(lambda: starts(service.work / "stubborn"), "the stubborn box holder to start")
    with pytest.raises(boxlock.BoxBusy) as busy, boxlock.for_apply(service.site, wait_seconds=1):
        pass
    assert f"task {stubborn} (box_stubborn" in str(busy.value)
    assert f"sigmavault agents cancel {stubborn}" in str(busy.value)
    (service.work / "stubborn" / "release").touch()
    service.wait_state(stubborn, "done", "timeout")
    assert service.stop() == 0


def test_a_second_service_for_the_same_state_dir_is_refused(service):
    service.configure({})
    service.start()
    second = subprocess.run([SERVICE, "--state-dir", str(service.state), "--agents", FIXTURE], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert second.returncode == 1 and "another agent service already serves" in second.stderr
    assert service.stop() == 0

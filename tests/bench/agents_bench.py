"""make bench (python -m tests.bench.agents_bench): the agent service's persistent queue against huey
(SqliteHuey, its thread consumer, the queue the agents issue names as the one to look at), same run, same
machine, same no-op task.

- throughput: BATCH no-op tasks enqueued one by one by a producer process while the consumer runs, from the
  first enqueue to the last completion (each side's own persistent SQLite queue; ratio > 1: ours is faster);
- enqueue-to-start latency when idle: one task at a time after a pause, p50 and p99 (ratio > 1: ours is faster);
- the idle service process: resident memory and CPU over IDLE_SECONDS, ours with the box's own agents loaded
  (all disabled, so nothing runs) against huey's consumer with the no-op task (ratio > 1: ours is smaller).
huey runs as it ships (default polling: 0.1 s first delay, backing off to 10 s); ours wakes on its socket.
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sigmavault import tree
from sigmavault.agents.store import Store
from sigmavault.agents.wake import nudge_path
from tests.bench.machine import machine, save

BATCH = int(os.environ.get("AGENTS_BENCH_BATCH", 3000))
ROUNDS = 3
LATENCY_SAMPLES = int(os.environ.get("AGENTS_BENCH_SAMPLES", 100))
PAUSE = 0.25                 # idle gap before each latency sample
IDLE_SECONDS = int(os.environ.get("AGENTS_BENCH_IDLE", 30))
POLL = 0.005
HUEY_TASKS = tree.root() / "tests" / "bench" / "agents_huey_peer.py"
BUILTIN_NAMES = ("compression", "drift", "housekeeping", "key_rotation", "self_heal")


def _env(extra: dict | None = None) -> dict:
    return {**os.environ, "PYTHONPATH": str(tree.root()), **(extra or {})}


def _wait(condition, what: str, timeout: float = 120.0) -> None:
    ends = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > ends:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(POLL)


class OurService:
    """The real `sigmavault-agents` on a state dir of its own."""

    def __init__(self, work: Path, agents: str | None, config_agents: dict):
        self.state = work / "state"
        (self.state / "agents").mkdir(parents=True, mode=0o700)
        config = {"version": 1, "site": {"pillar_dir": str(work / "pillar"), "state_dir": str(self.state),
                                         "fstab": str(work / "fstab"), "etc": str(work / "etc")},
                  "workers": 2, "quiet_hours": None, "history_days": 90,
                  "breaker": {"failures": 3, "window_seconds": 1800}, "agents": config_agents}
        (self.state / "agents" / "config.json").write_text(json.dumps(config))
        argv = [str(Path(sys.executable).parent / "sigmavault-agents"), "--state-dir", str(self.state)]
        self.process = subprocess.Popen(argv + (["--agents", agents] if agents else []), env=_env(),
                                        cwd=tree.root(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wake = self.state / "agents" / "wake.sock"
        _wait(lambda: wake.exists() and nudge_path(wake), "the agent service to listen")
        self.db = self.state / "agents" / "agents.sqlite3"
        if agents:
            _wait(self._registered, "the agent service to register its agents")

    def _registered(self) -> bool:
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT count(*) FROM agents").fetchone()[0] > 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


class HueyConsumer:
    def __init__(self, work: Path):
        work.mkdir(parents=True, exist_ok=True)
        self.db = work / "huey.sqlite3"
        argv = [str(Path(sys.executable).parent / "huey_consumer"), "tests.bench.agents_huey_peer.huey",
                "--workers", "2", "--worker-type", "thread"]
        self.process = subprocess.Popen(argv, env=_env({"HUEY_DB": str(self.db)}), cwd=tree.root(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def _ours_done(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT count(*) FROM tasks WHERE state = 'done'").fetchone()[0]


def ours_throughput(work: Path) -> float:
    service = OurService(work, "tests.bench.agents_noop:AGENTS",
                         {"noop": {"enabled": True, "schedule": None, "jitter_seconds": 0, "settings": {}}})
    try:
        store = Store(service.db)
        start = time.perf_counter()
        for _ in range(BATCH):
            store.enqueue("noop")
        _wait(lambda: _ours_done(service.db) >= BATCH, "our batch")
        return BATCH / (time.perf_counter() - start) * 60
    finally:
        service.stop()


def huey_throughput(work: Path) -> float:
    consumer = HueyConsumer(work)
    try:
        huey, noop = _huey(consumer.db)
        start = time.perf_counter()
        for _ in range(BATCH):
            noop()
        _wait(lambda: huey.result_count() >= BATCH, "huey's batch")
        return BATCH / (time.perf_counter() - start) * 60
    finally:
        consumer.stop()


def _huey(db: Path):
    from tests.bench.agents_huey_peer import make
    return make(str(db))


def ours_latency(work: Path) -> list[float]:
    service = OurService(work, "tests.bench.agents_noop:AGENTS",
                         {"noop": {"enabled": True, "schedule": None, "jitter_seconds": 0, "settings": {}}})
    try:
        store, samples = Store(service.db), []
        for _ in range(LATENCY_SAMPLES):
            time.sleep(PAUSE)
            sent = time.time()
            task_id = store.enqueue("noop")
            _wait(lambda task_id=task_id: store.task(task_id)["state"] == "done", "our task")
            started = datetime.fromisoformat(store.task(task_id)["started"].replace("Z", "+00:00"))
            samples.append(started.timestamp() - sent)
        return samples
    finally:
        service.stop()


def huey_latency(work: Path) -> list[float]:
    consumer = HueyConsumer(work)
    try:
        (_, noop), samples = _huey(consumer.db), []
        noop().get(blocking=True, timeout=60)      # the consumer is up
        for _ in range(LATENCY_SAMPLES):
            time.sleep(PAUSE)
            sent = time.time()
            started = noop().get(blocking=True, timeout=60, backoff=1.0, max_delay=POLL)
            samples.append(started - sent)
        return samples
    finally:
        consumer.stop()


def _usage(pid: int) -> tuple[float, int]:
    """(CPU seconds so far, resident KiB) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return ticks / os.sysconf("SC_CLK_TCK"), rss


def idle_both(work: Path) -> tuple[dict, dict]:
    disabled = {name: {"enabled": False, "schedule": None, "jitter_seconds": 0, "settings": {}}
                for name in BUILTIN_NAMES}
    service = OurService(work / "ours", None, disabled)
    consumer = HueyConsumer(work)
    try:
        _wait(lambda: Path(f"/proc/{consumer.process.pid}").exists(), "huey's consumer")
        time.sleep(5)
        ours_before, huey_before = _usage(service.process.pid)[0], _usage(consumer.process.pid)[0]
        time.sleep(IDLE_SECONDS)
        (ours_after, ours_rss), (huey_after, huey_rss) = _usage(service.process.pid), _usage(consumer.process.pid)
        figure = lambda before, after, rss: {"rss_mib": round(rss / 1024, 1),  # noqa: E731
                                             "cpu_percent": round((after - before) / IDLE_SECONDS * 100, 2)}
        return figure(ours_before, ours_after, ours_rss), figure(huey_before, huey_after, huey_rss)
    finally:
        service.stop()
        consumer.stop()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="build/bench")
    args = parser.parse_args()
    ours_rate, huey_rate = [], []
    with tempfile.TemporaryDirectory(prefix="agents-bench-") as scratch:
        work = Path(scratch)
        for round_number in range(ROUNDS):     # alternate who goes first
            order = [(ours_throughput, ours_rate), (huey_throughput, huey_rate)]
            for measure, into in (order if round_number % 2 == 0 else order[::-1]):
                into.append(measure(work / f"{measure.__name__}-{round_number}"))
        ours_wait, huey_wait = ours_latency(work / "ours-latency"), huey_latency(work / "huey-latency")
        ours_idle, huey_idle = idle_both(work / "idle")
    ours_tput, huey_tput = statistics.median(ours_rate), statistics.median(huey_rate)
    ours_p99, huey_p99 = percentile(ours_wait, 0.99), percentile(huey_wait, 0.99)
    results = {
        "machine": machine(),
        "command": "make bench (python -m tests.bench.agents_bench)",
        "peer": "huey 3.x SqliteHuey with huey_consumer --workers 2 --worker-type thread (as it ships)",
        "throughput_tasks_per_minute": {"ours": round(ours_tput), "huey": round(huey_tput),
                                        "ratio": round(ours_tput / huey_tput, 2), "batch": BATCH,
                                        "rounds": {"ours": [round(r) for r in ours_rate],
                                                   "huey": [round(r) for r in huey_rate]}},
        "idle_enqueue_to_start_ms": {"ours_p50": round(percentile(ours_wait, 0.5) * 1000, 1),
                                     "ours_p99": round(ours_p99 * 1000, 1),
                                     "huey_p50": round(percentile(huey_wait, 0.5) * 1000, 1),
                                     "huey_p99": round(huey_p99 * 1000, 1),
                                     "ratio_p99": round(huey_p99 / ours_p99, 2), "samples": LATENCY_SAMPLES},
        "idle_process": {"ours": ours_idle, "huey": huey_idle, "seconds": IDLE_SECONDS,
                         "rss_ratio": round(huey_idle["rss_mib"] / ours_idle["rss_mib"], 2)},
    }
    save(results, args.out, "agents")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

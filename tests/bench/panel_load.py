"""Load for the panel bench: paced HTTP requests on keep-alive connections, and event-stream listeners."""

import http.client
import json
import queue
import threading
import time
from dataclasses import dataclass, field


def percentiles(samples: list[float]) -> dict:
    """p50/p95/p99/max in milliseconds (nearest rank)."""
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, int(p / 100 * len(ordered) + 0.5) - 1))] * 1000, 2)
    return {"count": len(ordered), "p50_ms": rank(50), "p95_ms": rank(95), "p99_ms": rank(99),
            "max_ms": round(ordered[-1] * 1000, 2)}


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: dict = field(default_factory=dict)


def paced_load(port: int, path: str, headers: dict, rate: float, seconds: float, workers: int = 32) -> dict:
    """Send GET path at `rate` per second for `seconds`. Latency counts from each request's scheduled start,
    so a server that falls behind shows it (no coordinated omission)."""
    schedule: queue.Queue = queue.Queue()
    result, lock = LoadResult(), threading.Lock()
    start = time.perf_counter() + 0.2
    for i in range(int(rate * seconds)):
        schedule.put(start + i / rate)

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                due = schedule.get_nowait()
            except queue.Empty:
                connection.close()
                return
            time.sleep(max(0.0, due - time.perf_counter()))
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = None if response.status == 200 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                if outcome:
                    result.errors[outcome] = result.errors.get(outcome, 0) + 1
                else:
                    result.latencies.append(time.perf_counter() - due)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {"path": path, "target_rate_per_s": rate, "seconds": seconds,
            "achieved_rate_per_s": round(len(result.latencies) / elapsed, 1), "errors": result.errors,
            **percentiles(result.latencies)}


class StreamListener(threading.Thread):
    """One event-stream client: records (arrival - event time) for each job.progress of a job."""

    def __init__(self, port: int, headers: dict):
        super().__init__(daemon=True)
        self.port, self.headers = port, headers
        self.delays: list[float] = []
        self.connected = threading.Event()
        self.finished = threading.Event()
        self.error: str | None = None

    def run(self) -> None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            connection.request("GET", "/api/v1/events", headers=self.headers)
            response = connection.getresponse()
            if response.status != 200:
                self.error = f"HTTP {response.status}"
                return
            self.connected.set()
            event_type = None
            while not self.finished.is_set():
                line = response.fp.readline().decode()
                if not line:
                    return
                if line.startswith("event: "):
                    event_type = line[7:].strip()
                elif line.startswith("data: ") and event_type == "job.progress":
                    self.delays.append(time.time() - json.loads(line[6:])["at"])
                elif line.startswith("data: ") and event_type == "job.finished":
                    self.finished.set()
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            self.error = type(error).__name__
        finally:
            self.connected.set()

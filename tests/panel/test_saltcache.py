"""Reads through Salt: cached while fresh, bounded when Salt is slow, and a breaker when it keeps failing."""

import threading
import time

import pytest

from sigmavault_panel.services import saltcache
from sigmavault_panel.services.saltcache import SaltReader


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def counter():
    return {"calls": 0}


def make(fetch, **kwargs) -> SaltReader:
    return SaltReader({"x": fetch}, **{"ttl": 10.0, "wait": 0.3, "failures_to_open": 2, "cooldown": 30.0, **kwargs})


def test_fresh_value_is_served_from_the_cache(counter):
    def fetch():
        counter["calls"] += 1
        return counter["calls"]
    reader = make(fetch)
    assert reader.read("x")["x"].value == 1
    assert reader.read("x")["x"].value == 1
    assert counter["calls"] == 1
    assert reader.read("x")["x"].stale is False


def test_value_is_asked_again_once_it_is_older_than_the_ttl(counter):
    clock = Clock()

    def fetch():
        counter["calls"] += 1
        return counter["calls"]
    reader = make(fetch, monotonic=clock)
    reader.read("x")
    clock.now += 11
    assert reader.read("x")["x"].value == 2


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Each time a read waits for Salt, and for how long at most: what a page costs, without timing it."""
    seen: list[float] = []
    real = saltcache.wait_for

    def spy(futures, timeout):
        seen.append(timeout)
        return real(futures, timeout=timeout)
    monkeypatch.setattr(saltcache, "wait_for", spy)
    return seen


def test_hanging_salt_costs_a_page_at_most_the_wait_and_the_old_value_is_shown_stale(monkeypatch):
    clock, release, answers, waits = Clock(), threading.Event(), iter(["first", "second"]), []
    real_wait = saltcache.wait_for

    def wait_on_the_readers_clock(futures, timeout):
        waits.append(timeout)
        if len(waits) == 1:
            return real_wait(futures)   # the first answer comes
        clock.now += timeout + 0.01     # then the wait runs out while Salt still hangs
        return real_wait(futures, timeout=0)
    monkeypatch.setattr(saltcache, "wait_for", wait_on_the_readers_clock)

    def fetch():
        value = next(answers)
        if value == "second":
            release.wait(60)
        return value
    reader = make(fetch, ttl=0.0, monotonic=clock)
    assert reader.read("x")["x"].value == "first"
    reading = reader.read("x")["x"]
    assert waits[-1] == pytest.approx(0.3) and not release.is_set()   # a page waits the wait, not for Salt
    assert reading.value == "first" and reading.stale and "did not answer within 0.3 s" in reading.problem
    count = len(waits)
    assert reader.read("x")["x"].stale
    assert len(waits) == count   # the overdue call is not waited for again
    release.set()


def test_only_one_salt_call_runs_per_reading_however_many_pages_ask(counter):
    release = threading.Event()

    def fetch():
        counter["calls"] += 1
        release.wait(5)
        return "v"
    reader = make(fetch, wait=0.05)
    threads = [threading.Thread(target=reader.read, args=("x",)) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter["calls"] == 1
    release.set()


def test_failures_open_the_breaker_and_no_salt_call_starts_until_the_cooldown_ends(counter):
    clock = Clock()

    def fetch():
        counter["calls"] += 1
        raise RuntimeError("salt-call exploded")
    reader = make(fetch, monotonic=clock)
    reader.read("x")
    first = reader.read("x")["x"]
    assert first.stale and first.value is None and "salt-call exploded" in first.problem
    assert reader.breaker()["open"] and counter["calls"] == 2
    reading = reader.read("x")["x"]
    assert counter["calls"] == 2 and "retrying in" in reading.problem
    clock.now += 31
    reader.read("x")
    assert counter["calls"] == 3


def test_a_success_closes_the_breaker(counter):
    clock = Clock()
    outcomes = iter([RuntimeError("down"), RuntimeError("down"), "back"])

    def fetch():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    reader = make(fetch, monotonic=clock)
    reader.read("x")
    reader.read("x")
    clock.now += 31
    assert reader.read("x")["x"].value == "back"
    assert reader.breaker() == {"open": False, "retry_in_seconds": 0.0, "consecutive_failures": 0}


def test_invalidate_makes_the_next_read_ask_salt(counter):
    def fetch():
        counter["calls"] += 1
        return counter["calls"]
    reader = make(fetch)
    reader.read("x")
    reader.invalidate()
    assert reader.read("x")["x"].value == 2


def test_a_recently_expired_value_is_served_at_once_while_salt_is_asked_in_the_background(counter, waits):
    clock, release = Clock(), threading.Event()

    def fetch():
        counter["calls"] += 1
        if counter["calls"] > 1:
            release.wait(60)
        return counter["calls"]
    reader = make(fetch, monotonic=clock, grace=30.0)
    reader.read("x")
    clock.now += 15
    count = len(waits)
    reading = reader.read("x")["x"]
    assert len(waits) == count and not release.is_set()   # served without waiting for Salt
    assert reading.value == 1 and not reading.stale
    release.set()
    deadline = time.monotonic() + 60   # the background fetch lands when it lands: wait for that, not a time
    while counter["calls"] < 2 or reader.read("x")["x"].value != 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_after_an_invalidation_a_page_waits_for_the_new_value(counter):
    def fetch():
        counter["calls"] += 1
        return counter["calls"]
    reader = make(fetch, grace=30.0)
    reader.read("x")
    reader.invalidate()
    assert reader.read("x")["x"].value == 2

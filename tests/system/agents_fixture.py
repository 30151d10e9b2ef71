"""Agents for tests of the agent runtime and the real `sigmavault-agents --agents tests.system.agents_fixture:AGENTS`.

Each records what happens to it in the folder its settings name ("dir"): a line per start in `starts`
("<task id> <attempt> <subject>"), and waits for the file `release` there (or stops at a safe point when
ctx.cancelled(), unless it is one of the stubborn ones that never look).
"""

import os
import time
from pathlib import Path

from sigmavault.agents.registry import Agent, Outcome, Subject, TaskContext

POLL = 0.02


def record_start(ctx: TaskContext) -> Path:
    folder = Path(ctx.settings["dir"])
    with open(folder / "pids", "a") as pids:
        pids.write(f"{os.getpid()}\n")
    with open(folder / "starts", "a") as starts:
        starts.write(f"{ctx.task_id} {ctx.attempt} {ctx.subject.name}\n")
    return folder


def starts(folder: Path) -> list[tuple[int, int, str]]:
    path = Path(folder) / "starts"
    lines = path.read_text().splitlines() if path.exists() else []
    return [_start(line) for line in lines]


def _start(line: str) -> tuple[int, int, str]:
    task, attempt, subject = (line.split(" ", 2) + [""])[:3]
    return int(task), int(attempt), subject


def _sleep(ctx: TaskContext) -> Outcome:
    folder = record_start(ctx)
    ctx.progress(0.5, "waiting for the release file")
    while not (folder / "release").exists():
        if ctx.cancelled():
            return Outcome(False, "stopped at a safe point")
        time.sleep(POLL)
    ctx.remember(ctx.subject.name, "released", True)
    return Outcome(True, "released")


def _stubborn(ctx: TaskContext) -> Outcome:
    folder = record_start(ctx)
    while not (folder / "release").exists():
        time.sleep(POLL)
    return Outcome(True, "released at last")


def _fail(ctx: TaskContext) -> Outcome:
    record_start(ctx)
    return Outcome(False, "it always fails", {"why": "by design"})


def _flaky(ctx: TaskContext) -> Outcome:
    record_start(ctx)
    if ctx.attempt < int(ctx.settings.get("succeed_at", 3)):
        return Outcome(False, f"attempt {ctx.attempt} failed", retry=True)
    return Outcome(True, f"attempt {ctx.attempt} worked")


def _raise(ctx: TaskContext) -> Outcome:
    record_start(ctx)
    raise OSError("the disk went away")


def _quick(ctx: TaskContext) -> Outcome:
    record_start(ctx)
    return Outcome(True, "done at once")


def _pools(settings: dict) -> list[Subject]:
    return [Subject(name, pool) for name, pool in sorted((settings.get("pools") or {"": None}).items())]


AGENTS = (
    Agent("sleeper", "Waits for a release file.", 50, None, _sleep),
    Agent("thread_sleeper", "Waits for a release file in a worker thread.", 50, None, _sleep, isolated=False),
    Agent("stubborn", "Waits for a release file and never stops early.", 50, None, _stubborn, timeout_seconds=1),
    Agent("box_sleeper", "Holds the box until released or asked to yield.", 60, None, _sleep, holds_box=True),
    Agent("box_stubborn", "Holds the box and never yields.", 60, None, _stubborn, holds_box=True),
    Agent("scrubber", "A heavy task per pool.", 40, None, _sleep, subjects=_pools, heavy=True),
    Agent("failing", "Always fails.", 30, None, _fail, isolated=False, max_attempts=1),
    Agent("flaky", "Fails with retry until its settings' attempt.", 30, None, _flaky, isolated=False),
    Agent("raiser", "Raises.", 30, None, _raise, isolated=False, max_attempts=2),
    Agent("quick", "Returns at once.", 20, None, _quick, isolated=False),
    Agent("quick_child", "Returns at once, in a child process.", 20, None, _quick),
)

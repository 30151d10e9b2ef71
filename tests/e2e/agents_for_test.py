"""Agents for the browser test of the agents page (`sigmavault-agents --agents tests.e2e.agents_for_test:AGENTS`).

`held` runs until its release file appears, so a test can watch its task running, then let it finish.
"""

import time

from sigmavault.agents.registry import Agent, Outcome, TaskContext
from sigmavault.site import Site

RELEASE = "release"


def release_file(site: Site):
    return site.state_dir.parent / RELEASE


def hold_until_released(ctx: TaskContext) -> Outcome:
    ctx.progress(None, "waiting for the release file")
    while not release_file(ctx.site).exists():
        if ctx.cancelled():
            return Outcome(False, "cancelled while held")
        time.sleep(0.05)    # the agent's own wait for its file, not the test's
    return Outcome(True, "released")


AGENTS = (
    Agent(name="held", description="Waits until the test releases it.", priority=50, schedule=None,
          run=hold_until_released, isolated=False, timeout_seconds=600, max_attempts=1),
)

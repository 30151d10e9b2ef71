"""The no-op agent `make bench` runs through the real agent service (`sigmavault-agents --agents
tests.bench.agents_noop:AGENTS`), and the same no-op task for huey, the peer queue."""

from sigmavault.agents.registry import Agent, Outcome, TaskContext


def _nothing(ctx: TaskContext) -> Outcome:
    return Outcome(True, "nothing to do")


AGENTS = (Agent(name="noop", description="Does nothing: measures the queue itself.", priority=50, schedule=None,
                run=_nothing, isolated=False, max_attempts=1),)

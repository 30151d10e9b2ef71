"""Self-heal's backoff and breaker (agents/builtin/heal_policy.py): restart times and the clock in, a
decision out."""

from sigmavault.agents.builtin.heal_policy import OPEN, RESTART, WAIT, Policy, decide

POLICY = Policy(failures=3, window_seconds=1800, backoff_seconds=10)
NOW = 1_000_000.0


def test_a_service_never_restarted_is_restarted_at_once():
    assert decide([], NOW, POLICY).action == RESTART


def test_the_next_restart_waits_out_a_backoff_that_doubles():
    assert decide([NOW - 5], NOW, POLICY) == decide([NOW - 5], NOW, POLICY)
    waiting = decide([NOW - 5], NOW, POLICY)
    assert waiting.action == WAIT and waiting.until == NOW + 5
    assert decide([NOW - 10], NOW, POLICY).action == RESTART
    second = decide([NOW - 100, NOW - 15], NOW, POLICY)      # the second restart within the window: 20 s
    assert second.action == WAIT and second.until == NOW + 5
    assert decide([NOW - 100, NOW - 20], NOW, POLICY).action == RESTART


def test_failures_restarts_in_the_window_open_the_breaker_until_the_oldest_leaves_it():
    opened = decide([NOW - 1000, NOW - 500, NOW - 100], NOW, POLICY)
    assert opened.action == OPEN and opened.until == NOW - 1000 + 1800
    assert len(opened.recent) == 3


def test_restarts_older_than_the_window_no_longer_count():
    decision = decide([NOW - 4000, NOW - 3000, NOW - 1900], NOW, POLICY)
    assert decision.action == RESTART and decision.recent == ()


def test_a_restart_time_in_the_future_is_not_counted():
    """A clock set back must not keep a breaker open for ever."""
    assert decide([NOW + 600, NOW + 700, NOW + 800], NOW, POLICY).action == RESTART


def test_only_the_newest_failures_decide_when_the_breaker_closes():
    opened = decide([NOW - 1700, NOW - 1000, NOW - 500, NOW - 100], NOW, POLICY)
    assert opened.action == OPEN and opened.until == NOW - 1000 + 1800

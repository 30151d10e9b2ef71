"""Agents: the box looks after itself between applies (issue 15).

`registry` is the plug-in surface (Agent, Subject, Outcome, TaskContext); `schedules` turns a schedule
string into due times; `store` is the one SQLite database (the persistent queue, agent status rows,
history and facts); `runtime` is the scheduler and the workers that run tasks from that queue (retries,
timeouts, cancel, quiet hours, one heavy task per pool, a breaker per agent); `boxlock` is the lock an
apply and box-holding agents share; `notify` speaks sd_notify to systemd; `wake` nudges the service.
The process around them is the adapter `sigmavault.cli.agents_service` (`sigmavault-agents`); isolated
tasks run in `sigmavault.cli.agents_task`. The agents themselves live in `builtin/`.
"""

"""Agents: the box looks after itself between applies (issue 15).

`registry` is the plug-in surface (Agent, Subject, Outcome, TaskContext); `schedules` turns a schedule
string into due times and `timetable` keeps when each (agent, subject) fires next; `store` is the one
SQLite database (the persistent queue, agent status rows, history and facts); `runtime` is the scheduler
and the workers that run tasks from that queue (retries, timeouts, cancel, quiet hours, one heavy task
per pool), `execution` runs one task in a thread or a child process, `breaker` stops scheduling an agent
that keeps failing and `outbox` sends events without holding anything up; `boxlock` is the lock an apply
and box-holding agents share; `notify` speaks sd_notify to systemd; `wake` nudges the service.
The process around them is the adapter `sigmavault.cli.agents_service` (`sigmavault-agents`); isolated
tasks run in `sigmavault.cli.agents_task`. The box's agents live in `builtin/`; `config`, `pillar_rules`,
`service_facts`, `service_plan` and `unit` turn the pillar into config.json and the service on the box.
"""

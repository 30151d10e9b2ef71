"""sigmavault agents list | queue | run NAME [SUBJECT] | cancel ID | history [NAME]. Exit codes: 0 done,
1 the agents' database cannot be used (never set up, damaged, not root), 2 no such agent, subject or task
(nothing changed).

They read and write the agents' database (agents/store.py) directly, as the panel does: `run` and `cancel`
go through Store.enqueue and Store.cancel, then nudge the service so it acts at once. When no service runs
the task stays queued and runs when it starts; the command says so.
"""

import json
import sqlite3
import sys

import click

from sigmavault.agents import wake
from sigmavault.agents.service_facts import service_pid
from sigmavault.agents.store import ACTIVE, Store, UnknownAgent, UnknownSubject, UnknownTask, database_path
from sigmavault.site import Site

EXIT_FAILED, EXIT_UNKNOWN = 1, 2
NOT_RUNNING = "the agent service is not running"


def _store(site: Site) -> Store:
    """The database, never created here: before the first apply there is none, and nothing to show."""
    path = database_path(site)
    if not path.exists():
        click.echo(f"the agents have no database yet ({path}): `sigmavault apply` starts the agent service, "
                   "which makes it", err=True)
        sys.exit(EXIT_FAILED)
    try:
        return Store(path)
    except (OSError, sqlite3.Error) as error:
        click.echo(f"cannot open the agents' database {path}: {error} (run as root)", err=True)
        sys.exit(EXIT_FAILED)


def _service_line(site: Site) -> str:
    pid = service_pid(site)
    return f"agent service: running (pid {pid})" if pid else f"{NOT_RUNNING} (`sigmavault apply` starts it)"


def _echo_json(value: object) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=True))


def _table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _shown(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


@click.group()
def agents() -> None:
    """Maintenance agents: what runs on its own, the queue, what ran, and running or cancelling a task."""


@agents.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the agents as JSON")
@click.pass_obj
def list_agents(site: Site, as_json: bool) -> None:
    """Every agent of this box: status, schedule, last and next run, last outcome."""
    rows = _store(site).agents()
    if as_json:
        _echo_json(rows)
        return
    click.echo(_service_line(site))
    _table([["NAME", "STATUS", "SCHEDULE", "LAST RUN", "NEXT RUN", "LAST OUTCOME"],
            *[[row["name"], row["status"], _shown(row["schedule"] or "on demand"), _shown(row["last_run"]),
               _shown(row["next_run"]), _shown(row["last_outcome"])] for row in rows]])


@agents.command()
@click.option("--json", "as_json", is_flag=True, help="Print the tasks as JSON")
@click.pass_obj
def queue(site: Site, as_json: bool) -> None:
    """Tasks queued or running, in the order they run."""
    tasks = _store(site).tasks()
    if as_json:
        _echo_json(tasks)
        return
    if not tasks:
        click.echo("no task is queued or running")
        return
    _table([["ID", "AGENT", "SUBJECT", "STATE", "ATTEMPT", "QUEUED", "MESSAGE"],
            *[[str(t["id"]), t["agent"], _shown(t["subject"]), t["state"], str(t["attempt"]), t["created"],
               _shown(t["message"])] for t in tasks]])


@agents.command()
@click.argument("name")
@click.argument("subject", default="")
@click.pass_obj
def run(site: Site, name: str, subject: str) -> None:
    """Queue a run of agent NAME now (for SUBJECT: a job, a pool … when the agent has several)."""
    store = _store(site)
    try:
        task_id = store.enqueue(name, subject, reason="manual", nudge=False)
    except (UnknownAgent, UnknownSubject) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNKNOWN)
    what = f"{name} {subject}".strip()
    if wake.nudge(site):
        click.echo(f"task {task_id} queued: {what} (`sigmavault agents queue` follows it)")
    else:
        click.echo(f"task {task_id} queued: {what}; {NOT_RUNNING}, so it runs when the service starts "
                   "(`sigmavault apply` starts it)")


@agents.command()
@click.argument("task_id", type=int, metavar="ID")
@click.pass_obj
def cancel(site: Site, task_id: int) -> None:
    """Cancel task ID: a queued task never starts, a running one is stopped at a safe point."""
    store = _store(site)
    try:
        ended = store.task(task_id)["state"] not in ACTIVE
        state = ended or store.cancel(task_id)
    except UnknownTask as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_UNKNOWN)
    if ended:
        click.echo(f"task {task_id} had already ended ({store.task(task_id)['state']}); nothing to cancel")
    elif state == "cancelled":
        click.echo(f"task {task_id} cancelled before it started")
    elif state == "cancelling":
        tail = "" if service_pid(site) else f"; {NOT_RUNNING}: it is marked cancelled when the service starts"
        click.echo(f"task {task_id} is running: the service stops it at a safe point{tail}")
    else:    # it ended between the look and the cancel
        click.echo(f"task {task_id} had already ended ({state}); nothing to cancel")


@agents.command()
@click.argument("name", required=False)
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True, help="How many runs")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON")
@click.pass_obj
def history(site: Site, name: str | None, limit: int, as_json: bool) -> None:
    """Runs that ended, newest first (of agent NAME only, when given)."""
    store = _store(site)
    if name is not None:
        try:
            store.agent(name)
        except UnknownAgent as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_UNKNOWN)
    runs = store.history(name, limit)
    if as_json:
        _echo_json(runs)
        return
    if not runs:
        click.echo("no run has ended yet" + (f" for {name}" if name else ""))
        return
    _table([["TASK", "AGENT", "SUBJECT", "STATE", "FINISHED", "SECONDS", "SUMMARY"],
            *[[str(r["task_id"]), r["agent"], _shown(r["subject"]), r["state"], r["finished"],
               _shown(None if r["duration"] is None else f"{r['duration']:.1f}"), r["summary"]] for r in runs]])

"""sigmavault compress run | restore | list | cancel | stats. Exit codes: 0 done, 1 refused/failed/cancelled,
3 Salt could not run.

`run` and `restore` go through Salt (the pillar says which jobs exist) and show the job's progress
file while salt-call works; Ctrl-C asks the job to cancel. `list`, `cancel` and `stats` read the job
store in the state directory directly, as the control panel does.
"""

import json
import sys
import threading
import time

import click

from sigmavault.cli import compress_report as text
from sigmavault.compression.jobs import new_job_id
from sigmavault.compression.jobs_events import progress_path, read_events
from sigmavault.compression.store import JobStore
from sigmavault.records import RecordDamaged
from sigmavault.salt_bridge.call import SaltReply, SaltUnavailable, salt_call
from sigmavault.site import Site

EXIT_FAILED, EXIT_NO_SALT = 1, 3
PRINT_EVERY = 2.0  # seconds between progress lines


class _Group(click.Group):
    """A damaged job store or dictionary record ends any subcommand with its message, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RecordDamaged as damage:
            click.echo(str(damage), err=True)
            sys.exit(EXIT_FAILED)


@click.group(cls=_Group)
def compress() -> None:
    """Compression jobs: archive folders, recompress cold data in place, and what they saved."""


@compress.command()
@click.argument("name", required=False)
@click.option("--source", help="Folder or pool/dataset to compress (instead of a declared job NAME)")
@click.option("--target", help="Folder to make the archive in")
@click.option("--in-place", is_flag=True, help="Recompress cold files of a btrfs source where they are")
@click.option("--profile", type=click.Choice(["fast", "balanced", "max"]), default="balanced", show_default=True)
@click.option("--cold-days", type=click.IntRange(0, 36500), default=0, show_default=True,
              help="in place: only files not modified for this many days")
@click.option("--priority", type=click.Choice(["low", "normal", "high"]), default="low", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the finished job as JSON")
@click.pass_obj
def run(site: Site, name: str | None, source: str | None, target: str | None, in_place: bool, profile: str,
        cold_days: int, priority: str, as_json: bool) -> None:
    """Run the declared job NAME, or the job that --source and --target/--in-place describe."""
    if not name and not source:
        raise click.UsageError("name a declared job, or give --source with --target or --in-place")
    if source:
        args = _kwargs(source=source, in_place=in_place, profile=profile, cold_days=cold_days, priority=priority,
                       target=target, name=name)
    else:
        args = _kwargs(name=name)
    _run_job(site, "sigmavault_compression.run", args, as_json)


@compress.command()
@click.argument("archive")
@click.argument("destination")
@click.option("--priority", type=click.Choice(["low", "normal", "high"]), default="normal", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the finished job as JSON")
@click.pass_obj
def restore(site: Site, archive: str, destination: str, priority: str, as_json: bool) -> None:
    """Restore ARCHIVE (a folder made by an archive job) into DESTINATION, which must not exist yet."""
    args = _kwargs(source=archive, target=destination, restore=True, priority=priority)
    _run_job(site, "sigmavault_compression.run", args, as_json)


@compress.command(name="list")
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON (what the control panel reads)")
@click.pass_obj
def list_jobs(site: Site, limit: int, as_json: bool) -> None:
    """The newest jobs: what they did, how far they are, what they saved."""
    jobs = JobStore.for_state_dir(site.state_dir).jobs(limit)
    if as_json:
        click.echo(json.dumps(jobs, indent=2))
        return
    for line in text.job_lines(jobs):
        click.echo(line)


@compress.command()
@click.argument("job_id")
@click.pass_obj
def cancel(site: Site, job_id: str) -> None:
    """Ask the running job JOB_ID to stop; it stops at the next file, leaving nothing half-written."""
    state = JobStore.for_state_dir(site.state_dir).request_cancel(job_id)
    if state is None:
        click.echo(f"no job {job_id} (see `sigmavault compress list`)", err=True)
        sys.exit(EXIT_FAILED)
    if state != "running":
        click.echo(f"job {job_id} is not running: it is {state}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"asked job {job_id} to cancel; it stops at the next file")


@compress.command()
@click.option("--json", "as_json", is_flag=True, help="Print the stats as JSON (what the control panel reads)")
@click.pass_obj
def stats(site: Site, as_json: bool) -> None:
    """Space saved and speed per kind of data, over every finished job."""
    report = JobStore.for_state_dir(site.state_dir).stats()
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for line in text.stats_lines(report):
        click.echo(line)


def _kwargs(**values: object) -> list[str]:
    """key=value arguments for salt-call; JSON-quoted, so Salt's YAML reading keeps "0123" or "yes" text."""
    return [f"{key}={json.dumps(value)}" for key, value in values.items() if value is not None]


def _run_job(site: Site, function: str, args: list[str], as_json: bool) -> None:
    job_id = new_job_id()
    replies: list[SaltReply | Exception] = []
    finished = threading.Event()

    def call() -> None:
        try:
            replies.append(salt_call(site, function, *_kwargs(job_id=job_id), *args))
        except SaltUnavailable as error:
            replies.append(error)
        finally:
            finished.set()

    threading.Thread(target=call, name="salt-call", daemon=True).start()
    _follow(site, job_id, finished, quiet=as_json)
    reply = replies[0]
    if isinstance(reply, SaltUnavailable):
        click.echo(str(reply), err=True)
        sys.exit(EXIT_NO_SALT)
    data = reply.data
    if not isinstance(data, dict):
        click.echo("Salt could not run the job:", err=True)
        click.echo(f"  {data}\n  {reply.stderr.strip()}".rstrip(), err=True)
        sys.exit(EXIT_FAILED)
    if data.get("error"):
        click.echo(f"refused: {data['error']}", err=True)
        sys.exit(EXIT_FAILED)
    job = data["job"]
    if as_json:
        click.echo(json.dumps(job, indent=2))
    else:
        for line in text.finished_lines(job):
            click.echo(line)
    sys.exit(0 if job["state"] == "done" else EXIT_FAILED)


def _follow(site: Site, job_id: str, finished: threading.Event, quiet: bool) -> None:
    """Print the job's progress until salt-call returns; Ctrl-C asks the job to cancel and keeps waiting."""
    path, seen, printed = progress_path(site.state_dir, job_id), 0, 0.0
    while True:
        done = finished.is_set()
        events = read_events(path)
        fresh, seen = events[seen:], len(events)
        for event in fresh:
            if event["event"] == "started" and not quiet:
                click.echo(text.started_line(event))
        progress = [e for e in fresh if e["event"] == "progress"]
        if progress and not quiet and (done or time.monotonic() - printed >= PRINT_EVERY):
            printed = time.monotonic()
            click.echo(text.progress_line(progress[-1]))
        if done:
            return
        try:
            finished.wait(0.25)
        except KeyboardInterrupt:
            JobStore.for_state_dir(site.state_dir).request_cancel(job_id)
            click.echo(f"\ncancelling job {job_id} …", err=True)

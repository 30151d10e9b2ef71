"""sigmavault validate | plan | apply | status. Exit codes: 0 fine, 1 refused (the pillar, a bad YAML file
included) or failed, 3 Salt itself could not run."""

import json
import sys

import click

from sigmavault.agents.boxlock import BoxBusy
from sigmavault.cli import report
from sigmavault.cli.pillar_errors import is_pillar_render_failure, readable, readable_errors
from sigmavault.cli.state_results import parse_state_results
from sigmavault.records import RecordDamaged
from sigmavault.salt_bridge.call import APPLY_WAITS_FOR_BOX_SECONDS, SaltUnavailable, salt_call
from sigmavault.site import Site

EXIT_FAILED, EXIT_NO_SALT = 1, 3


@click.group()
@click.option("--pillar", "pillar_dir", help="Pillar directory (default: $SIGMAVAULT_PILLAR or the example site)")
@click.option("--state-dir", help="Where SigmaVault keeps Salt's cache and logs ($SIGMAVAULT_STATE_DIR)")
@click.option("--fstab", help="fstab file pools are recorded in ($SIGMAVAULT_FSTAB, default /etc/fstab)")
@click.pass_context
def cli(ctx: click.Context, pillar_dir: str | None, state_dir: str | None, fstab: str | None) -> None:
    """SigmaVault: the NAS declared in one pillar."""
    ctx.obj = Site.from_environment(pillar_dir, state_dir, fstab)


def _call(site: Site, *args: str, **kwargs):
    try:
        reply = salt_call(site, *args, **kwargs)
    except SaltUnavailable as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_NO_SALT)
    except RecordDamaged as damage:
        click.echo(f"error: {damage}", err=True)
        sys.exit(EXIT_FAILED)
    except BoxBusy as busy:
        click.echo(f"the apply did not start, nothing changed: {busy}", err=True)
        sys.exit(EXIT_FAILED)
    for note in reply.notes:
        click.echo(f"note: {note}", err=True)
    return reply


def _stop_on_salt_errors(site: Site, errors: list[str]) -> None:
    if not errors:
        return
    if is_pillar_render_failure(errors):
        click.echo(f"pillar {site.pillar_dir} is refused, nothing changed:", err=True)
        errors = readable_errors(errors, site.pillar_dir)
    else:
        click.echo("Salt could not start the run:", err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)
    sys.exit(EXIT_FAILED)


def _error_lines(site: Site, errors: list[dict]) -> list[str]:
    """A pillar file that did not render names itself; schema and rule errors name their key path."""
    return [f"  {readable(e['message'], site.pillar_dir)}" if e["path"] == "pillar"
            else f"  {e['path']}: {e['message']}" for e in errors]


@cli.command()
@click.pass_obj
def validate(site: Site) -> None:
    """Check the pillar against the schema and the attached disks."""
    reply = _call(site, "sigmavault_pillar.validate")
    if not isinstance(reply.data, dict):
        _stop_on_salt_errors(site, [str(reply.data), reply.stderr.strip()])
    if reply.data["valid"]:
        click.echo(f"pillar {site.pillar_dir} is valid")
        return
    click.echo(f"pillar {site.pillar_dir} is refused:")
    for line in _error_lines(site, reply.data["errors"]):
        click.echo(line)
    sys.exit(EXIT_FAILED)


@cli.command()
@click.pass_obj
def plan(site: Site) -> None:
    """Show what apply would change, per state, without changing anything."""
    results, errors = parse_state_results(_call(site, "state.apply", "test=True").data)
    _stop_on_salt_errors(site, errors)
    for line in report.plan_lines(results):
        click.echo(line)
    click.echo(report.plan_summary(results))
    sys.exit(EXIT_FAILED if any(s.result is False for s in results) else 0)


@cli.command()
@click.option("--wait-for-box", "wait_seconds", type=click.FloatRange(0, 3600), default=APPLY_WAITS_FOR_BOX_SECONDS,
              show_default=True, help="Seconds to wait for running agent work to reach a safe point")
@click.pass_obj
def apply(site: Site, wait_seconds: float) -> None:
    """Converge the box to the pillar, one progress line per state, then a summary."""
    def progress(name: str, seconds: float) -> None:
        click.echo(f"  … {name} ({seconds:.1f} s)")

    reply = _call(site, "state.apply", on_state_done=progress, box_wait_seconds=wait_seconds)
    results, errors = parse_state_results(reply.data)
    _stop_on_salt_errors(site, errors)
    for line in report.apply_lines(results):
        click.echo(line)
    click.echo(report.summary(results))
    sys.exit(EXIT_FAILED if any(s.result is False for s in results) else 0)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON")
@click.pass_obj
def status(site: Site, as_json: bool) -> None:
    """What the box has (pools, datasets, usage; SMB shares and NFS exports and whether their servers run),
    whatever the pillar says, and the pillar's verdict. Exits 1 when the pillar is refused."""
    storage, shares = (_read(site, function) for function in ("sigmavault_storage.status", "sigmavault_shares.status"))
    refused = not storage.get("valid", False)
    if as_json:
        click.echo(json.dumps({"pillar": str(site.pillar_dir), **storage, "shares": shares}, indent=2))
        sys.exit(EXIT_FAILED if refused or storage.get("error") else 0)
    if storage.get("error"):
        click.echo(f"cannot read the pools: {storage['error']}", err=True)
    for line in [*report.status_lines(storage), *report.share_lines(shares)]:
        click.echo(line)
    if refused:
        click.echo(f"pillar {site.pillar_dir} is refused (what is shown above is what the box has):")
        for line in _error_lines(site, storage.get("errors", [])):
            click.echo(line)
    sys.exit(EXIT_FAILED if refused or storage.get("error") else 0)


def _read(site: Site, function: str) -> dict:
    reply = _call(site, function)
    if not isinstance(reply.data, dict):
        _stop_on_salt_errors(site, [str(reply.data), reply.stderr.strip()])
    return reply.data


from sigmavault.cli import keys as keys_commands  # noqa: E402  (the encryption capability's commands)

cli.add_command(keys_commands.keys)
cli.add_command(keys_commands.seal)
cli.add_command(keys_commands.unseal)
cli.add_command(keys_commands.reseal)
cli.add_command(keys_commands.backup)

from sigmavault.cli.unlock import unlock  # noqa: E402  (encrypted pools at boot)

cli.add_command(unlock)

from sigmavault.cli.compress import compress  # noqa: E402  (the compression capability's commands)

cli.add_command(compress)

from sigmavault.cli.agents import agents  # noqa: E402  (the agents capability's commands)

cli.add_command(agents)

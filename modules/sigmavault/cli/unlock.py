"""sigmavault unlock: open the encrypted pools' volumes (at boot, before the pools mount)."""

import sys
from pathlib import Path

import click

from sigmavault.encryption import actions
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.volumekeys import VolumeKeys
from sigmavault.site import Site
from sigmavault.storage.unlock import unlock as unlock_volumes


@click.command()
@click.option("--identity", "identity_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Open the key files with this key (your recovery key) instead of the node key")
@click.pass_obj
def unlock(site_: Site, identity_files: tuple[str, ...]) -> None:
    """Open every encrypted pool's volumes as /dev/mapper/sv-POOL-N with the node key; no passphrase."""
    try:
        identities = actions.identity_files([Path(p) for p in identity_files]) if identity_files else None
    except SealedError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    report = unlock_volumes(VolumeKeys(site_.state_dir), identities)
    for name in report.opened:
        click.echo(f"opened {name}")
    for name in report.already_open:
        click.echo(f"{name} is open already")
    for problem in report.failed:
        click.echo(f"error: {problem}", err=True)
    sys.exit(1 if report.failed else 0)

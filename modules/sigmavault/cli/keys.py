"""sigmavault keys gen|show|recover, seal, unseal, reseal: the node key and sealed pillar values.

Secrets are read from stdin or a hidden prompt, never from the command line (it shows in `ps`).
"""

import base64
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from sigmavault.agents import boxlock
from sigmavault.crypto import generate_identity
from sigmavault.encryption import actions, checks, datakey, keyfile, nodekey, orphans, rotation, site
from sigmavault.encryption import backup as backups
from sigmavault.encryption.errors import SealedError
from sigmavault.encryption.keypath import parse_key_path
from sigmavault.encryption.sealfile import load, value_at
from sigmavault.salt_bridge.call import APPLY_WAITS_FOR_BOX_SECONDS
from sigmavault.site import Site

EXIT_FAILED = 1
BOX_WAIT_SECONDS = APPLY_WAITS_FOR_BOX_SECONDS


def _boolean(text: str) -> bool:
    words = {"true": True, "false": False}
    if text.strip().lower() not in words:
        raise ValueError(text)
    return words[text.strip().lower()]


_TYPES = {"str": str, "int": int, "float": float, "bool": _boolean}


def _fail(error: Exception) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_FAILED)


@contextlib.contextmanager
def _holding_box(site_: Site, what: str) -> Iterator[None]:
    """A reseal rewrites every sealed file and the node key: it holds the box as an apply does, so the
    key_rotation agent (or an apply) never reseals beside it."""
    try:
        with boxlock.for_apply(site_, wait_seconds=BOX_WAIT_SECONDS):
            yield
    except boxlock.BoxBusy as busy:
        click.echo(f"error: {what} did not start, nothing changed: {busy}", err=True)
        sys.exit(EXIT_FAILED)


def _pillar_file(site_: Site, name: str) -> Path:
    """A path as given; a bare name that is not there is looked up in the site's pillar folder."""
    path = Path(name)
    if not path.exists() and not path.is_absolute() and (site_.pillar_dir / path).exists():
        return site_.pillar_dir / path
    return path


@click.group()
def keys() -> None:
    """The node key of this box and offline recovery keys."""


@keys.command()
@click.option("--profile", type=click.Choice(nodekey.PROFILES), default=None,
              help="Key kind (default: the pillar's encryption.node_key_profile)")
@click.option("--recovery", is_flag=True, help="Make an offline recovery key instead of the node key")
@click.option("--out", type=click.Path(dir_okay=False), help="With --recovery: the file to write it to (0600)")
@click.pass_obj
def gen(site_: Site, profile: str | None, recovery: bool, out: str | None) -> None:
    """Make the node key (once; rotate with reseal), or with --recovery an offline recovery key."""
    profile = profile or site.settings(site_.pillar_dir).node_key_profile
    try:
        if not recovery:
            node = orphans.make_first_node_key(site_.state_dir, profile, [site_.pillar_dir])
            click.echo(f"node key {node.path} ({profile}); recipient:\n{node.recipient}")
            return
        if not out:
            raise SealedError("--recovery needs --out FILE (keep that file offline, e.g. on a USB stick)")
        if Path(out).exists():
            raise SealedError(f"{out} exists; choose another file")
        key = keyfile.write(Path(out), generate_identity(profile), own_folder=False)
    except SealedError as error:
        _fail(error)
    click.echo(f"recovery key written to {key.path}: keep it offline. Add its recipient to "
               f"sigmavault.encryption.recovery_recipients, then run `sigmavault reseal`:\n{key.recipient}")


@keys.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON")
@click.pass_obj
def show(site_: Site, as_json: bool) -> None:
    """The node key's recipient, age and rotation status, and each sealed pillar file's keys."""
    settings = site.settings(site_.pillar_dir)
    try:
        node = nodekey.load(site_.state_dir)
    except SealedError as error:
        _fail(error)
    if node is None and (refused := orphans.refusal(site_.state_dir, [site_.pillar_dir])):
        _fail(refused)
    info = nodekey.info(node, settings.rotation_days).as_dict() if node else {}
    files = [r.as_dict() for r in checks.sealed_file_reports([site_.pillar_dir], site_.state_dir,
                                                              settings.recovery_recipients)]
    if as_json:
        click.echo(json.dumps({"node_key": info, "sealed_files": files}, indent=2))
        return
    if not node:
        click.echo("no node key yet: `sigmavault apply` or `sigmavault keys gen` makes one")
    else:
        due = "rotation due: run `sigmavault reseal`" if info["rotation_due"] else "rotation not due"
        click.echo(f"node key {datakey.fingerprint(node.recipient)} ({info['profile']}), made {info['created']}, "
                   f"{info['age_days']} day(s) old, rotated every {info['rotation_days']} days: {due}")
        click.echo(node.recipient)
    for report in files:
        state = "ok" if report["ok"] else report["error"] or "not sealed to " + ", ".join(report["missing"])
        click.echo(f"sealed file {report['path']}: {state}")


@keys.command()
@click.option("--identity", "identity_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Your offline recovery key file")
@click.pass_obj
def recover(site_: Site, identity_file: str) -> None:
    """On a new box: open every sealed value with a recovery key and reseal it to a new node key."""
    try:
        with _holding_box(site_, "the recovery"):
            report = rotation.reseal_site(site_.pillar_dir, site_.state_dir,
                                          actions.identity_files([Path(identity_file)]))
    except SealedError as error:
        _fail(error)
    click.echo(f"recovered {report.values} sealed value(s) in {len(report.files)} file(s); "
               f"new node key {datakey.fingerprint(report.new_recipient)}")


def _read_secret(value_type: str) -> object:
    if sys.stdin.isatty():
        text = click.prompt("value to seal", hide_input=True, confirmation_prompt=True)
    else:
        text = sys.stdin.read()
        text = text[:-1] if text.endswith("\n") else text
    try:
        return _TYPES[value_type](text)
    except ValueError:
        raise SealedError(f"the value is not a {value_type}") from None


@click.command()
@click.argument("pillar_file")
@click.argument("key")
@click.option("--type", "value_type", type=click.Choice(sorted(_TYPES)), default="str", help="Type of the value")
@click.option("--recipient", "recipients", multiple=True,
              help="Seal a new file for this node recipient instead of this box's key (repeatable)")
@click.option("--identity", "identity_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A key file that opens the file's data key (when this box's node key does not)")
@click.option("--from-file", "existing", is_flag=True, help="Seal the plaintext the file holds at KEY now")
@click.option("--random", "random_bytes", type=click.IntRange(16, 1024),
              help="Seal N fresh random bytes (base64), e.g. a LUKS volume key: --random 64")
@click.pass_obj
def seal(site_: Site, pillar_file: str, key: str, value_type: str, recipients: tuple[str, ...],
         identity_files: tuple[str, ...], existing: bool, random_bytes: int | None) -> None:
    """Seal a value at KEY (e.g. sigmavault.encryption.secrets.api_token) in PILLAR_FILE.

    The value comes from stdin or a hidden prompt; --from-file seals what the file holds there now,
    --random N a new random key."""
    path = _pillar_file(site_, pillar_file)
    try:
        key_parts = parse_key_path(key)
        if random_bytes:
            value: object = base64.b64encode(os.urandom(random_bytes)).decode("ascii")
        elif existing:
            value = value_at(load(path.read_text(), str(path)), key_parts)
        else:
            value = _read_secret(value_type)
        actions.seal_in_file(path, key_parts, value, state_dir=site_.state_dir, pillar_dir=site_.pillar_dir,
                             node_recipients=list(recipients),
                             identities=actions.identity_files([Path(p) for p in identity_files]))
    except (SealedError, OSError) as error:
        _fail(error)
    click.echo(f"sealed {key} in {path}")


@click.command()
@click.argument("pillar_file")
@click.argument("key")
@click.option("--identity", "identity_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A key file to open it with, besides this box's node key")
@click.pass_obj
def unseal(site_: Site, pillar_file: str, key: str, identity_files: tuple[str, ...]) -> None:
    """Print the plaintext of the sealed value at KEY in PILLAR_FILE."""
    path = _pillar_file(site_, pillar_file)
    try:
        value = actions.unseal_from_file(path, parse_key_path(key), state_dir=site_.state_dir,
                                         identities=actions.identity_files([Path(p) for p in identity_files]))
    except (SealedError, OSError) as error:
        _fail(error)
    click.echo(value)


@click.command()
@click.option("--profile", type=click.Choice(nodekey.PROFILES), default=None,
              help="Kind of the new node key (default: the pillar's encryption.node_key_profile)")
@click.pass_obj
def reseal(site_: Site, profile: str | None) -> None:
    """Rotate: new node key, every sealed value resealed to it and the recovery keys, old key retired last."""
    try:
        with _holding_box(site_, "the reseal"):
            report = rotation.reseal_site(site_.pillar_dir, site_.state_dir, profile=profile)
    except SealedError as error:
        _fail(error)
    retired = f"; retired {datakey.fingerprint(report.retired)}" if report.retired else ""
    pools = f" and {report.volume_keys} pool key file(s)" if report.volume_keys else ""
    click.echo(f"resealed {report.values} value(s) in {len(report.files)} file(s){pools} for node key "
               f"{datakey.fingerprint(report.new_recipient)}{retired}")


@click.group()
def backup() -> None:
    """Encrypted snapshot backups: btrfs send | zstd | age, restorable with stock tools."""


@backup.command("export")
@click.argument("snapshot", type=click.Path(exists=True, file_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--parent", type=click.Path(exists=True, file_okay=False), help="Send only the changes since this one")
@click.option("--recipient", "recipients", multiple=True,
              help="Seal for these recipients (default: the node key and the pillar's recovery keys)")
@click.pass_obj
def backup_export(site_: Site, snapshot: str, out: str, parent: str | None, recipients: tuple[str, ...]) -> None:
    """Write the read-only SNAPSHOT to OUT, compressed and sealed (an age file)."""
    try:
        chosen = list(recipients) or actions.recipients_for(site_.state_dir, site_.pillar_dir)
        report = backups.export_snapshot(Path(snapshot), Path(out), chosen, Path(parent) if parent else None)
    except SealedError as error:
        _fail(error)
    click.echo(f"backup {report.path}: {report.stream_bytes} bytes sent, {report.file_bytes} bytes written")


@backup.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.argument("target", type=click.Path(exists=True, file_okay=False))
@click.option("--identity", "identity_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A key file to open it with (default: this box's node key)")
@click.pass_obj
def backup_restore(site_: Site, backup_file: str, target: str, identity_files: tuple[str, ...]) -> None:
    """Receive BACKUP_FILE as a new read-only subvolume in TARGET (a folder on btrfs)."""
    try:
        identities = actions.identity_files([Path(p) for p in identity_files]) or nodekey.identities(site_.state_dir)
        made = backups.restore_snapshot(Path(backup_file), Path(target), identities)
    except SealedError as error:
        _fail(error)
    click.echo(f"restored {made}")

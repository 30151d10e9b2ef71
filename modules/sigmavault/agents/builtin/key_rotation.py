"""Key rotation: once the node key is older than encryption.rotation_days, every sealed value is resealed
to a new node key through the one crash-safe reseal (`sigmavault reseal`'s): nothing changes unless every
sealed file opens first, and a rotation that stopped half-way is resumed with its waiting key. It holds the
box so a reseal never races an apply reading the same pillar files."""

from __future__ import annotations

from sigmavault.agents.registry import Agent, Outcome, TaskContext
from sigmavault.encryption import datakey, nodekey, rotation
from sigmavault.encryption.errors import SealedError
from sigmavault.site import Site


def settings(document: dict, site: Site) -> dict:
    return {"rotation_days": document.get("encryption", {}).get("rotation_days", 30)}


def run_key_rotation(ctx: TaskContext) -> Outcome:
    state_dir, pillar_dir = ctx.site.state_dir, ctx.site.pillar_dir
    try:
        node = nodekey.load(state_dir)
    except SealedError as error:
        return Outcome(False, f"cannot read the node key: {error}")
    if node is None:
        return Outcome(True, "no node key yet (the first apply makes it): nothing to rotate")
    info = nodekey.info(node, ctx.settings["rotation_days"])
    resuming = nodekey.next_path(state_dir).exists()
    if not info.rotation_due and not resuming:
        return Outcome(True, f"node key is {info.age_days} day(s) old; rotation is due at "
                             f"{info.rotation_days}", {"key": info.as_dict()})
    if ctx.cancelled():
        return Outcome(False, "cancelled before the reseal began; the node key is unchanged", retry=True)
    ctx.progress(None, "resealing every sealed value for a new node key")
    try:
        report = rotation.reseal_site(pillar_dir, state_dir)
    except (SealedError, OSError) as error:
        return Outcome(False, f"cannot rotate the node key ({info.age_days} day(s) old): {error}",
                       {"key": info.as_dict(), "error": str(error)})
    details = {"key": info.as_dict(), "new_recipient": report.new_recipient, "files": report.files,
               "values": report.values, "volume_keys": report.volume_keys, "retired": report.retired}
    why = "resumed the rotation that stopped" if resuming and not info.rotation_due else \
        f"node key was {info.age_days} day(s) old"
    return Outcome(True, f"rotated the node key ({why}): {report.values} value(s) in {len(report.files)} "
                         f"file(s) resealed for {datakey.fingerprint(report.new_recipient)}", details)


KEY_ROTATION = Agent(
    name="key_rotation",
    description="Rotates the node key every encryption.rotation_days: every sealed value resealed to a new key.",
    priority=60, schedule="@daily", run=run_key_rotation, settings=settings,
    heavy=False, holds_box=True, isolated=True, timeout_seconds=1800, max_attempts=1)
